package org.conv4j.conformance;

import static org.conv4j.conformance.Conformance.assertMatches;
import static org.conv4j.conformance.Conformance.assertUnchanged;
import static org.conv4j.conformance.Conformance.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.stream.Stream;
import org.conv4j.Backend;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Max and average pooling, forward and backward, of every available backend against the float64
 * {@link NaiveReference}: stride, padding up to half the window, ceil mode, count_include_pad, and ties
 * (integer data) for the first-maximum rule of max-pool backward.
 */
class PoolConformanceTest {
    private static final List<PoolCase> CASES = PoolCase.all();

    static Stream<Arguments> cases() {
        return Conformance.backends().flatMap(b -> CASES.stream().map(c -> Arguments.of(b, c)));
    }

    static Stream<Backend> backends() {
        return Conformance.backends();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void allFourOperationsMatchTheReference(Backend b, PoolCase c) {
        float[][] d = c.data();
        Tensor x = Tensor.of(d[0], c.xShape());
        Tensor dy = Tensor.of(d[1], c.yShape());
        double[] xd = toDouble(d[0]);
        double[] dyd = toDouble(d[1]);
        PoolParams p = c.params();

        assertMatches(b, "maxPool2d " + c, b.maxPool2d(x, p), NaiveReference.maxPool2d(xd, c.xShape(), p), true);
        assertMatches(b, "maxPool2dBackward " + c, b.maxPool2dBackward(dy, x, p),
                NaiveReference.maxPool2dBackward(dyd, xd, c.xShape(), p), true);
        assertMatches(b, "avgPool2d " + c, b.avgPool2d(x, p), NaiveReference.avgPool2d(xd, c.xShape(), p), false);
        assertMatches(b, "avgPool2dBackward " + c, b.avgPool2dBackward(dy, c.xShape(), p),
                NaiveReference.avgPool2dBackward(dyd, c.xShape(), p), false);

        assertUnchanged("x", d[0], x);
        assertUnchanged("dy", d[1], dy);
    }

    /** Ties: each window's gradient goes to its first maximal element in row-major order, nowhere else. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void maxPoolBackwardSendsTiesToTheFirstMaximum(Backend b) {
        // 4x4 plane of equal values; 2x2 windows stride 1: every window's winner is its top-left cell
        float[] flat = new float[16];
        java.util.Arrays.fill(flat, 7f);
        Tensor x = Tensor.of(flat, 1, 1, 4, 4);
        PoolParams p = PoolParams.of(2, 2).stride(1, 1);
        float[] dy = new float[9];
        for (int i = 0; i < 9; i++) {
            dy[i] = 1 << i; // distinct powers of two: the sum in each cell says which windows landed there
        }
        float[] dx = Conformance.read(b.maxPool2dBackward(Tensor.of(dy, 1, 1, 3, 3), x, p));
        float[] expected = {
            1, 2, 4, 0,
            8, 16, 32, 0,
            64, 128, 256, 0,
            0, 0, 0, 0};
        assertArrayEquals(expected, dx, "window (i, j) of an all-equal plane must send its gradient to cell (i, j)");

        // a tie between the second cell of the first row and the first cell of the second row:
        // row-major order picks the first row's cell
        Tensor y = Tensor.of(new float[] {0, 5, 5, 1}, 1, 1, 2, 2);
        float[] dx2 = Conformance.read(b.maxPool2dBackward(Tensor.of(new float[] {3}, 1, 1, 1, 1), y,
                PoolParams.of(2, 2)));
        assertArrayEquals(new float[] {0, 3, 0, 0}, dx2);

        // padded cells never win, even over negative values; ties among negatives go to the first
        Tensor neg = Tensor.of(new float[] {-3, -1, -1, -2}, 1, 1, 2, 2);
        PoolParams padded = PoolParams.of(3, 3).stride(1, 1).padding(1, 1);
        float[] y3 = Conformance.read(b.maxPool2d(neg, padded));
        assertArrayEquals(new float[] {-1, -1, -1, -1}, y3, "padding must act as minus infinity");
        float[] dx3 = Conformance.read(b.maxPool2dBackward(Tensor.of(new float[] {1, 10, 100, 1000}, 1, 1, 2, 2),
                neg, padded));
        assertArrayEquals(new float[] {0, 1111, 0, 0}, dx3, "every window's first maximum is cell (0, 1)");
    }

    /**
     * NaN wins a max (as in PyTorch) and its gradient goes to the first NaN of the window; +inf wins over
     * everything else. API.md does not state this yet; every backend so far (java, javaperf, cpu) agrees,
     * and this keeps them agreeing. The 64x64 plane reaches vectorised row kernels.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void maxPoolPropagatesNaN(Backend b) {
        float n = Float.NaN;
        float[][] planes = {{n, 1, 2, 3}, {1, n, 2, n}, {1, 2, 3, n}, {Float.POSITIVE_INFINITY, 1, n, 3}};
        int[] firstNaN = {0, 1, 3, 2};
        for (int k = 0; k < planes.length; k++) {
            Tensor x = Tensor.of(planes[k], 1, 1, 2, 2);
            float y = Conformance.read(b.maxPool2d(x, PoolParams.of(2, 2)))[0];
            org.junit.jupiter.api.Assertions.assertTrue(Float.isNaN(y), "max of " + java.util.Arrays.toString(planes[k]));
            float[] dx = Conformance.read(b.maxPool2dBackward(Tensor.of(new float[] {1}, 1, 1, 1, 1), x, PoolParams.of(2, 2)));
            float[] expected = new float[4];
            expected[firstNaN[k]] = 1;
            assertArrayEquals(expected, dx, "gradient of max of " + java.util.Arrays.toString(planes[k]));
        }
        float[] big = new float[64 * 64];
        big[5] = n;
        big[64 * 3 + 9] = Float.POSITIVE_INFINITY;
        float[] y = Conformance.read(b.maxPool2d(Tensor.of(big, 1, 1, 64, 64), PoolParams.of(2, 2)));
        for (int i = 0; i < y.length; i++) {
            float e = i == 2 ? n : i == 32 + 4 ? Float.POSITIVE_INFINITY : 0;
            assertArrayEquals(new float[] {e}, new float[] {y[i]}, "window " + i + " of the 64x64 plane");
        }
    }
}
