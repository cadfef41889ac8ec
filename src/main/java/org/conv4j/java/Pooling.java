package org.conv4j.java;

import org.conv4j.internal.Parallel;
import org.conv4j.spi.PoolGeometry;

/**
 * Max and average pooling, forward and backward, parallel over the {@code N*C} planes.
 *
 * <p>Rows and columns whose windows lie fully inside the input take a fast path with no clipping; the
 * border uses the clipped window. Within a plane, windows are visited in row-major order and window cells
 * in row-major order, exactly as the reference definition, so results agree bit for bit with it:
 * max picks the first maximal cell (a NaN beats any number, the first NaN wins, padded cells never win),
 * backward adds into {@code dx} in the same order, and the average divisor is PyTorch's.
 */
final class Pooling {
    /** Window cells per chunk below which a thread hand-off costs more than it saves. */
    private static final int GRAIN_OPS = 1 << 15;

    private Pooling() {
    }

    private static int grainPlanes(PoolGeometry g) {
        long perPlane = Math.max(1L, (long) g.hOut * g.wOut * g.kh * g.kw);
        return (int) Math.max(1, GRAIN_OPS / perPlane);
    }

    /** First output index whose window starts at or after 0: {@code j*s - p >= 0}. */
    private static int firstInterior(int pad, int s) {
        return (pad + s - 1) / s;
    }

    /** One past the last output index whose window ends inside the input: {@code j*s - p + k <= in}. */
    private static int endInterior(int in, int k, int pad, int s, int out) {
        long num = (long) in + pad - k;
        if (num < 0) {
            return 0;
        }
        return (int) Math.min(out, num / s + 1);
    }

    /** Whether {@code v} replaces the current best {@code bv}: larger, or the first NaN. */
    private static boolean beats(float v, float bv) {
        return v > bv || (v != v && bv == bv);
    }

    static float[] maxForward(PoolGeometry g, float[] x) {
        float[] y = new float[g.n * g.c * g.hOut * g.wOut];
        int ilo = firstInterior(g.ph, g.sh);
        int ihi = Math.max(ilo, endInterior(g.h, g.kh, g.ph, g.sh, g.hOut));
        Parallel.forRange(g.n * g.c, grainPlanes(g), (from, to) -> {
            float[] colMax = new float[g.w];
            for (int p = from; p < to; p++) {
                int xp = p * g.h * g.w;
                int yp = p * g.hOut * g.wOut;
                for (int i = 0; i < g.hOut; i++) {
                    int yr = yp + i * g.wOut;
                    if (i < ilo || i >= ihi) {
                        for (int j = 0; j < g.wOut; j++) {
                            y[yr + j] = x[argmaxClipped(g, x, xp, i, j)];
                        }
                        continue;
                    }
                    columnMax(x, xp + (i * g.sh - g.ph) * g.w, g.w, g.kh, colMax);
                    for (int j = 0; j < g.wOut; j++) {
                        float m = rowMax(colMax, j * g.sw - g.pw, g.kw, g.w);
                        // Math.max is branch-free but says +0 where the first maximal cell may be -0, and
                        // returns some NaN where the definition wants the first one: redo those exactly.
                        y[yr + j] = m == 0f || m != m ? x[argmaxClipped(g, x, xp, i, j)] : m;
                    }
                }
            }
        });
        return y;
    }

    /** {@code colMax[c] = max over the kh rows starting at {@code r0}} of column c (branch-free). */
    private static void columnMax(float[] x, int r0, int w, int kh, float[] colMax) {
        System.arraycopy(x, r0, colMax, 0, w);
        for (int a = 1; a < kh; a++) {
            int r = r0 + a * w;
            for (int c = 0; c < w; c++) {
                colMax[c] = Math.max(colMax[c], x[r + c]);
            }
        }
    }

    /** Max of {@code colMax} over the columns {@code [c0, c0+kw)} clipped to {@code [0, w)}. */
    private static float rowMax(float[] colMax, int c0, int kw, int w) {
        int lo = Math.max(c0, 0);
        int hi = Math.min(c0 + kw, w);
        float m = colMax[lo];
        for (int c = lo + 1; c < hi; c++) {
            m = Math.max(m, colMax[c]);
        }
        return m;
    }

    /** Index into x of the first maximal cell of window (i, j) of the plane at {@code xp}, window clipped. */
    private static int argmaxClipped(PoolGeometry g, float[] x, int xp, int i, int j) {
        int h0 = Math.max(i * g.sh - g.ph, 0);
        int h1 = Math.min(i * g.sh - g.ph + g.kh, g.h);
        int w0 = Math.max(j * g.sw - g.pw, 0);
        int w1 = Math.min(j * g.sw - g.pw + g.kw, g.w);
        int best = xp + h0 * g.w + w0;
        float bv = x[best];
        for (int a = h0; a < h1; a++) {
            for (int b = a == h0 ? w0 + 1 : w0; b < w1; b++) {
                int idx = xp + a * g.w + b;
                float v = x[idx];
                if (beats(v, bv)) {
                    best = idx;
                    bv = v;
                }
            }
        }
        return best;
    }

    static float[] maxBackward(PoolGeometry g, float[] dy, float[] x) {
        float[] dx = new float[x.length];
        int ilo = firstInterior(g.ph, g.sh);
        int ihi = Math.max(ilo, endInterior(g.h, g.kh, g.ph, g.sh, g.hOut));
        Parallel.forRange(g.n * g.c, grainPlanes(g), (from, to) -> {
            float[] colMax = new float[g.w];
            for (int p = from; p < to; p++) {
                int xp = p * g.h * g.w;
                int yp = p * g.hOut * g.wOut;
                for (int i = 0; i < g.hOut; i++) {
                    int yr = yp + i * g.wOut;
                    if (i < ilo || i >= ihi) {
                        for (int j = 0; j < g.wOut; j++) {
                            dx[argmaxClipped(g, x, xp, i, j)] += dy[yr + j];
                        }
                        continue;
                    }
                    int r0 = xp + (i * g.sh - g.ph) * g.w;
                    columnMax(x, r0, g.w, g.kh, colMax);
                    for (int j = 0; j < g.wOut; j++) {
                        int c0 = j * g.sw - g.pw;
                        float m = rowMax(colMax, c0, g.kw, g.w);
                        int at = m != m ? argmaxClipped(g, x, xp, i, j)
                                : firstEqual(x, r0, g.w, g.kh, Math.max(c0, 0), Math.min(c0 + g.kw, g.w), m);
                        dx[at] += dy[yr + j];
                    }
                }
            }
        });
        return dx;
    }

    /**
     * Index of the first cell in row-major order equal to {@code m} (not NaN) in the window of rows
     * {@code r0 ..} and columns {@code [c0, c1)}: the first maximal cell, since no earlier cell is larger.
     * Scanned backwards with a select so it compiles to conditional moves, not mispredicted branches.
     */
    private static int firstEqual(float[] x, int r0, int w, int kh, int c0, int c1, float m) {
        for (int a = 0; a < kh; a++) {
            int r = r0 + a * w;
            for (int c = c0; c < c1; c++) {
                if (x[r + c] == m) {
                    return r + c;
                }
            }
        }
        return -1;
    }

    /** The divisor of window (i, j), PyTorch's rule. */
    private static int divisor(PoolGeometry g, int i, int j) {
        int hs = i * g.sh - g.ph;
        int ws = j * g.sw - g.pw;
        int he = Math.min(hs + g.kh, g.h + g.ph);
        int we = Math.min(ws + g.kw, g.w + g.pw);
        if (g.countIncludePad) {
            return (he - hs) * (we - ws);
        }
        return (Math.min(he, g.h) - Math.max(hs, 0)) * (Math.min(we, g.w) - Math.max(ws, 0));
    }

    static float[] avgForward(PoolGeometry g, float[] x) {
        float[] y = new float[g.n * g.c * g.hOut * g.wOut];
        int ilo = firstInterior(g.ph, g.sh);
        int ihi = Math.max(ilo, endInterior(g.h, g.kh, g.ph, g.sh, g.hOut));
        int jlo = Math.min(firstInterior(g.pw, g.sw), g.wOut);
        int jhi = Math.max(jlo, endInterior(g.w, g.kw, g.pw, g.sw, g.wOut));
        float full = g.kh * g.kw;
        Parallel.forRange(g.n * g.c, grainPlanes(g), (from, to) -> {
            for (int p = from; p < to; p++) {
                int xp = p * g.h * g.w;
                int yp = p * g.hOut * g.wOut;
                for (int i = 0; i < g.hOut; i++) {
                    int yr = yp + i * g.wOut;
                    boolean rowInside = i >= ilo && i < ihi;
                    int rowStart = xp + (i * g.sh - g.ph) * g.w - g.pw;
                    for (int j = 0; j < g.wOut; j++) {
                        if (rowInside && j >= jlo && j < jhi) {
                            float s = 0f;
                            int r = rowStart + j * g.sw;
                            for (int a = 0; a < g.kh; a++, r += g.w) {
                                for (int b = 0; b < g.kw; b++) {
                                    s += x[r + b];
                                }
                            }
                            y[yr + j] = s / full;
                        } else {
                            y[yr + j] = sumClipped(g, x, xp, i, j) / divisor(g, i, j);
                        }
                    }
                }
            }
        });
        return y;
    }

    private static float sumClipped(PoolGeometry g, float[] x, int xp, int i, int j) {
        int h0 = Math.max(i * g.sh - g.ph, 0);
        int h1 = Math.min(i * g.sh - g.ph + g.kh, g.h);
        int w0 = Math.max(j * g.sw - g.pw, 0);
        int w1 = Math.min(j * g.sw - g.pw + g.kw, g.w);
        float s = 0f;
        for (int a = h0; a < h1; a++) {
            for (int b = w0; b < w1; b++) {
                s += x[xp + a * g.w + b];
            }
        }
        return s;
    }

    static float[] avgBackward(PoolGeometry g, float[] dy) {
        float[] dx = new float[g.n * g.c * g.h * g.w];
        int ilo = firstInterior(g.ph, g.sh);
        int ihi = Math.max(ilo, endInterior(g.h, g.kh, g.ph, g.sh, g.hOut));
        int jlo = Math.min(firstInterior(g.pw, g.sw), g.wOut);
        int jhi = Math.max(jlo, endInterior(g.w, g.kw, g.pw, g.sw, g.wOut));
        float full = g.kh * g.kw;
        Parallel.forRange(g.n * g.c, grainPlanes(g), (from, to) -> {
            for (int p = from; p < to; p++) {
                int xp = p * g.h * g.w;
                int yp = p * g.hOut * g.wOut;
                for (int i = 0; i < g.hOut; i++) {
                    int yr = yp + i * g.wOut;
                    boolean rowInside = i >= ilo && i < ihi;
                    for (int j = 0; j < g.wOut; j++) {
                        int h0;
                        int h1;
                        int w0;
                        int w1;
                        float d;
                        if (rowInside && j >= jlo && j < jhi) {
                            h0 = i * g.sh - g.ph;
                            h1 = h0 + g.kh;
                            w0 = j * g.sw - g.pw;
                            w1 = w0 + g.kw;
                            d = dy[yr + j] / full;
                        } else {
                            h0 = Math.max(i * g.sh - g.ph, 0);
                            h1 = Math.min(i * g.sh - g.ph + g.kh, g.h);
                            w0 = Math.max(j * g.sw - g.pw, 0);
                            w1 = Math.min(j * g.sw - g.pw + g.kw, g.w);
                            d = dy[yr + j] / divisor(g, i, j);
                        }
                        for (int a = h0; a < h1; a++) {
                            int r = xp + a * g.w;
                            for (int b = w0; b < w1; b++) {
                                dx[r + b] += d;
                            }
                        }
                    }
                }
            }
        });
        return dx;
    }
}
