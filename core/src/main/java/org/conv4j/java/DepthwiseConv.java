package org.conv4j.java;

import org.conv4j.internal.Parallel;
import org.conv4j.spi.ConvGeometry;

/**
 * Direct kernels for grouped convolution with one input channel per group ({@code cIn/groups == 1}, e.g.
 * depthwise with any channel multiplier): a GEMM with one input row per group would spend its time packing.
 * Output channel {@code co} reads input channel {@code co / (cOut/groups)}. Each kernel tap is applied as a
 * row update over the output columns whose input column is inside the image (bounds hoisted per tap).
 */
final class DepthwiseConv {
    private DepthwiseConv() {
    }

    /** Planes per chunk so that a chunk is worth a thread hand-off (or all planes when the call is small). */
    private static int grain(ConvGeometry g, int planes) {
        long perPlane = Math.max(1L, (long) g.hOut * g.wOut * g.kh * g.kw * g.cOutPerGroup());
        return Scratch.threadsFor(g.flops() / 2) == 1 ? Integer.MAX_VALUE : (int) Math.max(1, (1 << 15) / perPlane);
    }

    static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        int planes = g.n * g.cOut;
        int cog = g.cOutPerGroup();
        int pOut = g.hOut * g.wOut;
        Parallel.forPieces(planes, grain(g, planes), (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int img = pl / g.cOut;
                int co = pl % g.cOut;
                int xBase = (img * g.cIn + co / cog) * g.h * g.w;
                int yBase = pl * pOut;
                float b0 = bias == null ? 0f : bias[co];
                for (int i = 0; i < g.hOut; i++) {
                    int yr = yBase + i * g.wOut;
                    for (int j = 0; j < g.wOut; j++) {
                        y[yr + j] = b0;
                    }
                    for (int a = 0; a < g.kh; a++) {
                        int ih = i * g.sh - g.padTop + a * g.dh;
                        if (ih < 0 || ih >= g.h) {
                            continue;
                        }
                        int xr = xBase + ih * g.w;
                        for (int bb = 0; bb < g.kw; bb++) {
                            float wv = w[(co * g.kh + a) * g.kw + bb];
                            int colOff = bb * g.dw - g.padLeft;
                            int lo = Im2Col.firstInside(colOff, g.sw);
                            int hi = Im2Col.endInside(colOff, g.w, g.sw, g.wOut);
                            for (int j = lo, s = xr + lo * g.sw + colOff; j < hi; j++, s += g.sw) {
                                y[yr + j] += wv * x[s];
                            }
                        }
                    }
                }
            }
        });
    }

    static void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        int planes = g.n * g.cIn;
        int cog = g.cOutPerGroup();
        int pOut = g.hOut * g.wOut;
        // One thread per input plane: all cog output channels that read it add into it, no races.
        Parallel.forPieces(planes, grain(g, planes), (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int img = pl / g.cIn;
                int ci = pl % g.cIn;
                int xBase = pl * g.h * g.w;
                for (int m = 0; m < cog; m++) {
                    int co = ci * cog + m;
                    int yBase = (img * g.cOut + co) * pOut;
                    for (int i = 0; i < g.hOut; i++) {
                        int yr = yBase + i * g.wOut;
                        for (int a = 0; a < g.kh; a++) {
                            int ih = i * g.sh - g.padTop + a * g.dh;
                            if (ih < 0 || ih >= g.h) {
                                continue;
                            }
                            int xr = xBase + ih * g.w;
                            for (int bb = 0; bb < g.kw; bb++) {
                                float wv = w[(co * g.kh + a) * g.kw + bb];
                                int colOff = bb * g.dw - g.padLeft;
                                int lo = Im2Col.firstInside(colOff, g.sw);
                                int hi = Im2Col.endInside(colOff, g.w, g.sw, g.wOut);
                                for (int j = lo, d = xr + lo * g.sw + colOff; j < hi; j++, d += g.sw) {
                                    dx[d] += wv * dy[yr + j];
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    static void backwardWeights(ConvGeometry g, float[] dy, float[] x, float[] dw) {
        int cog = g.cOutPerGroup();
        int pOut = g.hOut * g.wOut;
        // One thread per output channel; each tap sums over the batch in a fixed order (deterministic).
        Parallel.forPieces(g.cOut, grain(g, g.cOut), (from, to) -> {
            for (int co = from; co < to; co++) {
                int ci = co / cog;
                for (int a = 0; a < g.kh; a++) {
                    for (int bb = 0; bb < g.kw; bb++) {
                        int colOff = bb * g.dw - g.padLeft;
                        int lo = Im2Col.firstInside(colOff, g.sw);
                        int hi = Im2Col.endInside(colOff, g.w, g.sw, g.wOut);
                        double s = 0;
                        for (int img = 0; img < g.n; img++) {
                            int xBase = (img * g.cIn + ci) * g.h * g.w;
                            int yBase = (img * g.cOut + co) * pOut;
                            for (int i = 0; i < g.hOut; i++) {
                                int ih = i * g.sh - g.padTop + a * g.dh;
                                if (ih < 0 || ih >= g.h) {
                                    continue;
                                }
                                int yr = yBase + i * g.wOut;
                                float r = 0f;
                                for (int j = lo, xs = xBase + ih * g.w + lo * g.sw + colOff; j < hi; j++, xs += g.sw) {
                                    r += dy[yr + j] * x[xs];
                                }
                                s += r;
                            }
                        }
                        dw[(co * g.kh + a) * g.kw + bb] = (float) s;
                    }
                }
            }
        });
    }
}
