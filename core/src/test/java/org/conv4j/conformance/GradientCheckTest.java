package org.conv4j.conformance;

import static org.conv4j.conformance.Conformance.toDouble;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.conv4j.Backend;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finite-difference gradient checks. For a random R, the scalar loss L = sum(y * R) has gradient
 * backward(dy = R). Central differences of L computed with the float64 reference forward are compared
 * with (1) the reference's own analytic backward, in float64, which validates the oracle, and (2) the
 * backend's float32 backward. Max pooling uses distinct values (no ties) spaced far wider than the step,
 * so no perturbation changes a window's winner.
 */
class GradientCheckTest {
    /** Step of the central differences; the conv and average-pool losses are linear, so any step works. */
    private static final double STEP = 1e-3;
    /** Max-pool values are at least this far apart, much more than twice the step. */
    private static final double GAP = 0.05;

    /** L as a function of one of its inputs (which the loss reads and the checker perturbs in place). */
    private interface Loss {
        double at();
    }

    static Stream<Arguments> convCases() {
        ConvParams d = ConvParams.defaults();
        List<ConvCase> cases = List.of(
                new ConvCase("plain", 1, new int[] {2, 3, 5, 5}, new int[] {4, 3, 3, 3}, d, true, false),
                new ConvCase("strided dilated grouped", 2, new int[] {2, 4, 6, 7}, new int[] {6, 2, 3, 2},
                        d.stride(2, 1).padding(1, 0, 2, 1).dilation(1, 2).groups(2), true, false),
                new ConvCase("depthwise", 3, new int[] {1, 3, 5, 6}, new int[] {3, 1, 3, 3},
                        d.padding(1, 1).groups(3).stride(1, 2), true, false));
        return Conformance.backends().flatMap(b -> cases.stream().map(c -> Arguments.of(b, c)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("convCases")
    void convGradients(Backend b, ConvCase c) {
        float[][] d = c.data();
        double[] x = toDouble(d[0]);
        double[] w = toDouble(d[1]);
        double[] bias = toDouble(d[2]);
        double[] r = toDouble(d[3]);
        ConvParams p = c.params();
        Loss loss = () -> dot(NaiveReference.conv2d(x, c.xShape(), w, c.wShape(), bias, p).value, r);
        Tensor dy = Tensor.of(d[3], c.yShape());

        check(b, "dx " + c, numeric(x, loss), NaiveReference.conv2dBackwardData(r, w, c.wShape(), c.xShape(), p),
                b.conv2dBackwardData(dy, Tensor.of(d[1], c.wShape()), c.xShape(), p));
        check(b, "dw " + c, numeric(w, loss), NaiveReference.conv2dBackwardWeights(r, x, c.xShape(), c.wShape(), p),
                b.conv2dBackwardWeights(dy, Tensor.of(d[0], c.xShape()), c.wShape(), p));
        check(b, "db " + c, numeric(bias, loss), NaiveReference.conv2dBackwardBias(r, c.yShape()),
                b.conv2dBackwardBias(dy));
    }

    static Stream<Arguments> poolCases() {
        List<PoolParams> params = List.of(
                PoolParams.of(2, 2),
                PoolParams.of(3, 3).stride(2, 2).padding(1, 1).ceilMode(true),
                PoolParams.of(2, 3).stride(1, 2).padding(1, 1),
                PoolParams.of(3, 2).stride(2, 1).padding(1, 1).ceilMode(true).countIncludePad(false));
        return Conformance.backends().flatMap(b -> params.stream().map(p -> Arguments.of(b, p)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("poolCases")
    void poolGradients(Backend b, PoolParams p) {
        int[] xs = {2, 2, 7, 6};
        int n = 2 * 2 * 7 * 6;
        // distinct values: a shuffled ramp with spacing GAP, so no window has a tie
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new Random(p.hashCode()));
        float[] xf = new float[n];
        for (int i = 0; i < n; i++) {
            xf[i] = (float) (order.get(i) * GAP - 3);
        }
        double[] x = toDouble(xf);
        int[] ys = NaiveReference.poolOutShape(xs, p);
        Random rnd = new Random(7);
        float[] rf = new float[ys[0] * ys[1] * ys[2] * ys[3]];
        for (int i = 0; i < rf.length; i++) {
            rf[i] = rnd.nextFloat() * 2 - 1;
        }
        double[] r = toDouble(rf);
        Tensor xt = Tensor.of(xf, xs);
        Tensor dy = Tensor.of(rf, ys);

        check(b, "maxPool dx " + p, numeric(x, () -> dot(NaiveReference.maxPool2d(x, xs, p).value, r)),
                NaiveReference.maxPool2dBackward(r, x, xs, p), b.maxPool2dBackward(dy, xt, p));
        check(b, "avgPool dx " + p, numeric(x, () -> dot(NaiveReference.avgPool2d(x, xs, p).value, r)),
                NaiveReference.avgPool2dBackward(r, xs, p), b.avgPool2dBackward(dy, xs, p));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Central differences of {@code loss} with respect to every element of {@code v} (perturbed in place, restored). */
    private static double[] numeric(double[] v, Loss loss) {
        double[] g = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double keep = v[i];
            v[i] = keep + STEP;
            double up = loss.at();
            v[i] = keep - STEP;
            double down = loss.at();
            v[i] = keep;
            g[i] = (up - down) / (2 * STEP);
        }
        return g;
    }

    /**
     * The reference's analytic gradient must equal the finite differences to float64 rounding (1e-8);
     * the backend's float32 gradient must equal them within the float32 summation bound of
     * {@link Conformance#assertMatches} plus that 1e-8.
     */
    private static void check(Backend b, String what, double[] numeric, NaiveReference.Result analytic, Tensor backend) {
        for (int i = 0; i < numeric.length; i++) {
            if (!(Math.abs(analytic.value[i] - numeric[i]) <= 1e-8 * Math.max(1, Math.abs(numeric[i])))) {
                fail("reference " + what + Conformance.index(analytic.shape, i) + " = " + analytic.value[i]
                        + " but finite differences give " + numeric[i]);
            }
        }
        float[] a;
        try (backend) {
            a = backend.toArray();
            if (a.length != numeric.length) {
                fail(b.name() + " " + what + ": " + a.length + " values, expected " + numeric.length);
            }
        }
        for (int i = 0; i < a.length; i++) {
            double tol = 4 * (analytic.terms[i] + 1) * Conformance.U * analytic.absSum[i] + 1e-8;
            if (!(Math.abs(a[i] - numeric[i]) <= tol)) {
                fail(b.name() + " " + what + Conformance.index(analytic.shape, i) + " = " + a[i]
                        + " but finite differences give " + numeric[i] + " +- " + tol);
            }
        }
    }
}
