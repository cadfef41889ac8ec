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
 * The cpu backend's global pooling reduction (window = plane: 1x1 planes, a 7x7 ResNet head with its
 * one-lane vector tail, widths around the vector lengths), its separable gather of the average gradient
 * (strides 1 to 3, overlapping and gapped windows, padding, both divisor rules, ceil mode) and its index and
 * adaptive kernels, on the vector kernels CPUID picks and on the forced scalar ones, against the java backend.
 */
@DisabledIfSystemProperty(named = "conv4j.test.skipNative", matches = "true",
        disabledReason = "native build skipped (-Dconv4j.skipNative=true)")
class CpuPoolKernelsTest {
    private static final Backend JAVA = Backends.java();

    @AfterAll
    static void restoreKernels() {
        CpuBackend.forceScalar(false);
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    private static void assertClose(String what, Tensor expected, Tensor actual, float tol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toArray();
        float[] a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= tol * Math.max(1f, Math.abs(e[i])))) {
                fail(what + ": value " + i + " is " + a[i] + ", expected " + e[i]);
            }
        }
    }

    @ParameterizedTest(name = "scalar kernels {0}")
    @ValueSource(booleans = {false, true})
    void globalAverageMatchesJava(boolean scalar) {
        CpuBackend.forceScalar(scalar);
        CpuBackend cpu = CpuBackend.create(true);
        Random r = new Random(scalar ? 41 : 40);
        int[][] planes = {{1, 1}, {7, 7}, {1, 15}, {4, 4}, {3, 11}, {8, 8}, {13, 5}, {14, 14}, {33, 33}, {1, 97}};
        for (int[] hw : planes) {
            int n = 1 + r.nextInt(3);
            int c = 1 + r.nextInt(9);
            int[] xs = {n, c, hw[0], hw[1]};
            PoolParams p = PoolParams.of(hw[0], hw[1]);
            Tensor x = Tensor.of(random(r, n * c * hw[0] * hw[1]), xs);
            Tensor dy = Tensor.of(random(r, n * c), n, c, 1, 1);
            Tensor xn = toNative(x);
            String what = (scalar ? "scalar " : "vector ") + java.util.Arrays.toString(xs);
            // one summation order in every kernel and in the java backend: the same bits
            assertArrayEquals(JAVA.avgPool2d(x, p).toArray(), cpu.avgPool2d(xn, p).toArray(), "global avg " + what);
            assertClose("global avg backward " + what, JAVA.avgPool2dBackward(dy, xs, p),
                    cpu.avgPool2dBackward(dy, xs, p), 1e-6f);
            assertClose("adaptive 1x1 " + what, JAVA.adaptiveAvgPool2d(x, 1, 1), cpu.adaptiveAvgPool2d(x, 1, 1), 1e-5f);
            xn.close();
        }
    }

    @ParameterizedTest(name = "scalar kernels {0}")
    @ValueSource(booleans = {false, true})
    void averageGradientGatherMatchesJava(boolean scalar) {
        CpuBackend.forceScalar(scalar);
        CpuBackend cpu = CpuBackend.create(true);
        Random r = new Random(scalar ? 51 : 50);
        for (int iter = 0; iter < 150; iter++) {
            int kh = 1 + r.nextInt(5);
            int kw = 1 + r.nextInt(5);
            int sh = 1 + r.nextInt(3);
            int sw = iter % 3 == 0 ? 1 : 1 + r.nextInt(3);
            int h = kh + r.nextInt(20);
            int w = kw + r.nextInt(40);
            PoolParams p = PoolParams.of(kh, kw).stride(sh, sw).padding(r.nextInt(kh / 2 + 1), r.nextInt(kw / 2 + 1))
                    .ceilMode(r.nextBoolean()).countIncludePad(r.nextBoolean());
            if (iter == 0) {  // Inception's 3x3/1/1 without the padding in the divisor
                h = w = 28;
                p = PoolParams.of(3, 3).stride(1, 1).padding(1, 1).countIncludePad(false);
            }
            int n = 1 + r.nextInt(2);
            int c = 1 + r.nextInt(3);
            int[] xs = {n, c, h, w};
            Tensor y = JAVA.avgPool2d(Tensor.zeros(xs), p);
            Tensor dy = Tensor.of(random(r, y.size()), y.shape());
            String what = (scalar ? "scalar " : "vector ") + java.util.Arrays.toString(xs) + " " + p;
            assertClose("avgPool2dBackward " + what, JAVA.avgPool2dBackward(dy, xs, p), cpu.avgPool2dBackward(dy, xs, p),
                    1e-5f);
            Tensor x = Tensor.of(random(r, n * c * h * w), xs);
            try (MaxPoolResult m = cpu.maxPool2dWithIndices(x, p)) {
                assertArrayEquals(JAVA.maxPool2dWithIndices(x, p).indices().toArray(), m.indices().toArray(),
                        "indices " + what);
            }
            int ho = 1 + r.nextInt(9);
            int wo = 1 + r.nextInt(9);
            assertClose("adaptive avg " + what, JAVA.adaptiveAvgPool2d(x, ho, wo), cpu.adaptiveAvgPool2d(x, ho, wo), 1e-5f);
            assertArrayEquals(JAVA.adaptiveMaxPool2dWithIndices(x, ho, wo).indices().toArray(),
                    cpu.adaptiveMaxPool2dWithIndices(x, ho, wo).indices().toArray(), "adaptive indices " + what);
        }
    }

    /** Indices of a large pooling (several parallel task chunks) from native and from heap inputs. */
    @org.junit.jupiter.api.Test
    void indicesOfManyChunksFromNativeAndHeapInputs() {
        CpuBackend.forceScalar(false);
        CpuBackend cpu = CpuBackend.create(true);
        Random r = new Random(60);
        int[] xs = {8, 64, 56, 56};
        PoolParams p = PoolParams.of(3, 3).stride(2, 2).padding(1, 1);
        Tensor x = Tensor.of(random(r, 8 * 64 * 56 * 56), xs);
        MaxPoolResult want = JAVA.maxPool2dWithIndices(x, p);
        Tensor dy = Tensor.of(random(r, want.output().size()), want.output().shape());
        try (Tensor xn = toNative(x); MaxPoolResult fromNative = cpu.maxPool2dWithIndices(xn, p);
             MaxPoolResult fromHeap = cpu.maxPool2dWithIndices(x, p);
             Tensor dyn = toNative(dy);
             Tensor dx = cpu.maxPool2dBackward(dyn, fromNative.indices(), xs)) {
            assertArrayEquals(want.indices().toArray(), fromNative.indices().toArray(), "indices from native x");
            assertArrayEquals(want.indices().toArray(), fromHeap.indices().toArray(), "indices from heap x");
            assertClose("gradient from indices", JAVA.maxPool2dBackward(dy, x, p), dx, 1e-6f);
        }
    }

    /**
     * Stride-1 "same" pooling (window 2 pad + 1: 1x1, 3x3 pad 1, 5x5 pad 2, mixed) takes the band path: max and
     * average forward, the argmax indices and the max gradient, with NaNs and ties.
     */
    @ParameterizedTest(name = "scalar kernels {0}")
    @ValueSource(booleans = {false, true})
    void sameSizeStrideOneMatchesJava(boolean scalar) {
        CpuBackend.forceScalar(scalar);
        CpuBackend cpu = CpuBackend.create(true);
        Random r = new Random(scalar ? 71 : 70);
        int[][] windows = {{1, 1}, {3, 3}, {5, 5}, {3, 1}, {1, 3}, {5, 3}, {2, 3}};
        for (int iter = 0; iter < 60; iter++) {
            int[] k = windows[iter % windows.length];
            int h = 1 + r.nextInt(30);
            int w = 1 + r.nextInt(40);
            PoolParams p = PoolParams.of(k[0], k[1]).stride(1, 1).padding(k[0] / 2, k[1] / 2)
                    .countIncludePad(r.nextBoolean());
            int[] xs = {1 + r.nextInt(2), 1 + r.nextInt(3), h, w};
            float[] v = random(r, xs[0] * xs[1] * h * w);
            for (int i = 0; i < v.length; i += 11) {
                v[i] = i % 3 == 0 ? Float.NaN : Math.round(v[i]);  // NaNs and ties
            }
            Tensor x = Tensor.of(v, xs);
            String what = (scalar ? "scalar " : "vector ") + java.util.Arrays.toString(xs) + " " + p;
            assertArrayEquals(JAVA.maxPool2d(x, p).toArray(), cpu.maxPool2d(x, p).toArray(), "max " + what);
            try (MaxPoolResult m = cpu.maxPool2dWithIndices(x, p)) {
                assertArrayEquals(JAVA.maxPool2dWithIndices(x, p).indices().toArray(), m.indices().toArray(),
                        "indices " + what);
            }
            int[] ys = JAVA.maxPool2d(x, p).shape();
            Tensor dy = Tensor.of(random(r, ys[0] * ys[1] * ys[2] * ys[3]), ys);
            assertClose("max backward " + what, JAVA.maxPool2dBackward(dy, x, p), cpu.maxPool2dBackward(dy, x, p), 1e-6f);
            Tensor xf = Tensor.of(random(r, v.length), xs);
            assertClose("avg " + what, JAVA.avgPool2d(xf, p), cpu.avgPool2d(xf, p), 1e-6f);
        }
    }
}
