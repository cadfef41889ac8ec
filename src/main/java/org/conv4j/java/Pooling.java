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
    /** Default of {@link #grainOps}. */
    static final int DEFAULT_GRAIN_OPS = 1 << 15;

    /**
     * Window cells per chunk below which a thread hand-off costs more than it saves. Not final only so that
     * tests can set it to 1 to run small shapes multi-threaded.
     */
    static volatile int grainOps = DEFAULT_GRAIN_OPS;

    private Pooling() {
    }

    private static int grainPlanes(PoolGeometry g) {
        long perPlane = Math.max(1L, (long) g.hOut * g.wOut * g.kh * g.kw);
        return (int) Math.max(1, grainOps / perPlane);
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
        int jlo = Math.min(firstInterior(g.pw, g.sw), g.wOut);
        int jhi = Math.max(jlo, endInterior(g.w, g.kw, g.pw, g.sw, g.wOut));
        Parallel.forPieces(g.n * g.c, grainPlanes(g), (from, to) -> {
            RowMax rm = new RowMax(g);
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
                    rm.load(x, xp + (i * g.sh - g.ph) * g.w);
                    for (int j = 0; j < g.wOut; j++) {
                        float m = j >= jlo && j < jhi ? rm.window[j * g.sw - g.pw]
                                : rowMax(rm.column, j * g.sw - g.pw, g.kw, g.w);
                        // Math.max says +0 where the first maximal cell may be -0, and returns some NaN where
                        // the definition wants the first one: redo those (rare) windows exactly.
                        y[yr + j] = m == 0f || m != m ? x[argmaxClipped(g, x, xp, i, j)] : m;
                    }
                }
            }
        });
        return y;
    }

    /**
     * Separable window maxima of one band of {@code kh} input rows, with loops C2 vectorizes: the rows are
     * first copied into arrays of their own, because C2 (JDK 17) vectorizes only loops whose array accesses
     * share one index expression. {@code column[c]} = max over the band of column c;
     * {@code window[c]} = max of {@code column[c .. c+kw)} (valid for {@code c + kw <= w}).
     * Math.max is branch-free, unlike a compare on random data.
     */
    private static final class RowMax {
        final int kh;
        final int kw;
        final int w;
        final float[][] rows;
        final float[] column;
        final float[] window;

        RowMax(PoolGeometry g) {
            kh = g.kh;
            kw = g.kw;
            w = g.w;
            rows = new float[g.kh][g.w];
            column = new float[g.w];
            window = new float[g.w];
        }

        void load(float[] x, int r0) {
            for (int a = 0; a < kh; a++) {
                System.arraycopy(x, r0 + a * w, rows[a], 0, w);
            }
            float[] col = column;
            float[] r = rows[0];
            if (kh == 1) {
                System.arraycopy(r, 0, col, 0, w);
            } else {
                float[] r1 = rows[1];
                for (int c = 0; c < w; c++) {
                    col[c] = Math.max(r[c], r1[c]);
                }
                for (int a = 2; a < kh; a++) {
                    float[] ra = rows[a];
                    for (int c = 0; c < w; c++) {
                        col[c] = Math.max(col[c], ra[c]);
                    }
                }
            }
            float[] win = window;
            int n = w - kw + 1;
            if (kw == 1) {
                System.arraycopy(col, 0, win, 0, w);
            } else if (kw == 2) {
                for (int c = 0; c < n; c++) {
                    win[c] = Math.max(col[c], col[c + 1]);
                }
            } else if (kw == 3) {
                for (int c = 0; c < n; c++) {
                    win[c] = Math.max(Math.max(col[c], col[c + 1]), col[c + 2]);
                }
            } else {
                for (int c = 0; c < n; c++) {
                    win[c] = rowMax(col, c, kw, w);
                }
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
        int jlo = Math.min(firstInterior(g.pw, g.sw), g.wOut);
        int jhi = Math.max(jlo, endInterior(g.w, g.kw, g.pw, g.sw, g.wOut));
        Parallel.forPieces(g.n * g.c, grainPlanes(g), (from, to) -> {
            RowMax rm = new RowMax(g);
            PlaneBuffer pb = new PlaneBuffer(g.h * g.w);
            for (int p = from; p < to; p++) {
                int xp = p * g.h * g.w;
                int yp = p * g.hOut * g.wOut;
                float[] d = pb.begin(dx, xp);
                int dp = pb.base(xp);
                for (int i = 0; i < g.hOut; i++) {
                    int yr = yp + i * g.wOut;
                    if (i < ilo || i >= ihi) {
                        for (int j = 0; j < g.wOut; j++) {
                            d[argmaxClipped(g, x, xp, i, j) - xp + dp] += dy[yr + j];
                        }
                        continue;
                    }
                    int r0 = xp + (i * g.sh - g.ph) * g.w;
                    rm.load(x, r0);
                    for (int j = 0; j < g.wOut; j++) {
                        int c0 = j * g.sw - g.pw;
                        float m = j >= jlo && j < jhi ? rm.window[c0] : rowMax(rm.column, c0, g.kw, g.w);
                        int at;
                        if (m != m || m == Float.NEGATIVE_INFINITY || m == Float.POSITIVE_INFINITY) {
                            at = -1;
                        } else if (g.kh == 3 && g.kw == 3 && j >= jlo && j < jhi) {
                            at = firstEqual3x3(rm.rows, c0, m);
                        } else if (g.kh == 2 && g.kw == 2 && j >= jlo && j < jhi) {
                            at = firstEqual2x2(rm.rows, c0, m);
                        } else {
                            at = firstEqual(rm.rows, g.kh, Math.max(c0, 0), Math.min(c0 + g.kw, g.w), m);
                        }
                        at = at < 0 ? argmaxClipped(g, x, xp, i, j) : r0 + at;
                        d[at - xp + dp] += dy[yr + j];
                    }
                }
                pb.end(dx, xp);
            }
        });
        return dx;
    }

    /**
     * Offset {@code a*w + c} (from the band's first row) of the first cell in row-major order equal to
     * {@code m} in rows {@code 0..kh} and columns {@code [c0, c1)} of the band: the first maximal cell, as
     * no cell exceeds {@code m}, and -0 equals +0 here just as in the definition's strict compare. -1 if none.
     */
    private static int firstEqual(float[][] rows, int kh, int c0, int c1, float m) {
        for (int a = 0; a < kh; a++) {
            float[] r = rows[a];
            for (int c = c0; c < c1; c++) {
                if (r[c] == m) {
                    return a * r.length + c;
                }
            }
        }
        return -1;
    }

    /**
     * {@link #firstEqual} for a full 3x3 window and a finite {@code m}, branch-free: the position of the
     * maximum is random, so a data-dependent branch would mispredict about once per window. {@code m - v} is
     * +0 exactly when {@code v == m} (-0 and +0 included) and positive otherwise, so its bit pattern is 0
     * exactly for the matching cells; the smallest matching offset wins.
     */
    private static int firstEqual3x3(float[][] rows, int c0, float m) {
        float[] r0 = rows[0];
        float[] r1 = rows[1];
        float[] r2 = rows[2];
        int w = r0.length;
        int at = Integer.MAX_VALUE;
        at = Math.min(at, match(m, r2[c0 + 2], 2 * w + c0 + 2));
        at = Math.min(at, match(m, r2[c0 + 1], 2 * w + c0 + 1));
        at = Math.min(at, match(m, r2[c0], 2 * w + c0));
        at = Math.min(at, match(m, r1[c0 + 2], w + c0 + 2));
        at = Math.min(at, match(m, r1[c0 + 1], w + c0 + 1));
        at = Math.min(at, match(m, r1[c0], w + c0));
        at = Math.min(at, match(m, r0[c0 + 2], c0 + 2));
        at = Math.min(at, match(m, r0[c0 + 1], c0 + 1));
        at = Math.min(at, match(m, r0[c0], c0));
        return at;
    }

    /** {@link #firstEqual3x3} for a full 2x2 window. */
    private static int firstEqual2x2(float[][] rows, int c0, float m) {
        float[] r0 = rows[0];
        float[] r1 = rows[1];
        int w = r0.length;
        int at = Math.min(match(m, r1[c0 + 1], w + c0 + 1), match(m, r1[c0], w + c0));
        at = Math.min(at, match(m, r0[c0 + 1], c0 + 1));
        return Math.min(at, match(m, r0[c0], c0));
    }

    /** {@code offset} if {@code v == m}, else {@link Integer#MAX_VALUE}; {@code m} finite and {@code v <= m}. */
    private static int match(float m, float v, int offset) {
        int bits = Float.floatToRawIntBits(m - v);
        int notEqual = (-bits) >> 31; // all ones iff bits > 0 (bits is never negative here)
        return offset | (notEqual & Integer.MAX_VALUE);
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
        Parallel.forPieces(g.n * g.c, grainPlanes(g), (from, to) -> {
            float[] row = new float[g.w];
            float[] win = new float[g.w];
            for (int p = from; p < to; p++) {
                int xp = p * g.h * g.w;
                int yp = p * g.hOut * g.wOut;
                for (int i = 0; i < g.hOut; i++) {
                    int yr = yp + i * g.wOut;
                    boolean rowInside = i >= ilo && i < ihi;
                    if (rowInside) {
                        windowSums(x, xp + (i * g.sh - g.ph) * g.w, g.w, g.kh, g.kw, row, win);
                    }
                    for (int j = 0; j < g.wOut; j++) {
                        if (rowInside && j >= jlo && j < jhi) {
                            y[yr + j] = win[j * g.sw - g.pw] / full;
                        } else {
                            y[yr + j] = sumClipped(g, x, xp, i, j) / divisor(g, i, j);
                        }
                    }
                }
            }
        });
        return y;
    }

    /**
     * {@code win[c]} = sum of the full window whose top-left cell is column c of the band starting at
     * {@code r0}, added in row-major order starting from 0 (the definition's order, so bit-identical).
     * Each band row is copied into {@code row} first so that every loop indexes its arrays with the same
     * expression (C2 vectorizes those); window widths 2 and 3 use constant offsets for the same reason.
     */
    private static void windowSums(float[] x, int r0, int w, int kh, int kw, float[] row, float[] win) {
        int n = w - kw + 1;
        if (n <= 0) {
            return; // window wider than the input: no full window in this band, all columns are clipped
        }
        java.util.Arrays.fill(win, 0, n, 0f);
        for (int a = 0; a < kh; a++) {
            System.arraycopy(x, r0 + a * w, row, 0, w);
            if (kw == 2) {
                for (int c = 0; c < n; c++) {
                    win[c] = (win[c] + row[c]) + row[c + 1];
                }
            } else if (kw == 3) {
                for (int c = 0; c < n; c++) {
                    win[c] = ((win[c] + row[c]) + row[c + 1]) + row[c + 2];
                }
            } else {
                for (int c = 0; c < n; c++) {
                    float t = win[c];
                    for (int b = 0; b < kw; b++) {
                        t += row[c + b];
                    }
                    win[c] = t;
                }
            }
        }
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
        Parallel.forPieces(g.n * g.c, grainPlanes(g), (from, to) -> {
            PlaneBuffer pb = new PlaneBuffer(g.h * g.w);
            for (int p = from; p < to; p++) {
                int xp = p * g.h * g.w;
                int yp = p * g.hOut * g.wOut;
                float[] dst = pb.begin(dx, xp);
                int dp = pb.base(xp);
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
                            int r = dp + a * g.w;
                            for (int b = w0; b < w1; b++) {
                                dst[r + b] += d;
                            }
                        }
                    }
                }
                pb.end(dx, xp);
            }
        });
        return dx;
    }

    /**
     * Where a backward kernel accumulates one input plane: a zeroed per-thread buffer that stays in cache,
     * copied into {@code dx} when the plane is done. Scattered read-modify-writes straight into a freshly
     * allocated {@code dx} miss the cache (the JVM zeroed it long before), which measured 2-3x slower.
     * Planes above {@link #MAX_FLOATS} are accumulated in place instead.
     */
    private static final class PlaneBuffer {
        static final int MAX_FLOATS = 1 << 18;
        private final float[] buf;

        PlaneBuffer(int planeFloats) {
            buf = planeFloats <= MAX_FLOATS ? new float[planeFloats] : null;
        }

        /** The array to accumulate plane {@code xp} into; index it with {@code base(xp) + offset in plane}. */
        float[] begin(float[] dx, int xp) {
            if (buf == null) {
                return dx;
            }
            java.util.Arrays.fill(buf, 0f);
            return buf;
        }

        int base(int xp) {
            return buf == null ? xp : 0;
        }

        void end(float[] dx, int xp) {
            if (buf != null) {
                System.arraycopy(buf, 0, dx, xp, buf.length);
            }
        }
    }
}
