package org.conv4j.conformance;

import static org.conv4j.conformance.Conformance.read;
import static org.conv4j.conformance.Conformance.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.conv4j.Backend;
import org.conv4j.Conv4j;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every printed output of the textbook chapter (/work/shared/seeds/, the 004 notebook with outputs),
 * reproduced exactly on every available backend. Comments give the notebook cell.
 */
class TextbookTest {

    static Stream<Backend> backends() {
        return Conformance.backends();
    }

    private static final float[] X3 = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    private static final float[] K2 = {0, 1, 2, 3};

    /** Runs {@code op}, checks the result's shape and exact values, frees it. */
    private static void assertTensor(int[] shape, float[] expected, Tensor actual) {
        try (actual) {
            assertArrayEquals(shape, actual.shape(), "shape");
            assertArrayEquals(expected, actual.toArray(), () -> "values " + actual);
        }
    }

    /** In [152]: corr2d(X, K) = [[19, 25], [37, 43]], both through Conv4j.corr2d and the 4-D conv2d. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void corr2dOfFigureCorrelation(Backend b) {
        assertTensor(new int[] {2, 2}, new float[] {19, 25, 37, 43},
                Conv4j.corr2d(b, Tensor.of(X3, 3, 3), Tensor.of(K2, 2, 2)));
        assertTensor(new int[] {1, 1, 2, 2}, new float[] {19, 25, 37, 43},
                b.conv2d(Tensor.of(X3, 1, 1, 3, 3), Tensor.of(K2, 1, 1, 2, 2), null, ConvParams.defaults()));
    }

    /** The 6x8 image of In [32]: ones with columns 2..5 black. */
    private static float[] edgeImage() {
        float[] x = new float[48];
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 8; j++) {
                x[i * 8 + j] = j >= 2 && j < 6 ? 0 : 1;
            }
        }
        return x;
    }

    private static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return t;
    }

    private static final float[] EDGE_ROW = {0, 1, 0, 0, 0, -1, 0};

    /** In [34], In [35]: K = [[1, -1]] finds the vertical edges (1 white to black, -1 black to white), nothing on X.T. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void edgeDetection(Backend b) {
        float[] edges = new float[42];
        for (int i = 0; i < 6; i++) {
            System.arraycopy(EDGE_ROW, 0, edges, i * 7, 7);
        }
        Tensor k = Tensor.of(new float[] {1, -1}, 1, 2);
        assertTensor(new int[] {6, 7}, edges, Conv4j.corr2d(b, Tensor.of(edgeImage(), 6, 8), k));
        assertTensor(new int[] {8, 5}, new float[40], Conv4j.corr2d(b, Tensor.of(transpose(edgeImage(), 6, 8), 8, 6), k));
        // the book's Conv2D layer: corr2d plus a scalar bias
        float[] shifted = edges.clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 0.5f;
        }
        assertTensor(new int[] {1, 1, 6, 7}, shifted, b.conv2d(Tensor.of(edgeImage(), 1, 1, 6, 8),
                Tensor.of(new float[] {1, -1}, 1, 1, 1, 2), Tensor.of(new float[] {0.5f}, 1), ConvParams.defaults()));
    }

    /**
     * In [89]-[54]: learning the kernel back from (X, Y) by 10 steps of gradient descent on
     * sum((Y_hat - Y)^2) with learning rate 3e-2, no bias. The notebook starts from MXNet's random
     * initialisation, so its printed losses (12.559 ... 0.011) and kernel [[0.9895, -0.9873705]] cannot
     * be replayed; we start from a fixed kernel, follow the float64 reference trajectory step by step, and
     * check the book's conclusion: the loss falls to about 0.01 and the kernel ends close to [1, -1].
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void learningTheEdgeKernel(Backend b) {
        int[] xs = {1, 1, 6, 8};
        int[] ws = {1, 1, 1, 2};
        Tensor x = Tensor.of(edgeImage(), xs);
        double[] xd = toDouble(edgeImage());
        double[] y = new double[42];
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 7; j++) {
                y[i * 7 + j] = EDGE_ROW[j];
            }
        }
        float[] w = {0.03f, -0.05f};
        double[] wRef = {0.03, -0.05};
        ConvParams p = ConvParams.defaults();
        double loss = Double.NaN;
        for (int step = 1; step <= 10; step++) {
            float[] yHat = read(b.conv2d(x, Tensor.of(w, ws), null, p));
            float[] grad = new float[42];
            loss = 0;
            for (int i = 0; i < 42; i++) {
                grad[i] = 2 * (yHat[i] - (float) y[i]);
                loss += (yHat[i] - y[i]) * (yHat[i] - y[i]);
            }
            float[] dw = read(b.conv2dBackwardWeights(Tensor.of(grad, 1, 1, 6, 7), x, ws, p));
            // the same step in float64 on the reference
            double[] yRef = NaiveReference.conv2d(xd, xs, wRef, ws, null, p).value;
            double[] gRef = new double[42];
            double lossRef = 0;
            for (int i = 0; i < 42; i++) {
                gRef[i] = 2 * (yRef[i] - y[i]);
                lossRef += (yRef[i] - y[i]) * (yRef[i] - y[i]);
            }
            double[] dwRef = NaiveReference.conv2dBackwardWeights(gRef, xd, xs, ws, p).value;
            assertEquals(lossRef, loss, 1e-5 * Math.max(1, lossRef), "loss at step " + step);
            for (int k = 0; k < 2; k++) {
                w[k] -= 3e-2f * dw[k];
                wRef[k] -= 3e-2 * dwRef[k];
                assertEquals(wRef[k], w[k], 1e-5, "kernel element " + k + " after step " + step);
            }
        }
        assertTrue(loss < 0.02, "loss after 10 steps should be about 0.01 as in the book, got " + loss);
        assertEquals(1, w[0], 0.02, "learned kernel [[" + w[0] + ", " + w[1] + "]] should be close to [[1, -1]]");
        assertEquals(-1, w[1], 0.02, "learned kernel [[" + w[0] + ", " + w[1] + "]] should be close to [[1, -1]]");
    }

    /**
     * Cross-correlation vs strict convolution (section of 000): strict convolution with K equals
     * cross-correlation with K flipped in both axes.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void strictConvolutionIsCorrelationWithTheFlippedKernel(Backend b) {
        Tensor flipped = Conv4j.flip(Tensor.of(K2, 2, 2));
        assertArrayEquals(new float[] {3, 2, 1, 0}, flipped.toArray());
        float[] strict = new float[4];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                for (int a = 0; a < 2; a++) {
                    for (int c = 0; c < 2; c++) {
                        strict[i * 2 + j] += X3[(i + a) * 3 + j + c] * K2[(1 - a) * 2 + (1 - c)];
                    }
                }
            }
        }
        assertTensor(new int[] {2, 2}, strict, Conv4j.corr2d(b, Tensor.of(X3, 3, 3), flipped));
    }

    /** In [111]-[116]: output shapes with padding and stride on an 8x8 input; values checked against the reference. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void paddingAndStrideShapes(Backend b) {
        Random r = new Random(8);
        float[] x = new float[64];
        for (int i = 0; i < 64; i++) {
            x[i] = r.nextFloat();
        }
        checkShape(b, x, 3, 3, ConvParams.defaults().padding(1, 1), 8, 8);
        checkShape(b, x, 5, 3, ConvParams.defaults().padding(2, 1), 8, 8);
        checkShape(b, x, 3, 3, ConvParams.defaults().padding(1, 1).stride(2, 2), 4, 4);
        checkShape(b, x, 3, 5, ConvParams.defaults().padding(0, 1).stride(3, 4), 2, 2);
    }

    private static void checkShape(Backend b, float[] x, int kh, int kw, ConvParams p, int ho, int wo) {
        Random r = new Random(kh * 10 + kw);
        float[] w = new float[kh * kw];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextFloat() * 0.14f - 0.07f;
        }
        Tensor y = b.conv2d(Tensor.of(x, 1, 1, 8, 8), Tensor.of(w, 1, 1, kh, kw), null, p);
        assertArrayEquals(new int[] {1, 1, ho, wo}, y.shape(), "output shape for kernel " + kh + "x" + kw + " " + p);
        Conformance.assertMatches(b, "conv2d " + p, y,
                NaiveReference.conv2d(toDouble(x), new int[] {1, 1, 8, 8}, toDouble(w), new int[] {1, 1, kh, kw}, null, p),
                false);
    }

    private static final float[] X2 = {0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    private static final float[] K22 = {0, 1, 2, 3, 1, 2, 3, 4};

    /** In [172]: corr2d_multi_in(X, K) = [[56, 72], [104, 120]]. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void multipleInputChannels(Backend b) {
        assertTensor(new int[] {1, 1, 2, 2}, new float[] {56, 72, 104, 120},
                b.conv2d(Tensor.of(X2, 1, 2, 3, 3), Tensor.of(K22, 1, 2, 2, 2), null, ConvParams.defaults()));
    }

    /** In [174], In [176]: K stacked as (K, K + 1, K + 2), three output channels. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void multipleInputAndOutputChannels(Backend b) {
        float[] k = new float[24];
        for (int o = 0; o < 3; o++) {
            for (int i = 0; i < 8; i++) {
                k[o * 8 + i] = K22[i] + o;
            }
        }
        assertTensor(new int[] {1, 3, 2, 2}, new float[] {56, 72, 104, 120, 76, 100, 148, 172, 96, 128, 192, 224},
                b.conv2d(Tensor.of(X2, 1, 2, 3, 3), Tensor.of(k, 3, 2, 2, 2), null, ConvParams.defaults()));
    }

    /**
     * In [177]-[178]: a 1x1 convolution is the matrix product K (c_o x c_i) times X (c_i x h*w); the
     * notebook's random 3x3x3 input and 2x3x1x1 kernel, then a larger one.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void oneByOneConvolutionIsAMatrixProduct(Backend b) {
        checkMatmul(b, 3, 3, 3, 2, 178);
        checkMatmul(b, 32, 9, 11, 24, 179);
    }

    private static void checkMatmul(Backend b, int ci, int h, int w, int co, long seed) {
        Random r = new Random(seed);
        float[] x = new float[ci * h * w];
        float[] k = new float[co * ci];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        for (int i = 0; i < k.length; i++) {
            k[i] = r.nextFloat();
        }
        // plain matmul in float64: Y[o][p] = sum_c K[o][c] X[c][p]
        NaiveReference.Result product = new NaiveReference.Result(new int[] {1, co, h, w});
        for (int o = 0; o < co; o++) {
            for (int p = 0; p < h * w; p++) {
                for (int c = 0; c < ci; c++) {
                    product.add(o * h * w + p, (double) k[o * ci + c] * x[c * h * w + p]);
                }
            }
        }
        Conformance.assertMatches(b, "1x1 conv vs matmul " + ci + "->" + co, b.conv2d(Tensor.of(x, 1, ci, h, w),
                Tensor.of(k, co, ci, 1, 1), null, ConvParams.defaults()), product, false);
    }

    /** In [188], In [189]: the book's pool2d (stride 1) on 0..8: max [[4, 5], [7, 8]], avg [[2, 3], [5, 6]]. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void pooling2x2(Backend b) {
        Tensor x = Tensor.of(X3, 1, 1, 3, 3);
        PoolParams p = PoolParams.of(2, 2).stride(1, 1);
        assertTensor(new int[] {1, 1, 2, 2}, new float[] {4, 5, 7, 8}, b.maxPool2d(x, p));
        assertTensor(new int[] {1, 1, 2, 2}, new float[] {2, 3, 5, 6}, b.avgPool2d(x, p));
    }

    private static float[] arange16() {
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) {
            x[i] = i;
        }
        return x;
    }

    /** In [195], In [193]: MaxPool2D(3) -> [[10]] (stride defaults to the window); MaxPool2D(3, padding=1, strides=2) -> [[5, 7], [13, 15]]. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void poolingPaddingAndStride(Backend b) {
        Tensor x = Tensor.of(arange16(), 1, 1, 4, 4);
        assertTensor(new int[] {1, 1, 1, 1}, new float[] {10}, b.maxPool2d(x, PoolParams.of(3, 3)));
        assertTensor(new int[] {1, 1, 2, 2}, new float[] {5, 7, 13, 15},
                b.maxPool2d(x, PoolParams.of(3, 3).padding(1, 1).stride(2, 2)));
    }

    /**
     * In [194]: MaxPool2D((2, 3), padding=(1, 2), strides=(2, 3)) printed [[0, 3], [8, 11], [12, 15]].
     * MXNet accepted a padding of 2 for a window 3 wide; our rule (PyTorch's) allows at most half the
     * window, 1, so the literal call is refused with a message naming the limit. The printed result is
     * MXNet's padded-cells-never-win semantics, and it is reproduced exactly under our rule by padding the
     * two columns explicitly with minus infinity and pooling with padding (1, 0).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void poolingWithUnevenWindowPaddingAndStride(Backend b) {
        Tensor x = Tensor.of(arange16(), 1, 1, 4, 4);
        PoolParams literal = PoolParams.of(2, 3).padding(1, 2).stride(2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.maxPool2d(x, literal));
        assertEquals("maxPool2d: padding (1, 2) must be at most half the window 2x3, i.e. at most (1, 1)", e.getMessage());

        float[] padded = new float[4 * 8];
        java.util.Arrays.fill(padded, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                padded[i * 8 + j + 2] = i * 4 + j;
            }
        }
        assertTensor(new int[] {1, 1, 3, 2}, new float[] {0, 3, 8, 11, 12, 15},
                b.maxPool2d(Tensor.of(padded, 1, 1, 4, 8), PoolParams.of(2, 3).padding(1, 0).stride(2, 3)));
    }

    /**
     * In [197], In [200]: X concatenated with X + 1 on the channel axis, MaxPool2D(3, padding=1, strides=2).
     * The notebook prints one channel, [[5, 7], [13, 15]], because In [199] (X = arange(16)) ran after the
     * concatenation of In [197]; with both channels the output has as many channels as the input: the
     * printed [[5, 7], [13, 15]] and, for X + 1, [[6, 8], [14, 16]] (as in the d2l book).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void poolingKeepsTheChannels(Backend b) {
        float[] x = new float[32];
        for (int i = 0; i < 16; i++) {
            x[i] = i;
            x[16 + i] = i + 1;
        }
        assertTensor(new int[] {1, 2, 2, 2}, new float[] {5, 7, 13, 15, 6, 8, 14, 16},
                b.maxPool2d(Tensor.of(x, 1, 2, 4, 4), PoolParams.of(3, 3).padding(1, 1).stride(2, 2)));
    }
}
