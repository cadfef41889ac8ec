package org.conv4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.conv4j.spi.HeapStorage;
import org.conv4j.spi.TensorAccess;

/** Shared helpers of the cpu tests: random operands and shapes, and a tolerant comparison. */
final class CpuTestSupport {
    private CpuTestSupport() {
    }

    /** A random convolution problem with every parameter in play. */
    record ConvCase(int[] x, int[] w, ConvParams p, boolean bias) {
        @Override
        public String toString() {
            return "x" + java.util.Arrays.toString(x) + " w" + java.util.Arrays.toString(w) + " " + p
                    + (bias ? " +bias" : "");
        }
    }

    /** A random pooling problem with every parameter in play. */
    record PoolCase(int[] x, PoolParams p) {
        @Override
        public String toString() {
            return "x" + java.util.Arrays.toString(x) + " " + p;
        }
    }

    static ConvCase randomConv(Random r) {
        while (true) {
            int kind = r.nextInt(6);
            int groups = kind == 0 ? 2 + r.nextInt(3) : 1;
            int cig = 1 + r.nextInt(5), cog = 1 + r.nextInt(6);
            if (kind == 1) { // depthwise-like
                groups = 2 + r.nextInt(5);
                cig = 1;
                cog = 1 + r.nextInt(2);
            }
            int n = 1 + r.nextInt(4), h = 1 + r.nextInt(13), w = 1 + r.nextInt(13);
            int kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1, pt = 0, pb = 0, pl = 0, pr = 0;
            if (kind != 2) { // kind 2: pointwise
                kh = 1 + r.nextInt(4);
                kw = 1 + r.nextInt(4);
                sh = 1 + r.nextInt(3);
                sw = 1 + r.nextInt(3);
                dh = 1 + r.nextInt(2);
                dw = 1 + r.nextInt(2);
                pt = r.nextInt(3);
                pb = r.nextInt(3);
                pl = r.nextInt(3);
                pr = r.nextInt(3);
            }
            if (h + pt + pb < dh * (kh - 1) + 1 || w + pl + pr < dw * (kw - 1) + 1) {
                continue;
            }
            ConvParams p = ConvParams.defaults().stride(sh, sw).padding(pt, pb, pl, pr).dilation(dh, dw).groups(groups);
            return new ConvCase(new int[] {n, cig * groups, h, w}, new int[] {cog * groups, cig, kh, kw}, p,
                    r.nextBoolean());
        }
    }

    static PoolCase randomPool(Random r) {
        while (true) {
            int kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4);
            int h = 1 + r.nextInt(19), w = 1 + r.nextInt(19);
            int ph = r.nextInt(kh / 2 + 1), pw = r.nextInt(kw / 2 + 1);
            if (h + 2 * ph < kh || w + 2 * pw < kw) {
                continue;
            }
            PoolParams p = PoolParams.of(kh, kw).stride(1 + r.nextInt(3), 1 + r.nextInt(3)).padding(ph, pw)
                    .ceilMode(r.nextBoolean()).countIncludePad(r.nextBoolean());
            return new PoolCase(new int[] {1 + r.nextInt(3), 1 + r.nextInt(4), h, w}, p);
        }
    }

    static Tensor random(Random r, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return Tensor.of(v, shape);
    }

    /** Values on few levels, so that pooling windows hold ties. */
    static Tensor withTies(Random r, int... shape) {
        float[] v = random(r, shape).toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.round(v[i] * 2) / 2f;
        }
        return TensorAccess.wrap(new HeapStorage(v), shape);
    }

    /** The same values in native memory. */
    static Tensor toNative(Tensor t) {
        return TensorAccess.wrap(NativeStorage.copyOf(t.toArray()), t.shape());
    }

    static void assertClose(String what, Tensor expected, Tensor actual, float tol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toArray(), a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= tol * Math.max(1f, Math.abs(e[i])))) {
                fail(what + ": value " + i + " is " + a[i] + ", expected " + e[i]);
            }
        }
    }
}
