package org.conv4j.conformance;

import static org.conv4j.conformance.Conformance.assertMatches;
import static org.conv4j.conformance.Conformance.assertUnchanged;
import static org.conv4j.conformance.Conformance.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.conv4j.Backend;
import org.conv4j.IntTensor;
import org.conv4j.MaxPoolResult;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Max pooling with indices, the gradient from indices and max-unpooling on every backend: the indices are the
 * reference's first-maximum winners (ties included: integer data), the values and gradients match the float64
 * {@link NaiveReference}, NaN wins, unpooling places each value at its index, and a finite-difference check of
 * the gradient.
 */
class IndexedPoolConformanceTest {
    private static final List<PoolCase> CASES = PoolCase.all();

    static Stream<Arguments> cases() {
        return Conformance.backends().flatMap(b -> CASES.stream().map(c -> Arguments.of(b, c)));
    }

    static Stream<Backend> backends() {
        return Conformance.backends();
    }

    /** The reference winners as flat indices into each input plane. */
    static int[] winners(double[] x, int[] xs, int[] ys, PoolParams p) {
        int[] w = new int[ys[0] * ys[1] * ys[2] * ys[3]];
        int plane = xs[2] * xs[3];
        for (int pl = 0; pl < xs[0] * xs[1]; pl++) {
            for (int i = 0; i < ys[2]; i++) {
                for (int j = 0; j < ys[3]; j++) {
                    w[(pl * ys[2] + i) * ys[3] + j] = NaiveReference.maxPoolWinner(x, xs, p, pl, i, j) - pl * plane;
                }
            }
        }
        return w;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void indicesValuesGradientAndUnpoolMatchTheReference(Backend b, PoolCase c) {
        float[][] d = c.data();
        Tensor x = Tensor.of(d[0], c.xShape());
        Tensor dy = Tensor.of(d[1], c.yShape());
        double[] xd = toDouble(d[0]);
        PoolParams p = c.params();
        int[] expected = winners(xd, c.xShape(), c.yShape(), p);
        try (MaxPoolResult r = b.maxPool2dWithIndices(x, p)) {
            assertArrayEquals(expected, r.indices().toArray(), b.name() + " indices " + c);
            assertArrayEquals(c.yShape(), r.indices().shape());
            assertMatches(b, "maxPool2dWithIndices " + c, r.output(), NaiveReference.maxPool2d(xd, c.xShape(), p), true);
            assertMatches(b, "maxPool2dBackward(indices) " + c, b.maxPool2dBackward(dy, r.indices(), c.xShape()),
                    NaiveReference.maxPool2dBackward(toDouble(d[1]), xd, c.xShape(), p), false);
            // unpooling the pooled values puts each maximum back where it was, zeros elsewhere
            float[] pooled = b.maxPool2d(x, p).toArray();
            Tensor pt = Tensor.of(pooled, c.yShape());
            float[] un = read(b.maxUnpool2d(pt, r.indices(), c.xShape()));
            float[] want = new float[d[0].length];
            int plane = c.xShape()[2] * c.xShape()[3];
            int oplane = c.yShape()[2] * c.yShape()[3];
            for (int k = 0; k < pooled.length; k++) {
                want[(k / oplane) * plane + expected[k]] = pooled[k];
            }
            assertArrayEquals(want, un, b.name() + " maxUnpool2d " + c);
        }
        assertUnchanged("x", d[0], x);
        assertUnchanged("dy", d[1], dy);
    }

    private static float[] read(Tensor t) {
        try (t) {
            return t.toArray();
        }
    }

    /** PyTorch's textbook example: 4x4 plane 0..15, 2x2 windows: maxima 5, 7, 13, 15 at those flat indices. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void textbookIndices(Backend b) {
        float[] v = new float[16];
        for (int i = 0; i < 16; i++) {
            v[i] = i;
        }
        try (MaxPoolResult r = b.maxPool2dWithIndices(Tensor.of(v, 1, 1, 4, 4), PoolParams.of(2, 2))) {
            assertArrayEquals(new int[] {5, 7, 13, 15}, r.indices().toArray());
            assertArrayEquals(new float[] {5, 7, 13, 15}, r.output().toArray());
            float[] un = read(b.maxUnpool2d(r.output(), r.indices(), new int[] {1, 1, 4, 4}));
            float[] want = new float[16];
            want[5] = 5;
            want[7] = 7;
            want[13] = 13;
            want[15] = 15;
            assertArrayEquals(want, un);
        }
    }

    /** Ties go to the first maximum in row-major order; NaN beats everything, the first NaN wins; as maxPool2d. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void tiesAndNaNAsTheIndexFreePath(Backend b) {
        float n = Float.NaN;
        float[] v = {
            7, 7, 1, n, 2, 2,
            7, 7, n, n, 2, 2,
            -0f, 0f, 3, 3, 5, n,
            0f, -0f, 3, 4, 5, 5};
        PoolParams p = PoolParams.of(2, 2);
        Tensor x = Tensor.of(v, 1, 1, 4, 6);
        try (MaxPoolResult r = b.maxPool2dWithIndices(x, p)) {
            assertArrayEquals(new int[] {0, 3, 4, 12, 21, 17}, r.indices().toArray());
            float[] y = r.output().toArray();
            float[] plain = read(b.maxPool2d(x, p));
            for (int k = 0; k < y.length; k++) {
                assertEquals(Float.floatToRawIntBits(plain[k]) == Float.floatToRawIntBits(y[k]) || (y[k] != y[k]
                        && plain[k] != plain[k]), true, "value " + k + ": " + y[k] + " vs maxPool2d " + plain[k]);
            }
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(y[3]), "first of -0 and +0 wins");
            // overlapping 3x3/1 windows: gradients sharing a maximum add up, as the index-free backward
            PoolParams o = PoolParams.of(3, 3).stride(1, 1).padding(1, 1);
            float[] vals = new float[24];
            for (int i = 0; i < 24; i++) {
                vals[i] = (i * 7) % 11;
            }
            Tensor xo = Tensor.of(vals, 1, 1, 4, 6);
            Tensor dy = Tensor.of(ramp(24), 1, 1, 4, 6);
            try (MaxPoolResult ro = b.maxPool2dWithIndices(xo, o)) {
                assertArrayEquals(read(b.maxPool2dBackward(dy, xo, o)), read(b.maxPool2dBackward(dy, ro.indices(),
                        xo.shape())));
            }
        }
    }

    private static float[] ramp(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = i % 5 - 2;
        }
        return f;
    }

    /** Central differences of L(x) = sum(dy * maxPool(x)) on well-separated data agree with the index gradient. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void finiteDifferences(Backend b) {
        Random r = new Random(5);
        int[] xs = {2, 3, 7, 6};
        int size = 2 * 3 * 7 * 6;
        float[] x = new float[size];
        // a permutation of multiples of 0.25: every difference exceeds the step, no ties
        for (int i = 0; i < size; i++) {
            x[i] = i * 0.25f;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
        PoolParams p = PoolParams.of(3, 3).stride(2, 2).padding(1, 1);
        Tensor xt = Tensor.of(x, xs);
        try (MaxPoolResult res = b.maxPool2dWithIndices(xt, p)) {
            int[] ys = res.output().shape();
            float[] dy = new float[ys[0] * ys[1] * ys[2] * ys[3]];
            for (int i = 0; i < dy.length; i++) {
                dy[i] = r.nextInt(9) - 4;
            }
            float[] g = read(b.maxPool2dBackward(Tensor.of(dy, ys), res.indices(), xs));
            float h = 0.0625f;
            for (int i = 0; i < size; i += 7) {
                float[] xp = x.clone();
                float[] xm = x.clone();
                xp[i] += h;
                xm[i] -= h;
                double fd = (loss(b, xp, xs, p, dy) - loss(b, xm, xs, p, dy)) / (2 * h);
                assertEquals(fd, g[i], 1e-9, "d/dx[" + i + "]");
            }
        }
    }

    private static double loss(Backend b, float[] x, int[] xs, PoolParams p, float[] dy) {
        float[] y = read(b.maxPool2d(Tensor.of(x, xs), p));
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += (double) dy[i] * y[i];
        }
        return s;
    }

    /** Indices pointing anywhere in range (not from a pooling) are honoured: duplicates add up, the last unpools. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void arbitraryIndices(Backend b) {
        int[] idx = {3, 3, 0, 8, 3, 1};
        IntTensor it = IntTensor.of(idx, 1, 1, 2, 3);
        Tensor v = Tensor.of(new float[] {1, 2, 4, 8, 16, 32}, 1, 1, 2, 3);
        float[] dx = read(b.maxPool2dBackward(v, it, new int[] {1, 1, 3, 3}));
        assertArrayEquals(new float[] {4, 32, 0, 19, 0, 0, 0, 0, 8}, dx);
        float[] un = read(b.maxUnpool2d(v, it, new int[] {1, 1, 3, 3}));
        assertArrayEquals(new float[] {4, 32, 0, 16, 0, 0, 0, 0, 8}, un);
        assertTrue(un.length == 9);
    }
}
