package org.conv4j.conformance;

import org.conv4j.ConvParams;

/**
 * The stated error bounds of the cpu backend's Winograd algorithms (docs/accuracy.md), per output element,
 * computed in float64 from the operands. {@code u = 2^-24}.
 *
 * <ul>
 *   <li>F(2x2, 3x3), forward: {@code |err| <= 4 (C + 12) u (sum over the C summed channels c of
 *       sum|x tile_c| * sum|w_c| + |bias|)}, where {@code x tile_c} is the 4x4 input tile (zero outside x)
 *       whose 2x2 outputs include the element. 4 is the largest coefficient with which one product
 *       {@code |x_rs| |w_ab|} enters the transformed sum of one output ({@code |A^T| (|G||w||G^T| .
 *       |B^T||x||B|) |A|}), and {@code C + 12} counts the roundings along the longest path: 2 in the input
 *       transform, 4 in the filter transform, 1 product, {@code C - 1} channel sums, 4 in the output
 *       transform, 1 bias addition (each within {@code u}, first order).</li>
 *   <li>Backward data: the same 3x3 correlation of the zero-padded {@code dy} (offsets {@code 2 - pad}) with
 *       the rotated filters; {@code C} = output channels per group.</li>
 *   <li>F(3x3, 2x2), weight gradient: {@code |err| <= 4 (T + 9) u sum over the T tiles t of
 *       sum|dy tile_t| * sum|x patch_t|}, where the 2x2 tiles of {@code dy} cover its planes in every image
 *       (zero beyond them) and {@code x patch_t} is the 4x4 input patch the tile reads.</li>
 * </ul>
 * With no Winograd (the {@code ACCURATE} precision) every output is a float32 sum of its {@code m} exact
 * terms and the bound is {@code (m + 1) u sum|term|} ({@link Conformance#tolerance} checks four times that).
 */
final class WinogradBound {
    static final double U = Math.pow(2, -24);

    private WinogradBound() {
    }

    /** Sum of |v| over the rows [r0, r0 + rows) and columns [c0, c0 + cols) of plane (b, ch); zero outside. */
    private static double tileAbs(double[] v, int[] s, int b, int ch, long r0, int rows, long c0, int cols) {
        double sum = 0;
        for (long r = r0; r < r0 + rows; r++) {
            if (r < 0 || r >= s[2]) {
                continue;
            }
            for (long c = c0; c < c0 + cols; c++) {
                if (c >= 0 && c < s[3]) {
                    sum += Math.abs(v[((b * s[1] + ch) * s[2] + (int) r) * s[3] + (int) c]);
                }
            }
        }
        return sum;
    }

    private static double[] filterAbs(double[] w, int[] ws) {
        int per = ws[2] * ws[3];
        double[] a = new double[ws[0] * ws[1]];
        for (int f = 0; f < a.length; f++) {
            for (int k = 0; k < per; k++) {
                a[f] += Math.abs(w[f * per + k]);
            }
        }
        return a;
    }

    /** Per element of y: the forward bound (3x3, stride 1, undilated). */
    static double[] forward(double[] x, int[] xs, double[] w, int[] ws, double[] bias, ConvParams p) {
        int cout = ws[0], cig = ws[1];
        int cog = cout / p.groups();
        int ho = xs[2] + p.padTop() + p.padBottom() - 2;
        int wo = xs[3] + p.padLeft() + p.padRight() - 2;
        double[] fa = filterAbs(w, ws);
        double[] out = new double[xs[0] * cout * ho * wo];
        for (int b = 0; b < xs[0]; b++) {
            for (int co = 0; co < cout; co++) {
                int grp = co / cog;
                for (int ti = 0; ti < (ho + 1) / 2; ti++) {
                    for (int tj = 0; tj < (wo + 1) / 2; tj++) {
                        double t = bias == null ? 0 : Math.abs(bias[co]);
                        for (int c = 0; c < cig; c++) {
                            t += tileAbs(x, xs, b, grp * cig + c, 2L * ti - p.padTop(), 4, 2L * tj - p.padLeft(), 4)
                                    * fa[co * cig + c];
                        }
                        double bound = 4 * (cig + 12) * U * t;
                        for (int i = 2 * ti; i < Math.min(ho, 2 * ti + 2); i++) {
                            for (int j = 2 * tj; j < Math.min(wo, 2 * tj + 2); j++) {
                                out[((b * cout + co) * ho + i) * wo + j] = bound;
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Per element of dx: the backward-data bound (3x3, stride 1, undilated). */
    static double[] backwardData(double[] dy, int[] ys, double[] w, int[] ws, int[] xs, ConvParams p) {
        int cout = ws[0], cig = ws[1], cin = xs[1];
        int cog = cout / p.groups();
        double[] fa = filterAbs(w, ws);
        double[] out = new double[xs[0] * cin * xs[2] * xs[3]];
        for (int b = 0; b < xs[0]; b++) {
            for (int ci = 0; ci < cin; ci++) {
                int grp = ci / cig;
                for (int ti = 0; ti < (xs[2] + 1) / 2; ti++) {
                    for (int tj = 0; tj < (xs[3] + 1) / 2; tj++) {
                        double t = 0;
                        for (int co = grp * cog; co < (grp + 1) * cog; co++) {
                            t += tileAbs(dy, ys, b, co, 2L * ti + p.padTop() - 2, 4, 2L * tj + p.padLeft() - 2, 4)
                                    * fa[co * cig + (ci - grp * cig)];
                        }
                        double bound = 4 * (cog + 12) * U * t;
                        for (int i = 2 * ti; i < Math.min(xs[2], 2 * ti + 2); i++) {
                            for (int j = 2 * tj; j < Math.min(xs[3], 2 * tj + 2); j++) {
                                out[((b * cin + ci) * xs[2] + i) * xs[3] + j] = bound;
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Per element of dw: the weight-gradient bound (3x3, stride 1, undilated). */
    static double[] backwardWeights(double[] dy, int[] ys, double[] x, int[] xs, int[] ws, ConvParams p) {
        int cout = ws[0], cig = ws[1];
        int cog = cout / p.groups();
        int th = (ys[2] + 1) / 2, tw = (ys[3] + 1) / 2;
        int tiles = ys[0] * th * tw;
        double[] out = new double[cout * cig * 9];
        for (int co = 0; co < cout; co++) {
            int grp = co / cog;
            for (int c = 0; c < cig; c++) {
                double t = 0;
                for (int b = 0; b < ys[0]; b++) {
                    for (int ti = 0; ti < th; ti++) {
                        for (int tj = 0; tj < tw; tj++) {
                            double h = tileAbs(dy, ys, b, co, 2L * ti, 2, 2L * tj, 2);
                            if (h != 0) {
                                t += h * tileAbs(x, xs, b, grp * cig + c, 2L * ti - p.padTop(), 4,
                                        2L * tj - p.padLeft(), 4);
                            }
                        }
                    }
                }
                double bound = 4 * (tiles + 9) * U * t;
                for (int k = 0; k < 9; k++) {
                    out[(co * cig + c) * 9 + k] = bound;
                }
            }
        }
        return out;
    }
}
