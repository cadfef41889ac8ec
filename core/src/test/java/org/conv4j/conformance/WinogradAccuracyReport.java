package org.conv4j.conformance;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.Tensor;
import org.conv4j.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/**
 * Measures (does not assert) the error of the cpu backend's convolutions with and without Winograd on
 * typical network data and on wide-range data, in units of both stated bounds (docs/accuracy.md): the
 * numbers behind the choice of {@code Precision.ACCURATE} as the default. Not part of the normal run
 * (the class name does not end in Test): {@code mvn -B test -Dtest=WinogradAccuracyReport}.
 *
 * <p>Columns, maximum over the outputs of 3 random cases per row: {@code err / (u sum|term|)} (the
 * ACCURATE contract allows {@code m + 1}, the suite checks {@code 4 (m + 1)}), {@code err / bound_W}
 * (Winograd's own bound, at most 1), the share of outputs beyond the ACCURATE suite tolerance, and the
 * mean and standard deviation of the signed error in ulps of the result.
 */
class WinogradAccuracyReport {

    /** Data of one distribution: x-like (activations) or w-like (weights, He-scaled for fanIn). */
    static float[] data(String kind, Random r, int n, boolean weights, int fanIn) {
        float[] v = new float[n];
        double he = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < n; i++) {
            double g = r.nextGaussian();
            switch (kind) {
                case "normal":
                    v[i] = (float) (weights ? g * he : g);
                    break;
                case "relu":
                    v[i] = (float) (weights ? g * he : Math.max(0, g));
                    break;
                case "uniform":
                    v[i] = r.nextFloat() * 2 - 1;
                    break;
                case "wide6":
                case "wide12": {
                    int b = kind.equals("wide6") ? 6 : 12;
                    float s = Math.scalb(1 + r.nextFloat(), r.nextInt(2 * b + 1) - b);
                    v[i] = r.nextBoolean() ? s : -s;
                    break;
                }
                default:
                    throw new AssertionError(kind);
            }
        }
        return v;
    }

    @Test
    void report() {
        assumeTrue(Backends.available().contains("cpu"), "no cpu backend");
        CpuBackend base = CpuBackend.create(true);
        Backend[] algos = {base.withWinograd("off"), base.withWinograd("always")};
        String[] kinds = {"normal", "relu", "uniform", "wide6", "wide12"};
        int[][] shapes = {{2, 16, 14, 14, 16}, {2, 64, 12, 12, 64}};
        ConvParams p = ConvParams.defaults().padding(1, 1);
        StringBuilder out = new StringBuilder(
                "shape | data | direction | algorithm | max err/(u sum|t|) | max err/bound_W | beyond ACCURATE tol | mean ulps | sd ulps\n");
        for (int[] s : shapes) {
            int[] xs = {s[0], s[1], s[2], s[3]}, ws = {s[4], s[1], 3, 3}, ys = {s[0], s[4], s[2], s[3]};
            for (String kind : kinds) {
                for (int dir = 0; dir < 3; dir++) {
                    for (Backend b : algos) {
                        double worstT = 0, worstW = 0, sum = 0, sum2 = 0;
                        long beyond = 0, count = 0;
                        for (int rep = 0; rep < 3; rep++) {
                            Random r = new Random(rep * 31 + dir);
                            float[] x = data(kind, r, xs[0] * xs[1] * xs[2] * xs[3], false, 0);
                            float[] w = data(kind, r, ws[0] * ws[1] * 9, true, ws[1] * 9);
                            float[] dy = data(kind, r, ys[0] * ys[1] * ys[2] * ys[3], false, 0);
                            double[] xd = Conformance.toDouble(x), wd = Conformance.toDouble(w),
                                    dyd = Conformance.toDouble(dy);
                            Tensor xt = Tensor.of(x, xs), wt = Tensor.of(w, ws), dyt = Tensor.of(dy, ys);
                            NaiveReference.Result ref;
                            double[] bw;
                            float[] a;
                            if (dir == 0) {
                                ref = NaiveReference.conv2d(xd, xs, wd, ws, null, p);
                                bw = WinogradBound.forward(xd, xs, wd, ws, null, p);
                                a = Conformance.read(b.conv2d(xt, wt, null, p));
                            } else if (dir == 1) {
                                ref = NaiveReference.conv2dBackwardData(dyd, wd, ws, xs, p);
                                bw = WinogradBound.backwardData(dyd, ys, wd, ws, xs, p);
                                a = Conformance.read(b.conv2dBackwardData(dyt, wt, xs, p));
                            } else {
                                ref = NaiveReference.conv2dBackwardWeights(dyd, xd, xs, ws, p);
                                bw = WinogradBound.backwardWeights(dyd, ys, xd, xs, ws, p);
                                a = Conformance.read(b.conv2dBackwardWeights(dyt, xt, ws, p));
                            }
                            for (int i = 0; i < a.length; i++) {
                                double err = a[i] - ref.value[i];
                                worstT = Math.max(worstT, Math.abs(err) / (WinogradBound.U * ref.absSum[i]));
                                worstW = Math.max(worstW, Math.abs(err) / bw[i]);
                                if (Math.abs(err) > Conformance.tolerance(ref, i)) {
                                    beyond++;
                                }
                                double ulps = err / Math.ulp((float) ref.value[i]);
                                sum += ulps;
                                sum2 += ulps * ulps;
                                count++;
                            }
                        }
                        double mean = sum / count;
                        out.append(String.format("%s | %s | %s | %s | %.3g | %.3g | %d of %d | %.3g | %.3g%n",
                                java.util.Arrays.toString(s), kind, new String[] {"fwd", "bwd-data", "bwd-weights"}[dir],
                                b.precision() == org.conv4j.Precision.ACCURATE ? "gemm" : "winograd", worstT, worstW,
                                beyond, count, mean, Math.sqrt(Math.max(0, sum2 / count - mean * mean))));
                    }
                }
            }
        }
        System.out.print(out);
    }
}
