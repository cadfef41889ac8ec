package org.conv4j.bench;

/**
 * The textbook 7-loop convolution on plain arrays, single-threaded: the baseline the table divides by.
 * Groups = 1, symmetric padding, square stride (all the benchmark shapes need).
 */
final class NaiveConv {
    private NaiveConv() {
    }

    static float[] forward(Shapes.Conv s, float[] x, float[] w, float[] bias) {
        int ho = s.hOut();
        int wo = s.wOut();
        float[] y = new float[s.n() * s.cOut() * ho * wo];
        for (int n = 0; n < s.n(); n++) {
            for (int co = 0; co < s.cOut(); co++) {
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        float acc = bias[co];
                        for (int ci = 0; ci < s.cIn(); ci++) {
                            for (int a = 0; a < s.kh(); a++) {
                                int ih = i * s.stride() - s.pad() + a;
                                if (ih < 0 || ih >= s.h()) {
                                    continue;
                                }
                                for (int b = 0; b < s.kw(); b++) {
                                    int iw = j * s.stride() - s.pad() + b;
                                    if (iw >= 0 && iw < s.w()) {
                                        acc += x[((n * s.cIn() + ci) * s.h() + ih) * s.w() + iw]
                                                * w[((co * s.cIn() + ci) * s.kh() + a) * s.kw() + b];
                                    }
                                }
                            }
                        }
                        y[((n * s.cOut() + co) * ho + i) * wo + j] = acc;
                    }
                }
            }
        }
        return y;
    }

    static float[] backwardData(Shapes.Conv s, float[] dy, float[] w) {
        int ho = s.hOut();
        int wo = s.wOut();
        float[] dx = new float[s.n() * s.cIn() * s.h() * s.w()];
        for (int n = 0; n < s.n(); n++) {
            for (int co = 0; co < s.cOut(); co++) {
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        float d = dy[((n * s.cOut() + co) * ho + i) * wo + j];
                        for (int ci = 0; ci < s.cIn(); ci++) {
                            for (int a = 0; a < s.kh(); a++) {
                                int ih = i * s.stride() - s.pad() + a;
                                if (ih < 0 || ih >= s.h()) {
                                    continue;
                                }
                                for (int b = 0; b < s.kw(); b++) {
                                    int iw = j * s.stride() - s.pad() + b;
                                    if (iw >= 0 && iw < s.w()) {
                                        dx[((n * s.cIn() + ci) * s.h() + ih) * s.w() + iw] +=
                                                d * w[((co * s.cIn() + ci) * s.kh() + a) * s.kw() + b];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    static float[] backwardWeights(Shapes.Conv s, float[] dy, float[] x) {
        int ho = s.hOut();
        int wo = s.wOut();
        float[] dw = new float[s.cOut() * s.cIn() * s.kh() * s.kw()];
        for (int co = 0; co < s.cOut(); co++) {
            for (int ci = 0; ci < s.cIn(); ci++) {
                for (int a = 0; a < s.kh(); a++) {
                    for (int b = 0; b < s.kw(); b++) {
                        float acc = 0f;
                        for (int n = 0; n < s.n(); n++) {
                            for (int i = 0; i < ho; i++) {
                                int ih = i * s.stride() - s.pad() + a;
                                if (ih < 0 || ih >= s.h()) {
                                    continue;
                                }
                                for (int j = 0; j < wo; j++) {
                                    int iw = j * s.stride() - s.pad() + b;
                                    if (iw >= 0 && iw < s.w()) {
                                        acc += dy[((n * s.cOut() + co) * ho + i) * wo + j]
                                                * x[((n * s.cIn() + ci) * s.h() + ih) * s.w() + iw];
                                    }
                                }
                            }
                        }
                        dw[((co * s.cIn() + ci) * s.kh() + a) * s.kw() + b] = acc;
                    }
                }
            }
        }
        return dw;
    }
}
