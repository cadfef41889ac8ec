package org.conv4j.java;

import java.util.Arrays;
import org.conv4j.spi.ConvGeometry;

/**
 * im2col and col2im over a range of output columns, for one group of channels.
 *
 * <p>Output positions of all images are numbered {@code q = image * P + p} with {@code P = hOut * wOut}
 * and {@code p = i * wOut + j}. A column matrix for the range {@code [q0, q0 + nq)} has one row per
 * {@code (channel, a, b)} of the group ({@code rows = channels * kh * kw}) and {@code nq} columns:
 * {@code col[r * nq + (q - q0)] = x[image, channel, i*sh - padTop + a*dh, j*sw - padLeft + b*dw]}, zero
 * outside the input. Ranges may span images; stride, asymmetric padding and dilation are all honoured.
 * Contiguous runs (stride 1) are copied with {@link System#arraycopy}; zero runs are filled.
 */
final class Im2Col {
    private Im2Col() {
    }

    /**
     * Fills {@code col} ({@code channels*kh*kw} rows of {@code nq}) for channels {@code c0 .. c0+channels} of
     * the input {@code x} (NCHW with {@code g.cIn} channels) and output positions {@code [q0, q0+nq)}.
     */
    static void im2col(ConvGeometry g, float[] x, int c0, int channels, long q0, int nq, float[] col) {
        int pOut = g.hOut * g.wOut;
        int dst = 0;
        for (int c = 0; c < channels; c++) {
            for (int a = 0; a < g.kh; a++) {
                for (int b = 0; b < g.kw; b++) {
                    int rowOff = a * g.dh - g.padTop;
                    int colOff = b * g.dw - g.padLeft;
                    int jlo = firstInside(colOff, g.sw);
                    int jhi = endInside(colOff, g.w, g.sw, g.wOut);
                    long q = q0;
                    long qEnd = q0 + nq;
                    while (q < qEnd) {
                        int img = (int) (q / pOut);
                        int p = (int) (q - (long) img * pOut);
                        int i = p / g.wOut;
                        int j = p - i * g.wOut;
                        int cnt = (int) Math.min(g.wOut - j, qEnd - q);
                        int ih = i * g.sh + rowOff;
                        if (ih < 0 || ih >= g.h) {
                            Arrays.fill(col, dst, dst + cnt, 0f);
                        } else {
                            int src = ((img * g.cIn + c0 + c) * g.h + ih) * g.w;
                            copyRow(x, src, colOff, g.sw, j, j + cnt, jlo, jhi, col, dst);
                        }
                        dst += cnt;
                        q += cnt;
                    }
                }
            }
        }
    }

    /** Output columns {@code [j, jEnd)} of one kernel tap on one input row starting at {@code src}. */
    private static void copyRow(float[] x, int src, int colOff, int sw, int j, int jEnd, int jlo, int jhi,
                                float[] col, int dst) {
        int lo = Math.min(Math.max(jlo, j), jEnd);
        int hi = Math.max(Math.min(jhi, jEnd), lo);
        if (lo > j) {
            Arrays.fill(col, dst, dst + (lo - j), 0f);
        }
        int d = dst + (lo - j);
        if (hi == lo) {
            // nothing inside the input: the zero fills cover the run (and src + lo may be out of range)
        } else if (sw == 1) {
            System.arraycopy(x, src + lo + colOff, col, d, hi - lo);
        } else {
            int s = src + lo * sw + colOff;
            for (int jj = lo; jj < hi; jj++, s += sw) {
                col[d++] = x[s];
            }
        }
        if (hi < jEnd) {
            Arrays.fill(col, dst + (hi - j), dst + (jEnd - j), 0f);
        }
    }

    /**
     * Adds the column matrix {@code col} (layout of {@link #im2col}) into {@code dx} (NCHW with {@code g.cIn}
     * channels), channels {@code c0 .. c0+channels}, output positions {@code [q0, q0+nq)}.
     */
    static void col2im(ConvGeometry g, float[] col, int c0, int channels, long q0, int nq, float[] dx) {
        int pOut = g.hOut * g.wOut;
        int srcRow = 0;
        for (int c = 0; c < channels; c++) {
            for (int a = 0; a < g.kh; a++) {
                for (int b = 0; b < g.kw; b++) {
                    int rowOff = a * g.dh - g.padTop;
                    int colOff = b * g.dw - g.padLeft;
                    int jlo = firstInside(colOff, g.sw);
                    int jhi = endInside(colOff, g.w, g.sw, g.wOut);
                    int s = srcRow;
                    long q = q0;
                    long qEnd = q0 + nq;
                    while (q < qEnd) {
                        int img = (int) (q / pOut);
                        int p = (int) (q - (long) img * pOut);
                        int i = p / g.wOut;
                        int j = p - i * g.wOut;
                        int cnt = (int) Math.min(g.wOut - j, qEnd - q);
                        int ih = i * g.sh + rowOff;
                        if (ih >= 0 && ih < g.h) {
                            int lo = Math.min(Math.max(jlo, j), j + cnt);
                            int hi = Math.max(Math.min(jhi, j + cnt), lo);
                            int base = ((img * g.cIn + c0 + c) * g.h + ih) * g.w + colOff;
                            int cs = s + (lo - j);
                            if (g.sw == 1) {
                                addRun(dx, base + lo, col, cs, hi - lo);
                            } else {
                                for (int jj = lo; jj < hi; jj++) {
                                    dx[base + jj * g.sw] += col[cs++];
                                }
                            }
                        }
                        s += cnt;
                        q += cnt;
                    }
                    srcRow += nq;
                }
            }
        }
    }

    private static void addRun(float[] dx, int d, float[] col, int s, int n) {
        for (int k = 0; k < n; k++) {
            dx[d + k] += col[s + k];
        }
    }

    /** Smallest output column j with {@code j*sw + colOff >= 0}. */
    static int firstInside(int colOff, int sw) {
        // long: -colOff + sw - 1 overflows int for a stride near Integer.MAX_VALUE with padding
        return colOff >= 0 ? 0 : (int) ((-(long) colOff + sw - 1) / sw);
    }

    /** One past the largest output column j with {@code j*sw + colOff < w}, at most {@code wOut}. */
    static int endInside(int colOff, int w, int sw, int wOut) {
        long num = (long) w - colOff;
        if (num <= 0) {
            return 0;
        }
        return (int) Math.min(wOut, (num + sw - 1) / sw);
    }
}
