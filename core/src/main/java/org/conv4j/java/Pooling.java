package org.conv4j.java;

import org.conv4j.internal.Parallel;
import org.conv4j.spi.PoolGeometry;

/**
 * Max and average pooling, forward and backward, parallel over the {@code N*C} planes.
 *
 * <p>Rows and columns whose windows lie fully inside the input take a fast path with no clipping; the
 * border uses the clipped window. Max pooling agrees bit for bit with the reference definition: the first
 * maximal cell in row-major order wins (a NaN beats any number, the first NaN wins, padded cells never win)
 * and backward adds into {@code dx} in window order. Average pooling uses PyTorch's divisor; its forward sums
 * each window in row-major order (global pooling: one sixteen-lane reduction per plane, as the cpu backend) and its
 * gradient is a separable gather ({@link #avgBackward}), so averages agree with the definition up to float
 * rounding.
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
        // long: pad + s - 1 overflows int for a stride near Integer.MAX_VALUE
        return (int) (((long) pad + s - 1) / s);
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
        final float[] shift1;
        final float[] shift2;

        RowMax(PoolGeometry g) {
            kh = g.kh;
            kw = g.kw;
            w = g.w;
            rows = new float[g.kh][g.w];
            column = new float[g.w];
            window = new float[g.w];
            shift1 = new float[g.w];
            shift2 = new float[g.w];
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
            } else if (n > 0 && kw == 2) {
                // Shifted copies: C2 (JDK 17) does not vectorize col[c + 1] next to col[c].
                float[] col1 = shift1;
                System.arraycopy(col, 1, col1, 0, n);
                for (int c = 0; c < n; c++) {
                    win[c] = Math.max(col[c], col1[c]);
                }
            } else if (n > 0 && kw == 3) {
                float[] col1 = shift1;
                float[] col2 = shift2;
                System.arraycopy(col, 1, col1, 0, n);
                System.arraycopy(col, 2, col2, 0, n);
                for (int c = 0; c < n; c++) {
                    win[c] = Math.max(Math.max(col[c], col1[c]), col2[c]);
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

    /**
     * Max pooling with argmax: {@code y} gets the maxima, {@code idx} the flat plane offset of each window's
     * first maximal cell. The same argmax as {@link #maxBackward} (band keys on full windows, the exact
     * clipped search elsewhere), so the index-free and index paths agree on ties and NaN.
     */
    static void maxForwardWithIndices(PoolGeometry g, float[] x, float[] y, int[] idx) {
        int ilo = firstInterior(g.ph, g.sh);
        int ihi = Math.max(ilo, endInterior(g.h, g.kh, g.ph, g.sh, g.hOut));
        int jlo = Math.min(firstInterior(g.pw, g.sw), g.wOut);
        int jhi = Math.max(jlo, endInterior(g.w, g.kw, g.pw, g.sw, g.wOut));
        boolean keysExact = (long) g.h * g.w <= (1 << 24);
        Parallel.forPieces(g.n * g.c, grainPlanes(g), (from, to) -> {
            BandArgmax ba = new BandArgmax(g);
            for (int p = from; p < to; p++) {
                int xp = p * g.h * g.w;
                int yp = p * g.hOut * g.wOut;
                for (int i = 0; i < g.hOut; i++) {
                    int yr = yp + i * g.wOut;
                    boolean band = keysExact && i >= ilo && i < ihi;
                    if (band) {
                        ba.load(x, xp, i * g.sh - g.ph);
                    }
                    float[] key = ba.windowKey;
                    for (int j = 0; j < g.wOut; j++) {
                        float k = band && j >= jlo && j < jhi ? key[j * g.sw - g.pw] : Float.NaN;
                        int at = k == k ? (int) k : argmaxClipped(g, x, xp, i, j) - xp;
                        idx[yr + j] = at;
                        y[yr + j] = x[xp + at];
                    }
                }
            }
        });
    }

    static float[] maxBackward(PoolGeometry g, float[] dy, float[] x) {
        float[] dx = new float[x.length];
        int ilo = firstInterior(g.ph, g.sh);
        int ihi = Math.max(ilo, endInterior(g.h, g.kh, g.ph, g.sh, g.hOut));
        int jlo = Math.min(firstInterior(g.pw, g.sw), g.wOut);
        int jhi = Math.max(jlo, endInterior(g.w, g.kw, g.pw, g.sw, g.wOut));
        // Keys are plane offsets held exactly in a float: planes up to 2^24 cells take the fast path.
        boolean keysExact = (long) g.h * g.w <= (1 << 24);
        Parallel.forPieces(g.n * g.c, grainPlanes(g), (from, to) -> {
            BandArgmax ba = new BandArgmax(g);
            PlaneBuffer pb = new PlaneBuffer(g.h * g.w);
            for (int p = from; p < to; p++) {
                int xp = p * g.h * g.w;
                int yp = p * g.hOut * g.wOut;
                float[] d = pb.begin(dx, xp);
                int dp = pb.base(xp);
                for (int i = 0; i < g.hOut; i++) {
                    int yr = yp + i * g.wOut;
                    boolean band = keysExact && i >= ilo && i < ihi;
                    if (band) {
                        ba.load(x, xp, i * g.sh - g.ph);
                    }
                    float[] key = ba.windowKey;
                    for (int j = 0; j < g.wOut; j++) {
                        float k = band && j >= jlo && j < jhi ? key[j * g.sw - g.pw] : Float.NaN;
                        int at = k == k ? dp + (int) k : argmaxClipped(g, x, xp, i, j) - xp + dp;
                        d[at] += dy[yr + j];
                    }
                }
                pb.end(dx, xp);
            }
        });
        return dx;
    }

    /** 2^100: scales any positive float difference to at least 2^-49 before a second scaling to at least 1. */
    private static final float HUGE = 0x1p100f;

    /** A key above every plane offset (offsets are below 2^24). */
    private static final float NO_KEY = 0x1p25f;

    /**
     * 0 if {@code v == m} (-0 and +0 equal), 1 if {@code v < m}, NaN if either is NaN or both are the same
     * infinity. Branch-free float arithmetic only, so loops built on it vectorize: a difference of distinct
     * finite floats is never 0 (gradual underflow) and is at least 2^-149, so twice scaled by 2^100 it is
     * at least 1.
     */
    private static float differs(float m, float v) {
        return Math.min(1f, (m - v) * HUGE * HUGE);
    }

    /**
     * 0 if {@code v == m} (-0 and +0 equal), at least 2^51 (or +inf) if {@code v < m}, NaN if either is NaN
     * or both are the same infinity: added to a key (below 2^24) it keeps the key exact only for cells equal
     * to the max, and lifts every other above all keys, with no clamp (cheaper than {@link #differs}).
     */
    private static float penalty(float m, float v) {
        return (m - v) * HUGE * HUGE;
    }

    /**
     * Max-pool argmax of every full window of one band of {@code kh} input rows, in loops C2 vectorizes
     * (band rows copied into arrays of their own; every loop indexes its arrays alike; float arithmetic
     * instead of compares). {@code windowKey[c]} = plane offset of the first maximal cell in row-major
     * order of the window whose top-left cell is column c of the band (valid for {@code c + kw <= w}), or
     * NaN where a NaN or an infinity makes the arithmetic inexact: those windows are redone exactly.
     *
     * <p>Per column: the first band row equal to the column max ({@code row = d0 + d0*d1 + d0*d1*d2 ...},
     * {@code d} from {@link #differs}); its key {@code (top + row) * w + c} orders cells in row-major order.
     * Per window: the smallest key among the columns whose max equals the window max.
     */
    private static final class BandArgmax {
        final int kh;
        final int kw;
        final int w;
        final float[][] rows;
        final float[] colMax;
        final float[] colKey;
        final float[] prod;
        final float[] column;
        final float[] winMax;
        final float[] windowKey;
        final float[][] shift;

        BandArgmax(PoolGeometry g) {
            kh = g.kh;
            kw = g.kw;
            w = g.w;
            rows = new float[g.kh][g.w];
            colMax = new float[g.w];
            colKey = new float[g.w];
            prod = new float[g.w];
            column = new float[g.w];
            winMax = new float[g.w];
            windowKey = new float[g.w];
            shift = new float[4][g.w];
            for (int c = 0; c < g.w; c++) {
                column[c] = c;
            }
        }

        void load(float[] x, int xp, int top) {
            for (int a = 0; a < kh; a++) {
                System.arraycopy(x, xp + (top + a) * w, rows[a], 0, w);
            }
            float[] cm = colMax;
            float[] ck = colKey;
            float[] col = column;
            float base = (float) top * w;
            float fw = w;
            if (kh == 1) {
                float[] r0 = rows[0];
                System.arraycopy(r0, 0, cm, 0, w);
                for (int c = 0; c < w; c++) {
                    ck[c] = base + col[c];
                }
            } else if (kh == 2) {
                float[] r0 = rows[0];
                float[] r1 = rows[1];
                for (int c = 0; c < w; c++) {
                    cm[c] = Math.max(r0[c], r1[c]);
                }
                for (int c = 0; c < w; c++) {
                    ck[c] = differs(cm[c], r0[c]) * fw + (base + col[c]);
                }
            } else if (kh == 3) {
                float[] r0 = rows[0];
                float[] r1 = rows[1];
                float[] r2 = rows[2];
                for (int c = 0; c < w; c++) {
                    cm[c] = Math.max(Math.max(r0[c], r1[c]), r2[c]);
                }
                for (int c = 0; c < w; c++) {
                    float d0 = differs(cm[c], r0[c]);
                    ck[c] = (d0 + d0 * differs(cm[c], r1[c])) * fw + (base + col[c]);
                }
            } else {
                float[] pr = prod;
                float[] r0 = rows[0];
                for (int c = 0; c < w; c++) {
                    cm[c] = r0[c];
                }
                for (int a = 1; a < kh; a++) {
                    float[] ra = rows[a];
                    for (int c = 0; c < w; c++) {
                        cm[c] = Math.max(cm[c], ra[c]);
                    }
                }
                java.util.Arrays.fill(pr, 0, w, 1f);
                java.util.Arrays.fill(ck, 0, w, 0f);
                for (int a = 0; a < kh - 1; a++) {
                    float[] ra = rows[a];
                    for (int c = 0; c < w; c++) {
                        pr[c] = pr[c] * differs(cm[c], ra[c]);
                    }
                    for (int c = 0; c < w; c++) {
                        ck[c] = ck[c] + pr[c];
                    }
                }
                for (int c = 0; c < w; c++) {
                    ck[c] = ck[c] * fw + (base + col[c]);
                }
            }
            float[] wm = winMax;
            float[] wk = windowKey;
            int n = w - kw + 1;
            if (n <= 0) {
                return; // window wider than the input: every window of the band is clipped
            }
            if (kw == 1) {
                System.arraycopy(ck, 0, wk, 0, w);
            } else if (kw == 2 || kw == 3) {
                // Shifted copies, so that the window loop indexes every array with the same c (C2 does not
                // vectorize cm[c + 1] next to cm[c]).
                float[] cm1 = shift[0];
                float[] ck1 = shift[1];
                System.arraycopy(cm, 1, cm1, 0, n);
                System.arraycopy(ck, 1, ck1, 0, n);
                if (kw == 2) {
                    for (int c = 0; c < n; c++) {
                        wm[c] = Math.max(cm[c], cm1[c]);
                    }
                    for (int c = 0; c < n; c++) {
                        float k0 = ck[c] + penalty(wm[c], cm[c]);
                        float k1 = ck1[c] + penalty(wm[c], cm1[c]);
                        wk[c] = Math.min(k0, k1);
                    }
                } else {
                    float[] cm2 = shift[2];
                    float[] ck2 = shift[3];
                    System.arraycopy(cm, 2, cm2, 0, n);
                    System.arraycopy(ck, 2, ck2, 0, n);
                    for (int c = 0; c < n; c++) {
                        wm[c] = Math.max(Math.max(cm[c], cm1[c]), cm2[c]);
                    }
                    for (int c = 0; c < n; c++) {
                        float k0 = ck[c] + penalty(wm[c], cm[c]);
                        float k1 = ck1[c] + penalty(wm[c], cm1[c]);
                        float k2 = ck2[c] + penalty(wm[c], cm2[c]);
                        wk[c] = Math.min(Math.min(k0, k1), k2);
                    }
                }
            } else {
                for (int c = 0; c < n; c++) {
                    wm[c] = rowMax(cm, c, kw, w);
                }
                for (int c = 0; c < n; c++) {
                    float k = NO_KEY;
                    float m = wm[c];
                    for (int b = 0; b < kw; b++) {
                        k = Math.min(k, ck[c + b] + penalty(m, cm[c + b]));
                    }
                    wk[c] = k;
                }
            }
        }
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
        if (global(g)) {
            return globalAvgForward(g, x);
        }
        float[] y = new float[g.n * g.c * g.hOut * g.wOut];
        int ilo = firstInterior(g.ph, g.sh);
        int ihi = Math.max(ilo, endInterior(g.h, g.kh, g.ph, g.sh, g.hOut));
        int jlo = Math.min(firstInterior(g.pw, g.sw), g.wOut);
        int jhi = Math.max(jlo, endInterior(g.w, g.kw, g.pw, g.sw, g.wOut));
        float full = g.kh * g.kw;
        Parallel.forPieces(g.n * g.c, grainPlanes(g), (from, to) -> {
            float[] row = new float[g.w];
            float[] win = new float[g.w];
            float[] row1 = new float[g.w];
            float[] row2 = new float[g.w];
            for (int p = from; p < to; p++) {
                int xp = p * g.h * g.w;
                int yp = p * g.hOut * g.wOut;
                for (int i = 0; i < g.hOut; i++) {
                    int yr = yp + i * g.wOut;
                    boolean rowInside = i >= ilo && i < ihi;
                    if (rowInside) {
                        windowSums(x, xp + (i * g.sh - g.ph) * g.w, g.w, g.kh, g.kw, row, win, row1, row2);
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
     * Each band row is copied into {@code row} (and, for window widths 2 and 3, shifted by one and two columns
     * into {@code row1} and {@code row2}) so that every loop indexes its arrays with the same expression:
     * C2 (JDK 17) vectorizes only those, a constant offset such as {@code row[c + 1]} included.
     */
    private static void windowSums(float[] x, int r0, int w, int kh, int kw, float[] row, float[] win,
            float[] row1, float[] row2) {
        int n = w - kw + 1;
        if (n <= 0) {
            return; // window wider than the input: no full window in this band, all columns are clipped
        }
        java.util.Arrays.fill(win, 0, n, 0f);
        for (int a = 0; a < kh; a++) {
            System.arraycopy(x, r0 + a * w, row, 0, w);
            if (kw == 2) {
                System.arraycopy(x, r0 + a * w + 1, row1, 0, n);
                for (int c = 0; c < n; c++) {
                    win[c] = (win[c] + row[c]) + row1[c];
                }
            } else if (kw == 3) {
                System.arraycopy(x, r0 + a * w + 1, row1, 0, n);
                System.arraycopy(x, r0 + a * w + 2, row2, 0, n);
                for (int c = 0; c < n; c++) {
                    win[c] = ((win[c] + row[c]) + row1[c]) + row2[c];
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

    /** Whether the window is the whole unpadded plane (one output per plane). */
    private static boolean global(PoolGeometry g) {
        return g.kh == g.h && g.kw == g.w && g.ph == 0 && g.pw == 0 && g.hOut == 1 && g.wOut == 1;
    }

    /**
     * Global average: one reduction per plane in the cpu backend's order (native/src/pool/pool_global.h), so
     * both backends give the same bits: sixteen lanes, lane l adding x[l], x[l + 16], ... from +0, then lane
     * i += lane i + s for s = 8, 4, 2, 1, then one division.
     */
    private static float[] globalAvgForward(PoolGeometry g, float[] x) {
        int hw = g.h * g.w;
        float[] y = new float[g.n * g.c];
        Parallel.forPieces(g.n * g.c, grainPlanes(g), (from, to) -> {
            float[] lanes = new float[16];
            for (int p = from; p < to; p++) {
                int o = p * hw;
                java.util.Arrays.fill(lanes, 0f);
                for (int k = 0; k < hw; k++) {
                    lanes[k & 15] += x[o + k];
                }
                for (int s = 8; s >= 1; s >>= 1) {
                    for (int i = 0; i < s; i++) {
                        lanes[i] += lanes[i + s];
                    }
                }
                y[p] = lanes[0] / hw;
            }
        });
        return y;
    }

    /**
     * Gradient of average pooling as a separable gather, for any window, stride and padding: the divisor of
     * window (i, j) factors into a row extent and a column extent, so
     * {@code dx[r][c] = sum over output rows i covering r of U_i[c]} with
     * {@code U_i[c] = sum over output columns j covering c of dy[i][j] / (rowExtent(i) colExtent(j))}.
     * Each U row is built once per plane, then each dx row is written once as the sum of the U rows covering
     * it (a contiguous range): no scatter per window, no zeroing pass. Global pooling is a fill.
     */
    static float[] avgBackward(PoolGeometry g, float[] dy) {
        float[] dx = new float[g.n * g.c * g.h * g.w];
        int hw = g.h * g.w;
        if (global(g)) {
            Parallel.forPieces(g.n * g.c, grainPlanes(g), (from, to) -> {
                for (int p = from; p < to; p++) {
                    java.util.Arrays.fill(dx, p * hw, (p + 1) * hw, dy[p] / hw);
                }
            });
            return dx;
        }
        float[] invC = new float[g.wOut];
        for (int j = 0; j < g.wOut; j++) {
            invC[j] = 1f / extent(j, g.sw, g.pw, g.kw, g.w, g.countIncludePad);
        }
        float[] invR = new float[g.hOut];
        for (int i = 0; i < g.hOut; i++) {
            invR[i] = 1f / extent(i, g.sh, g.ph, g.kh, g.h, g.countIncludePad);
        }
        int[] clo = new int[g.w];
        int[] chi = new int[g.w];
        for (int c = 0; c < g.w; c++) {
            cover(c, g.pw, g.kw, g.sw, g.wOut, clo, chi);
        }
        int[] rlo = new int[g.h];
        int[] rhi = new int[g.h];
        for (int r = 0; r < g.h; r++) {
            cover(r, g.ph, g.kh, g.sh, g.hOut, rlo, rhi);
        }
        Parallel.forPieces(g.n * g.c, grainPlanes(g), (from, to) -> {
            float[] u = new float[g.hOut * g.w];
            float[] t = new float[g.wOut];
            for (int p = from; p < to; p++) {
                int yp = p * g.hOut * g.wOut;
                for (int i = 0; i < g.hOut; i++) {
                    float ri = invR[i];
                    for (int j = 0; j < g.wOut; j++) {
                        t[j] = dy[yp + i * g.wOut + j] * (ri * invC[j]);
                    }
                    int ui = i * g.w;
                    for (int c = 0; c < g.w; c++) {
                        float s = 0f;
                        for (int j = clo[c]; j < chi[c]; j++) {
                            s += t[j];
                        }
                        u[ui + c] = s;
                    }
                }
                int xp = p * hw;
                for (int r = 0; r < g.h; r++) {
                    int d = xp + r * g.w;
                    if (rhi[r] > rlo[r]) {
                        System.arraycopy(u, rlo[r] * g.w, dx, d, g.w);
                        for (int i = rlo[r] + 1; i < rhi[r]; i++) {
                            int ui = i * g.w;
                            for (int c = 0; c < g.w; c++) {
                                dx[d + c] += u[ui + c];
                            }
                        }
                    }
                }
            }
        });
        return dx;
    }

    /** Extent of window {@code o} along one axis for PyTorch's divisor: clipped to the padded or the plain input. */
    private static int extent(int o, int s, int pad, int k, int in, boolean includePad) {
        int start = o * s - pad;
        int end = Math.min(start + k, in + pad);
        return includePad ? end - start : Math.min(end, in) - Math.max(start, 0);
    }

    /** Output indices {@code [lo[q], hi[q])} whose windows hold input coordinate {@code q}. */
    private static void cover(int q, int pad, int k, int s, int out, int[] lo, int[] hi) {
        long a = (long) q + pad - k; // window o holds q iff o*s in (a, q + pad]
        long l = a < 0 ? 0 : a / s + 1;
        long h = ((long) q + pad) / s + 1;
        lo[q] = (int) Math.min(l, out);
        hi[q] = (int) Math.max(lo[q], Math.min(h, out));
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
