package org.conv4j.java;

import org.conv4j.IntTensor;
import org.conv4j.MaxPoolResult;
import org.conv4j.Tensor;
import org.conv4j.spi.AdaptivePoolGeometry;
import org.conv4j.spi.IndexGeometry;
import org.conv4j.spi.BaseBackend;
import org.conv4j.spi.ConvGeometry;
import org.conv4j.spi.HeapStorage;
import org.conv4j.spi.PoolGeometry;
import org.conv4j.spi.TensorAccess;

/**
 * TEST ONLY: the original direct-loop Java backend (a literal transcription of the definitions), kept
 * as the oracle the fast {@link JavaBackend} kernels are compared against. Slow by design.
 */
public final class DirectReference extends BaseBackend {
    /** The one instance. */
    public static final DirectReference INSTANCE = new DirectReference();

    private DirectReference() {
    }

    @Override
    public String name() {
        return "direct-reference";
    }

    private static Tensor out(float[] data, int... shape) {
        return TensorAccess.wrap(new HeapStorage(data), shape);
    }

    @Override
    protected Tensor doConv2d(ConvGeometry g, Tensor xt, Tensor wt, Tensor bt) {
        float[] x = heap(xt), w = heap(wt), b = bt == null ? null : heap(bt);
        float[] y = new float[g.n * g.cOut * g.hOut * g.wOut];
        int cig = g.cInPerGroup(), cog = g.cOutPerGroup();
        for (int n = 0; n < g.n; n++) {
            for (int co = 0; co < g.cOut; co++) {
                int grp = co / cog;
                int yBase = ((n * g.cOut) + co) * g.hOut * g.wOut;
                for (int i = 0; i < g.hOut; i++) {
                    for (int j = 0; j < g.wOut; j++) {
                        float s = b == null ? 0f : b[co];
                        for (int c = 0; c < cig; c++) {
                            int ci = grp * cig + c;
                            for (int a = 0; a < g.kh; a++) {
                                int ih = i * g.sh - g.padTop + a * g.dh;
                                if (ih < 0 || ih >= g.h) {
                                    continue;
                                }
                                for (int bb = 0; bb < g.kw; bb++) {
                                    int iw = j * g.sw - g.padLeft + bb * g.dw;
                                    if (iw < 0 || iw >= g.w) {
                                        continue;
                                    }
                                    s += x[((n * g.cIn + ci) * g.h + ih) * g.w + iw]
                                            * w[((co * cig + c) * g.kh + a) * g.kw + bb];
                                }
                            }
                        }
                        y[yBase + i * g.wOut + j] = s;
                    }
                }
            }
        }
        return out(y, g.outputShape());
    }

    @Override
    protected Tensor doConv2dBackwardData(ConvGeometry g, Tensor dyt, Tensor wt) {
        float[] dy = heap(dyt), w = heap(wt);
        float[] dx = new float[g.n * g.cIn * g.h * g.w];
        int cig = g.cInPerGroup(), cog = g.cOutPerGroup();
        for (int n = 0; n < g.n; n++) {
            for (int co = 0; co < g.cOut; co++) {
                int grp = co / cog;
                for (int i = 0; i < g.hOut; i++) {
                    for (int j = 0; j < g.wOut; j++) {
                        float d = dy[((n * g.cOut + co) * g.hOut + i) * g.wOut + j];
                        for (int c = 0; c < cig; c++) {
                            int ci = grp * cig + c;
                            for (int a = 0; a < g.kh; a++) {
                                int ih = i * g.sh - g.padTop + a * g.dh;
                                if (ih < 0 || ih >= g.h) {
                                    continue;
                                }
                                for (int bb = 0; bb < g.kw; bb++) {
                                    int iw = j * g.sw - g.padLeft + bb * g.dw;
                                    if (iw < 0 || iw >= g.w) {
                                        continue;
                                    }
                                    dx[((n * g.cIn + ci) * g.h + ih) * g.w + iw] +=
                                            d * w[((co * cig + c) * g.kh + a) * g.kw + bb];
                                }
                            }
                        }
                    }
                }
            }
        }
        return out(dx, g.inputShape());
    }

    @Override
    protected Tensor doConv2dBackwardWeights(ConvGeometry g, Tensor dyt, Tensor xt) {
        float[] dy = heap(dyt), x = heap(xt);
        int cig = g.cInPerGroup(), cog = g.cOutPerGroup();
        float[] dw = new float[g.cOut * cig * g.kh * g.kw];
        for (int co = 0; co < g.cOut; co++) {
            int grp = co / cog;
            for (int c = 0; c < cig; c++) {
                int ci = grp * cig + c;
                for (int a = 0; a < g.kh; a++) {
                    for (int bb = 0; bb < g.kw; bb++) {
                        float s = 0f;
                        for (int n = 0; n < g.n; n++) {
                            for (int i = 0; i < g.hOut; i++) {
                                int ih = i * g.sh - g.padTop + a * g.dh;
                                if (ih < 0 || ih >= g.h) {
                                    continue;
                                }
                                for (int j = 0; j < g.wOut; j++) {
                                    int iw = j * g.sw - g.padLeft + bb * g.dw;
                                    if (iw < 0 || iw >= g.w) {
                                        continue;
                                    }
                                    s += dy[((n * g.cOut + co) * g.hOut + i) * g.wOut + j]
                                            * x[((n * g.cIn + ci) * g.h + ih) * g.w + iw];
                                }
                            }
                        }
                        dw[((co * cig + c) * g.kh + a) * g.kw + bb] = s;
                    }
                }
            }
        }
        return out(dw, g.weightShape());
    }

    @Override
    protected Tensor doConv2dBackwardBias(Tensor dyt) {
        float[] dy = heap(dyt);
        int n = dyt.dim(0), c = dyt.dim(1), hw = dyt.dim(2) * dyt.dim(3);
        float[] db = new float[c];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                float s = 0f;
                int base = (i * c + ch) * hw;
                for (int k = 0; k < hw; k++) {
                    s += dy[base + k];
                }
                db[ch] += s;
            }
        }
        return out(db, c);
    }

    @Override
    protected Tensor doMaxPool2d(PoolGeometry g, Tensor xt) {
        float[] x = heap(xt);
        float[] y = new float[g.n * g.c * g.hOut * g.wOut];
        for (int p = 0; p < g.n * g.c; p++) {
            for (int i = 0; i < g.hOut; i++) {
                for (int j = 0; j < g.wOut; j++) {
                    y[(p * g.hOut + i) * g.wOut + j] = x[argmax(g, x, p, i, j)];
                }
            }
        }
        return out(y, g.outputShape());
    }

    /** Index into x of the first maximal element of window (i, j) of plane p. */
    private static int argmax(PoolGeometry g, float[] x, int p, int i, int j) {
        int h0 = Math.max(i * g.sh - g.ph, 0), h1 = Math.min(i * g.sh - g.ph + g.kh, g.h);
        int w0 = Math.max(j * g.sw - g.pw, 0), w1 = Math.min(j * g.sw - g.pw + g.kw, g.w);
        int best = -1;
        float bv = Float.NEGATIVE_INFINITY;
        for (int a = h0; a < h1; a++) {
            for (int b = w0; b < w1; b++) {
                int idx = (p * g.h + a) * g.w + b;
                float v = x[idx];
                if (best < 0 || v > bv || Float.isNaN(v) && !Float.isNaN(bv)) {
                    best = idx;
                    bv = v;
                }
            }
        }
        return best;
    }

    @Override
    protected Tensor doMaxPool2dBackward(PoolGeometry g, Tensor dyt, Tensor xt) {
        float[] x = heap(xt), dy = heap(dyt);
        float[] dx = new float[x.length];
        for (int p = 0; p < g.n * g.c; p++) {
            for (int i = 0; i < g.hOut; i++) {
                for (int j = 0; j < g.wOut; j++) {
                    dx[argmax(g, x, p, i, j)] += dy[(p * g.hOut + i) * g.wOut + j];
                }
            }
        }
        return out(dx, g.inputShape());
    }

    /** The divisor of window (i, j), PyTorch's rule. */
    private static int divisor(PoolGeometry g, int i, int j) {
        int hs = i * g.sh - g.ph, ws = j * g.sw - g.pw;
        int he = Math.min(hs + g.kh, g.h + g.ph), we = Math.min(ws + g.kw, g.w + g.pw);
        if (g.countIncludePad) {
            return (he - hs) * (we - ws);
        }
        return (Math.min(he, g.h) - Math.max(hs, 0)) * (Math.min(we, g.w) - Math.max(ws, 0));
    }

    @Override
    protected Tensor doAvgPool2d(PoolGeometry g, Tensor xt) {
        float[] x = heap(xt);
        float[] y = new float[g.n * g.c * g.hOut * g.wOut];
        for (int p = 0; p < g.n * g.c; p++) {
            for (int i = 0; i < g.hOut; i++) {
                int h0 = Math.max(i * g.sh - g.ph, 0), h1 = Math.min(i * g.sh - g.ph + g.kh, g.h);
                for (int j = 0; j < g.wOut; j++) {
                    int w0 = Math.max(j * g.sw - g.pw, 0), w1 = Math.min(j * g.sw - g.pw + g.kw, g.w);
                    float s = 0f;
                    for (int a = h0; a < h1; a++) {
                        for (int b = w0; b < w1; b++) {
                            s += x[(p * g.h + a) * g.w + b];
                        }
                    }
                    y[(p * g.hOut + i) * g.wOut + j] = s / divisor(g, i, j);
                }
            }
        }
        return out(y, g.outputShape());
    }

    @Override
    protected Tensor doAvgPool2dBackward(PoolGeometry g, Tensor dyt) {
        float[] dy = heap(dyt);
        float[] dx = new float[g.n * g.c * g.h * g.w];
        for (int p = 0; p < g.n * g.c; p++) {
            for (int i = 0; i < g.hOut; i++) {
                int h0 = Math.max(i * g.sh - g.ph, 0), h1 = Math.min(i * g.sh - g.ph + g.kh, g.h);
                for (int j = 0; j < g.wOut; j++) {
                    int w0 = Math.max(j * g.sw - g.pw, 0), w1 = Math.min(j * g.sw - g.pw + g.kw, g.w);
                    float d = dy[(p * g.hOut + i) * g.wOut + j] / divisor(g, i, j);
                    for (int a = h0; a < h1; a++) {
                        for (int b = w0; b < w1; b++) {
                            dx[(p * g.h + a) * g.w + b] += d;
                        }
                    }
                }
            }
        }
        return out(dx, g.inputShape());
    }

    // The index and adaptive operations have one implementation each in the java backend; this oracle
    // exists for the fixed-window kernels, so it delegates these.
    @Override
    protected MaxPoolResult doMaxPool2dWithIndices(PoolGeometry g, Tensor x) {
        boolean ceil = g.hOut != (g.h + 2 * g.ph - g.kh) / g.sh + 1 || g.wOut != (g.w + 2 * g.pw - g.kw) / g.sw + 1;
        return JavaBackend.INSTANCE.maxPool2dWithIndices(x, org.conv4j.PoolParams.of(g.kh, g.kw).stride(g.sh, g.sw)
                .padding(g.ph, g.pw).ceilMode(ceil));
    }

    @Override
    protected Tensor doMaxPool2dBackwardIndices(IndexGeometry g, Tensor dy, IntTensor indices) {
        return JavaBackend.INSTANCE.maxPool2dBackward(dy, indices, g.bigShape());
    }

    @Override
    protected Tensor doMaxUnpool2d(IndexGeometry g, Tensor x, IntTensor indices) {
        return JavaBackend.INSTANCE.maxUnpool2d(x, indices, g.bigShape());
    }

    @Override
    protected Tensor doAdaptiveAvgPool2d(AdaptivePoolGeometry g, Tensor x) {
        return JavaBackend.INSTANCE.adaptiveAvgPool2d(x, g.hOut, g.wOut);
    }

    @Override
    protected Tensor doAdaptiveAvgPool2dBackward(AdaptivePoolGeometry g, Tensor dy) {
        return JavaBackend.INSTANCE.adaptiveAvgPool2dBackward(dy, g.inputShape());
    }

    @Override
    protected Tensor doAdaptiveMaxPool2d(AdaptivePoolGeometry g, Tensor x) {
        return JavaBackend.INSTANCE.adaptiveMaxPool2d(x, g.hOut, g.wOut);
    }

    @Override
    protected MaxPoolResult doAdaptiveMaxPool2dWithIndices(AdaptivePoolGeometry g, Tensor x) {
        return JavaBackend.INSTANCE.adaptiveMaxPool2dWithIndices(x, g.hOut, g.wOut);
    }
}
