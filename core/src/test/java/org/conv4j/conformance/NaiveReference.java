package org.conv4j.conformance;

import org.conv4j.ConvParams;
import org.conv4j.PoolParams;

/**
 * Test-only float64 oracle: every operation written straight from its definition, with nothing shared
 * with any backend (no ConvGeometry, no PoolGeometry, no backend loops). Output sizes come from this
 * class's own formulas. Layout NCHW, row-major.
 *
 * <p>Each result also carries, per element, the sum of the absolute values of the terms that were added
 * and how many there were, so callers can bound the float32 rounding error of any summation order.
 * Gradients are written as gathers (backward data, pooling backward) where the backends scatter, so an
 * indexing slip cannot be shared by both sides.
 */
final class NaiveReference {
    private NaiveReference() {
    }

    /**
     * A reference result: values, and per element the absolute sum and number of summed terms, and whether
     * an implementation that multiplies implicit zeros may get NaN there (see {@link #zeroTimes}).
     */
    static final class Result {
        final int[] shape;
        final double[] value;
        final double[] absSum;
        final int[] terms;
        /**
         * True where the element's definition skips a product of an implicit zero (a padded input cell, or
         * an output position a transposed convolution does not have) with an infinite or NaN operand. The
         * reference skips that product, but im2col + GEMM, a zero-padded direct loop or a transposed
         * convolution over zero-filled gaps computes {@code 0 * Inf = NaN} for it, as IEEE arithmetic on an
         * explicitly zero-padded tensor does; so NaN is accepted there as well.
         */
        final boolean[] mayBeNaN;

        Result(int[] shape) {
            this.shape = shape.clone();
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            value = new double[n];
            absSum = new double[n];
            terms = new int[n];
            mayBeNaN = new boolean[n];
        }

        void add(int i, double term) {
            value[i] += term;
            absSum[i] += Math.abs(term);
            terms[i]++;
        }

        /** Records a skipped product of an implicit zero with {@code operand} (see {@link #mayBeNaN}). */
        void zeroTimes(int i, double operand) {
            if (!Double.isFinite(operand)) {
                mayBeNaN[i] = true;
            }
        }
    }

    /** {@code floor((in + before + after - d(k-1) - 1) / s) + 1}; throws when no window fits. */
    static int convOutSize(int in, int k, int s, int before, int after, int d) {
        // long: padding and dilation may each be near Integer.MAX_VALUE
        long span = (long) in + before + after - (long) d * (k - 1) - 1;
        if (span < 0) {
            throw new IllegalArgumentException("reference: no window fits");
        }
        return (int) (span / s + 1);
    }

    /**
     * Number of pooling windows along one axis, counted one by one: window {@code i} starts at
     * {@code i*s - pad}; in floor mode it must end inside the padded input; in ceil mode it may overhang
     * the far padding but must start inside the input or the near padding (PyTorch's rule).
     */
    static int poolOutSize(int in, int k, int s, int pad, boolean ceil) {
        if (k > in + 2L * pad) {
            throw new IllegalArgumentException("reference: no window fits");
        }
        int count = 0;
        for (long i = 0; ; i++) {
            // long: with a stride near Integer.MAX_VALUE the second window's start overflows int
            long start = i * s - pad;
            boolean fits = start + k <= (long) in + pad;
            // ceil mode: one more window as long as the previous one stopped short of the padded end,
            // but never one that starts inside the far padding
            boolean overhangs = ceil && start < in && start - s + k < (long) in + pad;
            if (fits || overhangs) {
                count++;
            } else {
                return count;
            }
        }
    }

    /** {@code y[n,co,i,j] = bias[co] + sum_{c,a,b} x[n, grp*cig + c, i*sh - pt + a*dh, j*sw - pl + b*dw] w[co,c,a,b]}. */
    static Result conv2d(double[] x, int[] xs, double[] w, int[] ws, double[] bias, ConvParams p) {
        int n = xs[0], cin = xs[1], h = xs[2], wd = xs[3];
        int cout = ws[0], cig = ws[1], kh = ws[2], kw = ws[3];
        int groups = p.groups();
        if (cig * groups != cin || cout % groups != 0) {
            throw new IllegalArgumentException("reference: bad channels");
        }
        int cog = cout / groups;
        int ho = convOutSize(h, kh, p.strideH(), p.padTop(), p.padBottom(), p.dilationH());
        int wo = convOutSize(wd, kw, p.strideW(), p.padLeft(), p.padRight(), p.dilationW());
        Result r = new Result(new int[] {n, cout, ho, wo});
        for (int b = 0; b < n; b++) {
            for (int co = 0; co < cout; co++) {
                int grp = co / cog;
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        int o = ((b * cout + co) * ho + i) * wo + j;
                        if (bias != null) {
                            r.add(o, bias[co]);
                        }
                        for (int c = 0; c < cig; c++) {
                            for (int a = 0; a < kh; a++) {
                                long row = (long) i * p.strideH() - p.padTop() + (long) a * p.dilationH();
                                for (int e = 0; e < kw; e++) {
                                    long col = (long) j * p.strideW() - p.padLeft() + (long) e * p.dilationW();
                                    if (row < 0 || row >= h || col < 0 || col >= wd) {
                                        r.zeroTimes(o, w[((co * cig + c) * kh + a) * kw + e]);
                                        continue;
                                    }
                                    r.add(o, x[((b * cin + grp * cig + c) * h + (int) row) * wd + (int) col]
                                            * w[((co * cig + c) * kh + a) * kw + e]);
                                }
                            }
                        }
                    }
                }
            }
        }
        return r;
    }

    /**
     * {@code dx[n,ci,r,q] = sum over co in ci's group, a, b, and output (i, j) with
     * i*sh - pt + a*dh == r and j*sw - pl + b*dw == q, of dy[n,co,i,j] w[co, ci - grp*cig, a, b]} (a gather).
     */
    static Result conv2dBackwardData(double[] dy, double[] w, int[] ws, int[] xs, ConvParams p) {
        int n = xs[0], cin = xs[1], h = xs[2], wd = xs[3];
        int cout = ws[0], cig = ws[1], kh = ws[2], kw = ws[3];
        int cog = cout / p.groups();
        int ho = convOutSize(h, kh, p.strideH(), p.padTop(), p.padBottom(), p.dilationH());
        int wo = convOutSize(wd, kw, p.strideW(), p.padLeft(), p.padRight(), p.dilationW());
        Result r = new Result(xs);
        for (int b = 0; b < n; b++) {
            for (int ci = 0; ci < cin; ci++) {
                int grp = ci / cig;
                for (int row = 0; row < h; row++) {
                    for (int col = 0; col < wd; col++) {
                        int o = ((b * cin + ci) * h + row) * wd + col;
                        for (int co = grp * cog; co < (grp + 1) * cog; co++) {
                            for (int a = 0; a < kh; a++) {
                                // long: row + padTop - a*dh may leave int range with huge padding and dilation
                                long ti = (long) row + p.padTop() - (long) a * p.dilationH();
                                boolean rowValid = ti >= 0 && ti % p.strideH() == 0 && ti / p.strideH() < ho;
                                for (int e = 0; e < kw; e++) {
                                    long tj = (long) col + p.padLeft() - (long) e * p.dilationW();
                                    if (!rowValid || tj < 0 || tj % p.strideW() != 0 || tj / p.strideW() >= wo) {
                                        r.zeroTimes(o, w[((co * cig + (ci - grp * cig)) * kh + a) * kw + e]);
                                        continue;
                                    }
                                    r.add(o, dy[((b * cout + co) * ho + (int) (ti / p.strideH())) * wo
                                            + (int) (tj / p.strideW())]
                                            * w[((co * cig + (ci - grp * cig)) * kh + a) * kw + e]);
                                }
                            }
                        }
                    }
                }
            }
        }
        return r;
    }

    /** {@code dw[co,c,a,b] = sum_{n,i,j} dy[n,co,i,j] x[n, grp*cig + c, i*sh - pt + a*dh, j*sw - pl + b*dw]}. */
    static Result conv2dBackwardWeights(double[] dy, double[] x, int[] xs, int[] ws, ConvParams p) {
        int n = xs[0], cin = xs[1], h = xs[2], wd = xs[3];
        int cout = ws[0], cig = ws[1], kh = ws[2], kw = ws[3];
        int cog = cout / p.groups();
        int ho = convOutSize(h, kh, p.strideH(), p.padTop(), p.padBottom(), p.dilationH());
        int wo = convOutSize(wd, kw, p.strideW(), p.padLeft(), p.padRight(), p.dilationW());
        Result r = new Result(ws);
        for (int co = 0; co < cout; co++) {
            int grp = co / cog;
            for (int c = 0; c < cig; c++) {
                for (int a = 0; a < kh; a++) {
                    for (int e = 0; e < kw; e++) {
                        int o = ((co * cig + c) * kh + a) * kw + e;
                        for (int b = 0; b < n; b++) {
                            for (int i = 0; i < ho; i++) {
                                long row = (long) i * p.strideH() - p.padTop() + (long) a * p.dilationH();
                                for (int j = 0; j < wo; j++) {
                                    long col = (long) j * p.strideW() - p.padLeft() + (long) e * p.dilationW();
                                    if (row < 0 || row >= h || col < 0 || col >= wd) {
                                        r.zeroTimes(o, dy[((b * cout + co) * ho + i) * wo + j]);
                                        continue;
                                    }
                                    r.add(o, dy[((b * cout + co) * ho + i) * wo + j]
                                            * x[((b * cin + grp * cig + c) * h + (int) row) * wd + (int) col]);
                                }
                            }
                        }
                    }
                }
            }
        }
        return r;
    }

    /** {@code db[co] = sum_{n,i,j} dy[n,co,i,j]}. */
    static Result conv2dBackwardBias(double[] dy, int[] dys) {
        Result r = new Result(new int[] {dys[1]});
        int hw = dys[2] * dys[3];
        for (int b = 0; b < dys[0]; b++) {
            for (int co = 0; co < dys[1]; co++) {
                for (int k = 0; k < hw; k++) {
                    r.add(co, dy[(b * dys[1] + co) * hw + k]);
                }
            }
        }
        return r;
    }

    /**
     * Flat index into x of the winner of window (i, j) of plane {@code plane}: the first NaN of the window in
     * row-major order if it has one (NaN wins a max, as in PyTorch), else the first cell whose value is
     * strictly greater than every earlier real cell; padded cells are skipped (they never win). Returns -1
     * for a window with no real cell.
     */
    static int maxPoolWinner(double[] x, int[] xs, PoolParams p, int plane, int i, int j) {
        int h = xs[2], wd = xs[3];
        int best = -1;
        for (int a = 0; a < p.kernelH(); a++) {
            int row = i * p.strideH() - p.padH() + a;
            for (int e = 0; e < p.kernelW(); e++) {
                int col = j * p.strideW() - p.padW() + e;
                if (row < 0 || row >= h || col < 0 || col >= wd) {
                    continue;
                }
                int idx = (plane * h + row) * wd + col;
                if (best < 0 || x[idx] > x[best] || (Double.isNaN(x[idx]) && !Double.isNaN(x[best]))) {
                    best = idx;
                }
            }
        }
        return best;
    }

    static int[] poolOutShape(int[] xs, PoolParams p) {
        return new int[] {xs[0], xs[1],
            poolOutSize(xs[2], p.kernelH(), p.strideH(), p.padH(), p.ceilMode()),
            poolOutSize(xs[3], p.kernelW(), p.strideW(), p.padW(), p.ceilMode())};
    }

    static Result maxPool2d(double[] x, int[] xs, PoolParams p) {
        int[] ys = poolOutShape(xs, p);
        Result r = new Result(ys);
        for (int plane = 0; plane < xs[0] * xs[1]; plane++) {
            for (int i = 0; i < ys[2]; i++) {
                for (int j = 0; j < ys[3]; j++) {
                    r.add((plane * ys[2] + i) * ys[3] + j, x[maxPoolWinner(x, xs, p, plane, i, j)]);
                }
            }
        }
        return r;
    }

    /** {@code dx[cell] = sum of dy over the windows whose winner is cell} (a gather over windows). */
    static Result maxPool2dBackward(double[] dy, double[] x, int[] xs, PoolParams p) {
        int[] ys = poolOutShape(xs, p);
        Result r = new Result(xs);
        int[] winners = new int[ys[0] * ys[1] * ys[2] * ys[3]];
        for (int plane = 0; plane < xs[0] * xs[1]; plane++) {
            for (int i = 0; i < ys[2]; i++) {
                for (int j = 0; j < ys[3]; j++) {
                    winners[(plane * ys[2] + i) * ys[3] + j] = maxPoolWinner(x, xs, p, plane, i, j);
                }
            }
        }
        for (int cell = 0; cell < r.value.length; cell++) {
            int plane = cell / (xs[2] * xs[3]);
            for (int o = plane * ys[2] * ys[3]; o < (plane + 1) * ys[2] * ys[3]; o++) {
                if (winners[o] == cell) {
                    r.add(cell, dy[o]);
                }
            }
        }
        return r;
    }

    /**
     * The averaging divisor of window (i, j), counted cell by cell: with countIncludePad, the window's
     * cells inside the padded input; otherwise its cells inside the input.
     */
    static int avgDivisor(int[] xs, PoolParams p, int i, int j) {
        int h = xs[2], wd = xs[3];
        int count = 0;
        for (int a = 0; a < p.kernelH(); a++) {
            int row = i * p.strideH() - p.padH() + a;
            for (int e = 0; e < p.kernelW(); e++) {
                int col = j * p.strideW() - p.padW() + e;
                boolean inPadded = row >= -p.padH() && row < h + p.padH() && col >= -p.padW() && col < wd + p.padW();
                boolean inInput = row >= 0 && row < h && col >= 0 && col < wd;
                if (p.countIncludePad() ? inPadded : inInput) {
                    count++;
                }
            }
        }
        return count;
    }

    static Result avgPool2d(double[] x, int[] xs, PoolParams p) {
        int[] ys = poolOutShape(xs, p);
        Result r = new Result(ys);
        int h = xs[2], wd = xs[3];
        for (int plane = 0; plane < xs[0] * xs[1]; plane++) {
            for (int i = 0; i < ys[2]; i++) {
                for (int j = 0; j < ys[3]; j++) {
                    int div = avgDivisor(xs, p, i, j);
                    int o = (plane * ys[2] + i) * ys[3] + j;
                    for (int a = 0; a < p.kernelH(); a++) {
                        int row = i * p.strideH() - p.padH() + a;
                        for (int e = 0; e < p.kernelW(); e++) {
                            int col = j * p.strideW() - p.padW() + e;
                            if (row >= 0 && row < h && col >= 0 && col < wd) {
                                r.add(o, x[(plane * h + row) * wd + col] / div);
                            }
                        }
                    }
                }
            }
        }
        return r;
    }

    /** {@code dx[cell] = sum over windows covering cell of dy / divisor} (a gather over windows). */
    static Result avgPool2dBackward(double[] dy, int[] xs, PoolParams p) {
        int[] ys = poolOutShape(xs, p);
        Result r = new Result(xs);
        int h = xs[2], wd = xs[3];
        for (int plane = 0; plane < xs[0] * xs[1]; plane++) {
            for (int row = 0; row < h; row++) {
                for (int col = 0; col < wd; col++) {
                    int cell = (plane * h + row) * wd + col;
                    for (int i = 0; i < ys[2]; i++) {
                        int a = row - (i * p.strideH() - p.padH());
                        if (a < 0 || a >= p.kernelH()) {
                            continue;
                        }
                        for (int j = 0; j < ys[3]; j++) {
                            int e = col - (j * p.strideW() - p.padW());
                            if (e < 0 || e >= p.kernelW()) {
                                continue;
                            }
                            r.add(cell, dy[(plane * ys[2] + i) * ys[3] + j] / avgDivisor(xs, p, i, j));
                        }
                    }
                }
            }
        }
        return r;
    }

    /** Adaptive window of output index {@code i}: {@code [floor(i*in/out), ceil((i+1)*in/out))}, from its definition. */
    static int[] adaptiveWindow(int i, int in, int out) {
        return new int[] {(int) Math.floor((double) i * in / out), (int) Math.ceil((double) (i + 1) * in / out)};
    }

    /** Adaptive average pooling: the mean of each window. */
    static Result adaptiveAvgPool2d(double[] x, int[] xs, int hOut, int wOut) {
        Result r = new Result(new int[] {xs[0], xs[1], hOut, wOut});
        for (int plane = 0; plane < xs[0] * xs[1]; plane++) {
            for (int i = 0; i < hOut; i++) {
                int[] rw = adaptiveWindow(i, xs[2], hOut);
                for (int j = 0; j < wOut; j++) {
                    int[] cw = adaptiveWindow(j, xs[3], wOut);
                    double cnt = (double) (rw[1] - rw[0]) * (cw[1] - cw[0]);
                    for (int a = rw[0]; a < rw[1]; a++) {
                        for (int b = cw[0]; b < cw[1]; b++) {
                            r.add((plane * hOut + i) * wOut + j, x[(plane * xs[2] + a) * xs[3] + b] / cnt);
                        }
                    }
                }
            }
        }
        return r;
    }

    /** Adaptive average gradient: {@code dx[cell] = sum over windows holding cell of dy / count}. */
    static Result adaptiveAvgPool2dBackward(double[] dy, int[] xs, int hOut, int wOut) {
        Result r = new Result(xs);
        for (int plane = 0; plane < xs[0] * xs[1]; plane++) {
            for (int i = 0; i < hOut; i++) {
                int[] rw = adaptiveWindow(i, xs[2], hOut);
                for (int j = 0; j < wOut; j++) {
                    int[] cw = adaptiveWindow(j, xs[3], wOut);
                    double cnt = (double) (rw[1] - rw[0]) * (cw[1] - cw[0]);
                    for (int a = rw[0]; a < rw[1]; a++) {
                        for (int b = cw[0]; b < cw[1]; b++) {
                            r.add((plane * xs[2] + a) * xs[3] + b, dy[(plane * hOut + i) * wOut + j] / cnt);
                        }
                    }
                }
            }
        }
        return r;
    }

    /** Flat plane index of the first maximum (row-major) of adaptive window (i, j) of {@code plane}; a NaN wins. */
    static int adaptiveMaxWinner(double[] x, int[] xs, int hOut, int wOut, int plane, int i, int j) {
        int[] rw = adaptiveWindow(i, xs[2], hOut);
        int[] cw = adaptiveWindow(j, xs[3], wOut);
        int best = -1;
        for (int a = rw[0]; a < rw[1]; a++) {
            for (int b = cw[0]; b < cw[1]; b++) {
                int idx = a * xs[3] + b;
                double v = x[plane * xs[2] * xs[3] + idx];
                double bv = best < 0 ? 0 : x[plane * xs[2] * xs[3] + best];
                if (best < 0 || v > bv || (Double.isNaN(v) && !Double.isNaN(bv))) {
                    best = idx;
                }
            }
        }
        return best;
    }
}
