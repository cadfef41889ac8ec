package org.conv4j.java;

import org.conv4j.internal.Parallel;
import org.conv4j.spi.AdaptivePoolGeometry;

/**
 * Adaptive average and max pooling, parallel over the {@code N*C} planes. Windows follow PyTorch:
 * rows {@code [floor(i*H/hOut), ceil((i+1)*H/hOut))}, columns likewise.
 *
 * <p>Average pooling: the forward sums, per output row, each window row's column range into one accumulator
 * per output column; the backward is a gather: for each input row, the output rows covering it are a
 * contiguous range (starts and ends are monotone), and so are the output columns covering each input column,
 * so every {@code dx} cell is written once as the sum of {@code dy / count} over its covering windows, with
 * no scatter. Max pooling searches each window in row-major order (first maximum; a NaN beats every number,
 * the first NaN wins), as the fixed-window max pooling does.
 */
final class AdaptivePooling {
    private AdaptivePooling() {
    }

    private static int grainPlanes(AdaptivePoolGeometry g) {
        long perPlane = Math.max(1L, (long) g.windowOps() / Math.max(1L, (long) g.n * g.c));
        return (int) Math.max(1, Pooling.grainOps / perPlane);
    }

    private static int[] starts(int in, int out) {
        int[] s = new int[out];
        for (int i = 0; i < out; i++) {
            s[i] = AdaptivePoolGeometry.start(i, in, out);
        }
        return s;
    }

    private static int[] ends(int in, int out) {
        int[] e = new int[out];
        for (int i = 0; i < out; i++) {
            e[i] = AdaptivePoolGeometry.end(i, in, out);
        }
        return e;
    }

    static float[] avgForward(AdaptivePoolGeometry g, float[] x) {
        float[] y = new float[g.n * g.c * g.hOut * g.wOut];
        int[] r0 = starts(g.h, g.hOut);
        int[] r1 = ends(g.h, g.hOut);
        int[] c0 = starts(g.w, g.wOut);
        int[] c1 = ends(g.w, g.wOut);
        Parallel.forPieces(g.n * g.c, grainPlanes(g), (from, to) -> {
            float[] acc = new float[g.wOut];
            for (int p = from; p < to; p++) {
                int xp = p * g.h * g.w;
                int yp = p * g.hOut * g.wOut;
                for (int i = 0; i < g.hOut; i++) {
                    java.util.Arrays.fill(acc, 0f);
                    for (int r = r0[i]; r < r1[i]; r++) {
                        int xr = xp + r * g.w;
                        for (int j = 0; j < g.wOut; j++) {
                            float s = 0f;
                            for (int c = c0[j]; c < c1[j]; c++) {
                                s += x[xr + c];
                            }
                            acc[j] += s;
                        }
                    }
                    int rows = r1[i] - r0[i];
                    for (int j = 0; j < g.wOut; j++) {
                        y[yp + i * g.wOut + j] = acc[j] / (rows * (c1[j] - c0[j]));
                    }
                }
            }
        });
        return y;
    }

    static float[] avgBackward(AdaptivePoolGeometry g, float[] dy) {
        float[] dx = new float[g.n * g.c * g.h * g.w];
        int[] r0 = starts(g.h, g.hOut);
        int[] r1 = ends(g.h, g.hOut);
        int[] c0 = starts(g.w, g.wOut);
        int[] c1 = ends(g.w, g.wOut);
        // Output rows / columns whose windows contain input row r / column c: a contiguous range, since
        // starts and ends are both non-decreasing.
        int[] iLo = coverLo(r0, r1, g.h);
        int[] iHi = coverHi(r0, r1, g.h);
        int[] jLo = coverLo(c0, c1, g.w);
        int[] jHi = coverHi(c0, c1, g.w);
        Parallel.forPieces(g.n * g.c, grainPlanes(g), (from, to) -> {
            float[] scaled = new float[g.hOut * g.wOut];
            float[] row = new float[g.w];
            for (int p = from; p < to; p++) {
                int xp = p * g.h * g.w;
                int yp = p * g.hOut * g.wOut;
                for (int i = 0; i < g.hOut; i++) {
                    for (int j = 0; j < g.wOut; j++) {
                        scaled[i * g.wOut + j] = dy[yp + i * g.wOut + j] / ((r1[i] - r0[i]) * (c1[j] - c0[j]));
                    }
                }
                for (int r = 0; r < g.h; r++) {
                    java.util.Arrays.fill(row, 0f);
                    for (int i = iLo[r]; i < iHi[r]; i++) {
                        int si = i * g.wOut;
                        for (int c = 0; c < g.w; c++) {
                            float s = 0f;
                            for (int j = jLo[c]; j < jHi[c]; j++) {
                                s += scaled[si + j];
                            }
                            row[c] += s;
                        }
                    }
                    System.arraycopy(row, 0, dx, xp + r * g.w, g.w);
                }
            }
        });
        return dx;
    }

    /** For each input index, the first output index whose window [s, e) contains it. */
    static int[] coverLo(int[] s, int[] e, int in) {
        int[] lo = new int[in];
        int o = 0;
        for (int r = 0; r < in; r++) {
            while (e[o] <= r) {
                o++;
            }
            lo[r] = o;
        }
        return lo;
    }

    /** For each input index, one past the last output index whose window contains it. */
    static int[] coverHi(int[] s, int[] e, int in) {
        int[] hi = new int[in];
        int o = 0;
        for (int r = 0; r < in; r++) {
            while (o < s.length && s[o] <= r) {
                o++;
            }
            hi[r] = o;
        }
        return hi;
    }

    /** Adaptive max; {@code idx} may be null when the indices are not wanted. */
    static float[] maxForward(AdaptivePoolGeometry g, float[] x, int[] idx) {
        float[] y = new float[g.n * g.c * g.hOut * g.wOut];
        int[] r0 = starts(g.h, g.hOut);
        int[] r1 = ends(g.h, g.hOut);
        int[] c0 = starts(g.w, g.wOut);
        int[] c1 = ends(g.w, g.wOut);
        Parallel.forPieces(g.n * g.c, grainPlanes(g), (from, to) -> {
            for (int p = from; p < to; p++) {
                int xp = p * g.h * g.w;
                int yp = p * g.hOut * g.wOut;
                for (int i = 0; i < g.hOut; i++) {
                    for (int j = 0; j < g.wOut; j++) {
                        int best = r0[i] * g.w + c0[j];
                        float bv = x[xp + best];
                        for (int r = r0[i]; r < r1[i]; r++) {
                            for (int c = r == r0[i] ? c0[j] + 1 : c0[j]; c < c1[j]; c++) {
                                float v = x[xp + r * g.w + c];
                                if (v > bv || (v != v && bv == bv)) {
                                    bv = v;
                                    best = r * g.w + c;
                                }
                            }
                        }
                        y[yp + i * g.wOut + j] = bv;
                        if (idx != null) {
                            idx[yp + i * g.wOut + j] = best;
                        }
                    }
                }
            }
        });
        return y;
    }
}
