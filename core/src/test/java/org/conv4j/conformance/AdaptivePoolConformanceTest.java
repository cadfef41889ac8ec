package org.conv4j.conformance;

import static org.conv4j.conformance.Conformance.assertMatches;
import static org.conv4j.conformance.Conformance.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.conv4j.Backend;
import org.conv4j.MaxPoolResult;
import org.conv4j.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Adaptive average and max pooling on every backend against the float64 {@link NaiveReference}: output sizes
 * that divide the input, that do not (overlapping windows), 1x1 (global), and larger than the input
 * (repeated cells); ties (integer data) and NaN for the max; an adjoint and a finite-difference check of the
 * average gradient.
 */
class AdaptivePoolConformanceTest {

    /** One adaptive case: input shape, output size, integer data or not. */
    record Case(int[] xs, int hOut, int wOut, boolean integer, long seed) {
        float[] x() {
            Random r = new Random(seed);
            float[] v = new float[xs[0] * xs[1] * xs[2] * xs[3]];
            for (int i = 0; i < v.length; i++) {
                v[i] = integer ? r.nextInt(4) - 1 : r.nextFloat() * 2 - 1;
            }
            return v;
        }

        float[] dy() {
            Random r = new Random(seed + 1);
            float[] v = new float[xs[0] * xs[1] * hOut * wOut];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextInt(7) - 3;
            }
            return v;
        }

        @Override
        public String toString() {
            return java.util.Arrays.toString(xs) + " -> " + hOut + "x" + wOut + (integer ? " int" : "");
        }
    }

    static List<Case> all() {
        List<Case> c = new ArrayList<>();
        c.add(new Case(new int[] {2, 3, 8, 8}, 4, 4, true, 1));       // divides: plain 2x2 windows
        c.add(new Case(new int[] {1, 2, 7, 5}, 3, 2, true, 2));       // overlapping windows
        c.add(new Case(new int[] {2, 4, 7, 7}, 1, 1, false, 3));      // global (ResNet head)
        c.add(new Case(new int[] {1, 2, 3, 4}, 5, 7, true, 4));       // larger than the input
        c.add(new Case(new int[] {8, 16, 14, 14}, 6, 6, false, 5));   // big enough to run natively everywhere
        c.add(new Case(new int[] {2, 8, 13, 11}, 7, 7, false, 6));    // AlexNet/VGG-style 7x7 head, uneven
        Random r = new Random(77);
        for (int i = 0; i < 60; i++) {
            int[] xs = {1 + r.nextInt(3), 1 + r.nextInt(5), 1 + r.nextInt(12), 1 + r.nextInt(12)};
            c.add(new Case(xs, 1 + r.nextInt(9), 1 + r.nextInt(9), r.nextBoolean(), 100 + i));
        }
        return c;
    }

    static Stream<Arguments> cases() {
        List<Case> all = all();
        return Conformance.backends().flatMap(b -> all.stream().map(c -> Arguments.of(b, c)));
    }

    static Stream<Backend> backends() {
        return Conformance.backends();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void avgAndMaxMatchTheReference(Backend b, Case c) {
        float[] x = c.x();
        float[] dy = c.dy();
        double[] xd = toDouble(x);
        Tensor xt = Tensor.of(x, c.xs());
        Tensor dyt = Tensor.of(dy, c.xs()[0], c.xs()[1], c.hOut(), c.wOut());
        assertMatches(b, "adaptiveAvgPool2d " + c, b.adaptiveAvgPool2d(xt, c.hOut(), c.wOut()),
                NaiveReference.adaptiveAvgPool2d(xd, c.xs(), c.hOut(), c.wOut()), false);
        assertMatches(b, "adaptiveAvgPool2dBackward " + c, b.adaptiveAvgPool2dBackward(dyt, c.xs()),
                NaiveReference.adaptiveAvgPool2dBackward(toDouble(dy), c.xs(), c.hOut(), c.wOut()), false);
        int planes = c.xs()[0] * c.xs()[1];
        int[] win = new int[planes * c.hOut() * c.wOut()];
        float[] want = new float[win.length];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < c.hOut(); i++) {
                for (int j = 0; j < c.wOut(); j++) {
                    int k = (p * c.hOut() + i) * c.wOut() + j;
                    win[k] = NaiveReference.adaptiveMaxWinner(xd, c.xs(), c.hOut(), c.wOut(), p, i, j);
                    want[k] = x[p * c.xs()[2] * c.xs()[3] + win[k]];
                }
            }
        }
        try (Tensor y = b.adaptiveMaxPool2d(xt, c.hOut(), c.wOut())) {
            assertArrayEquals(want, y.toArray(), b.name() + " adaptiveMaxPool2d " + c);
        }
        try (MaxPoolResult r = b.adaptiveMaxPool2dWithIndices(xt, c.hOut(), c.wOut())) {
            assertArrayEquals(win, r.indices().toArray(), b.name() + " adaptive indices " + c);
            assertArrayEquals(want, r.output().toArray(), b.name() + " adaptiveMaxPool2dWithIndices " + c);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void textbookValues(Backend b) {
        // 1x1x4x4 of 0..15 to 2x2: means of the 2x2 quarters; to 1x1: the mean 7.5; to 3x3: overlapping 2x2
        float[] v = new float[16];
        for (int i = 0; i < 16; i++) {
            v[i] = i;
        }
        Tensor x = Tensor.of(v, 1, 1, 4, 4);
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, b.adaptiveAvgPool2d(x, 2, 2).toArray());
        assertArrayEquals(new float[] {7.5f}, b.adaptiveAvgPool2d(x, 1, 1).toArray());
        assertArrayEquals(new float[] {2.5f, 3.5f, 4.5f, 6.5f, 7.5f, 8.5f, 10.5f, 11.5f, 12.5f},
                b.adaptiveAvgPool2d(x, 3, 3).toArray());
        assertArrayEquals(new float[] {5, 6, 7, 9, 10, 11, 13, 14, 15}, b.adaptiveMaxPool2d(x, 3, 3).toArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void nanWinsTheMax(Backend b) {
        float n = Float.NaN;
        float[] v = {1, n, 3, 2, n, 4, 9, 9, 9};
        try (MaxPoolResult r = b.adaptiveMaxPool2dWithIndices(Tensor.of(v, 1, 1, 3, 3), 2, 2)) {
            assertArrayEquals(new int[] {1, 1, 4, 4}, r.indices().toArray());
        }
    }

    /** The average is linear: central differences of sum(dy * f(x)) give dx exactly up to rounding. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void finiteDifferencesOfTheAverage(Backend b) {
        Case c = new Case(new int[] {2, 3, 9, 7}, 4, 5, false, 9);
        float[] x = c.x();
        float[] dy = c.dy();
        float[] g = b.adaptiveAvgPool2dBackward(Tensor.of(dy, 2, 3, 4, 5), c.xs()).toArray();
        float h = 0.5f;
        for (int i = 0; i < x.length; i += 5) {
            float[] xp = x.clone();
            float[] xm = x.clone();
            xp[i] += h;
            xm[i] -= h;
            double fd = (loss(b, xp, c, dy) - loss(b, xm, c, dy)) / (2 * h);
            assertEquals(fd, g[i], 1e-4 * (1 + Math.abs(g[i])), "d/dx[" + i + "]");
        }
    }

    private static double loss(Backend b, float[] x, Case c, float[] dy) {
        float[] y = b.adaptiveAvgPool2d(Tensor.of(x, c.xs()), c.hOut(), c.wOut()).toArray();
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += (double) dy[i] * y[i];
        }
        return s;
    }
}
