package org.conv4j.cpu;

import static org.conv4j.cpu.CpuTestSupport.toNative;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.MaxPoolResult;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shapes that the cpu backend's whole-plane pooling kernels take (2x2 stride 2 without padding, max and
 * average, and max with indices, AVX-512 and AVX2; max 3x3 stride 2 padding 1 on AVX-512;
 * native/src/pool/pool_planes.h) and the generic stride-2 window row kernels (3x3 stride 2 without padding)
 * against the java reference, on the vector and on the forced scalar kernels: widths from one window to
 * several 8- and 16-window blocks, odd and even sizes, both rounding modes, ties, NaNs, -inf next to padding,
 * constant planes, -0 gradients. Max forward and indices must match exactly; the gradients within 1e-6.
 */
@DisabledIfSystemProperty(named = "conv4j.test.skipNative", matches = "true",
        disabledReason = "native build skipped (-Dconv4j.skipNative=true)")
class CpuPoolPlanesTest {
    private static final Backend JAVA = Backends.java();

    @AfterAll
    static void restoreKernels() {
        CpuBackend.forceScalar(false);
    }

    /** Values for max pooling: kind 0 ties, 1 ties and NaNs, 2 all -inf, 3 constant, 4 ties and -inf. */
    private static float[] values(Random r, int n, int kind) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.round((r.nextFloat() * 2 - 1) * 2) / 2f;
            int pick = r.nextInt(10);
            if (kind == 1 && pick == 0) {
                v[i] = Float.NaN;
            } else if (kind == 2) {
                v[i] = Float.NEGATIVE_INFINITY;
            } else if (kind == 3) {
                v[i] = 0.5f;
            } else if (kind == 4 && pick == 0) {
                v[i] = Float.NEGATIVE_INFINITY;
            }
        }
        return v;
    }

    private static float[] gradients(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i % 7 == 0 ? -0f : r.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** Equal values (NaN equals NaN, -0 equals 0, infinities equal themselves) or within tol relative. */
    private static void assertMatches(String what, Tensor expected, Tensor actual, float tol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toArray(), a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            boolean same = e[i] == a[i] || (Float.isNaN(e[i]) && Float.isNaN(a[i]));
            if (!same && !(Math.abs(e[i] - a[i]) <= tol * Math.max(1f, Math.abs(e[i])))) {
                fail(what + ": value " + i + " is " + a[i] + ", expected " + e[i]);
            }
        }
    }

    @ParameterizedTest(name = "scalar kernels {0}")
    @ValueSource(booleans = {false, true})
    void planeShapesMatchJava(boolean scalar) {
        CpuBackend.forceScalar(scalar);
        CpuBackend cpu = CpuBackend.create(true);
        Random r = new Random(scalar ? 31 : 30);
        for (int iter = 0; iter < 120; iter++) {
            boolean k2 = iter % 2 == 0;
            boolean pad = iter % 4 != 3;  // 3x3 stride 2: padding 1, or none (the generic stride-2 rows)
            int n = 1 + r.nextInt(2), c = 1 + r.nextInt(3);
            int h = (k2 ? 2 : 1) + r.nextInt(24), w = (k2 ? 2 : 1) + r.nextInt(iter % 8 < 2 ? 4 : 75);
            if (iter == 0 || iter == 1) {  // p3's and p2's planes
                h = w = k2 ? 56 : 112;
            }
            if (!k2 && !pad) {  // a 3x3 window needs 3 rows and columns without padding
                h += 2;
                w += 2;
            }
            PoolParams p = (k2 ? PoolParams.of(2, 2).stride(2, 2)
                    : PoolParams.of(3, 3).stride(2, 2).padding(pad ? 1 : 0, pad ? 1 : 0))
                    .ceilMode(r.nextBoolean()).countIncludePad(r.nextBoolean());
            String what = (scalar ? "scalar " : "vector ") + n + "x" + c + "x" + h + "x" + w + " " + p;
            Tensor x = Tensor.of(values(r, n * c * h * w, iter % 5), n, c, h, w);
            Tensor y = JAVA.maxPool2d(x, p);
            Tensor dy = Tensor.of(gradients(r, y.size()), y.shape());
            Tensor xs = iter % 3 == 0 ? toNative(x) : x;  // native memory and pinned heap arrays
            try (Tensor my = cpu.maxPool2d(xs, p);
                 Tensor mdx = cpu.maxPool2dBackward(dy, xs, p)) {
                assertMatches("maxPool2d " + what, y, my, 0f);
                assertMatches("maxPool2dBackward " + what, JAVA.maxPool2dBackward(dy, x, p), mdx, 1e-6f);
            }
            try (MaxPoolResult expect = JAVA.maxPool2dWithIndices(x, p);
                 MaxPoolResult got = cpu.maxPool2dWithIndices(xs, p)) {
                assertMatches("maxPool2dWithIndices " + what, expect.output(), got.output(), 0f);
                assertArrayEquals(expect.indices().toArray(), got.indices().toArray(),
                        "maxPool2dWithIndices indices " + what);
            }
            if (k2 || !pad) {
                Tensor xa = Tensor.of(values(r, n * c * h * w, 0), n, c, h, w);
                try (Tensor ay = cpu.avgPool2d(xa, p);
                     Tensor adx = cpu.avgPool2dBackward(dy, xa.shape(), p)) {
                    assertMatches("avgPool2d " + what, JAVA.avgPool2d(xa, p), ay, 1e-6f);
                    assertMatches("avgPool2dBackward " + what, JAVA.avgPool2dBackward(dy, xa.shape(), p), adx, 1e-6f);
                }
            }
            if (xs != x) {
                xs.close();
            }
        }
    }
}
