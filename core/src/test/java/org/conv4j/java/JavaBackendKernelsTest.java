package org.conv4j.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.conv4j.Backend;
import org.conv4j.Conv4j;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast {@link JavaBackend} kernels against the literal loops of {@link DirectReference}, on seeded
 * random shapes covering every parameter (stride, asymmetric padding, dilation, groups incl. depthwise and
 * channel multipliers, bias, 1x1 path, ceil mode, count_include_pad), shapes large enough to cross the GEMM
 * blocks and the column-chunk boundaries, with 1 and 2 threads. Convolutions agree within a tolerance that
 * grows with the reduction length; pooling agrees bit for bit (ties and NaNs included).
 */
class JavaBackendKernelsTest {
    private static final Backend FAST = JavaBackend.INSTANCE;
    private static final Backend REF = DirectReference.INSTANCE;
    private final int savedThreads = Conv4j.threads();

    @AfterEach
    void restore() {
        Conv4j.setThreads(savedThreads);
        Scratch.blockFloats = Scratch.DEFAULT_BLOCK_FLOATS;
        Scratch.serialMacs = Scratch.DEFAULT_SERIAL_MACS;
        Pooling.grainOps = Pooling.DEFAULT_GRAIN_OPS;
    }

    /** One convolution case: shapes and params. */
    record ConvCase(String name, int n, int cIn, int h, int w, int cOut, int kh, int kw, ConvParams p, boolean bias) {
        @Override
        public String toString() {
            return name + " x[" + n + "," + cIn + "," + h + "," + w + "] w[" + cOut + "," + cIn / p.groups() + ","
                    + kh + "," + kw + "] " + p + (bias ? " +bias" : "");
        }
    }

    static List<ConvCase> convCases() {
        List<ConvCase> cases = new ArrayList<>();
        // Named shapes: paths and block edges.
        cases.add(new ConvCase("pointwise", 2, 7, 9, 11, 5, 1, 1, ConvParams.defaults(), true));
        cases.add(new ConvCase("pointwise-big", 3, 40, 13, 17, 70, 1, 1, ConvParams.defaults(), false));
        cases.add(new ConvCase("pointwise-groups", 2, 12, 6, 5, 9, 1, 1, ConvParams.defaults().groups(3), true));
        cases.add(new ConvCase("1x1-strided", 2, 6, 9, 9, 4, 1, 1, ConvParams.defaults().stride(2, 2), true));
        cases.add(new ConvCase("1x1-padded", 1, 3, 5, 4, 2, 1, 1, ConvParams.defaults().padding(1, 0, 2, 1), false));
        cases.add(new ConvCase("gemm-edges", 2, 37, 19, 23, 67, 3, 3, ConvParams.defaults().padding(1, 1), true));
        cases.add(new ConvCase("resnet-like", 2, 64, 14, 14, 64, 3, 3, ConvParams.defaults().padding(1, 1), true));
        cases.add(new ConvCase("many-small-images", 37, 5, 3, 4, 6, 2, 2, ConvParams.defaults().padding(1, 1), true));
        cases.add(new ConvCase("stem", 1, 3, 40, 38, 16, 7, 7, ConvParams.defaults().stride(2, 2).padding(3, 3), true));
        cases.add(new ConvCase("depthwise", 2, 8, 10, 9, 8, 3, 3, ConvParams.defaults().groups(8).padding(1, 1), true));
        cases.add(new ConvCase("depthwise-mult", 2, 4, 8, 11, 12, 3, 2,
                ConvParams.defaults().groups(4).stride(2, 1).padding(2, 0, 1, 3).dilation(1, 2), true));
        cases.add(new ConvCase("single-in-channel", 4, 1, 28, 28, 6, 5, 5, ConvParams.defaults().padding(2, 2), true));
        cases.add(new ConvCase("kernel-wider-than-input", 1, 2, 3, 2, 3, 2, 5, ConvParams.defaults().padding(0, 0, 2, 2), false));
        cases.add(new ConvCase("dilated-asym", 2, 5, 12, 10, 7, 3, 3,
                ConvParams.defaults().dilation(2, 3).padding(0, 3, 4, 1).stride(1, 2), true));
        // Seeded random shapes over every parameter.
        Random r = new Random(20261122);
        while (cases.size() < 90) {
            int groups = 1 + r.nextInt(3);
            int cig = 1 + r.nextInt(5);
            int cog = 1 + r.nextInt(4);
            int kh = 1 + r.nextInt(4);
            int kw = 1 + r.nextInt(4);
            int dh = 1 + r.nextInt(3);
            int dw = 1 + r.nextInt(3);
            int pt = r.nextInt(3);
            int pb = r.nextInt(3);
            int pl = r.nextInt(3);
            int pr = r.nextInt(3);
            int h = 1 + r.nextInt(14);
            int w = 1 + r.nextInt(14);
            if (h + pt + pb < dh * (kh - 1) + 1 || w + pl + pr < dw * (kw - 1) + 1) {
                continue;
            }
            ConvParams p = ConvParams.defaults().stride(1 + r.nextInt(3), 1 + r.nextInt(3))
                    .padding(pt, pb, pl, pr).dilation(dh, dw).groups(groups);
            cases.add(new ConvCase("random" + cases.size(), 1 + r.nextInt(3), cig * groups, h, w, cog * groups, kh, kw,
                    p, r.nextBoolean()));
        }
        return cases;
    }

    static Stream<Arguments> convCasesAndThreads() {
        return convCases().stream().flatMap(c -> Stream.of(Arguments.of(c, 1), Arguments.of(c, 2)));
    }

    private static float[] random(Random r, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }

    /** |fast - ref| <= tol(L) at every index, L = the reduction length of one output value. */
    private static void assertClose(String what, float[] expected, float[] actual, long reduction) {
        assertEquals(expected.length, actual.length, what + ": length");
        double tol = 1e-5 + 2e-6 * Math.sqrt(reduction) + 1e-7 * reduction;
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tol * Math.max(1, Math.abs(expected[i])))) {
                fail(what + ": index " + i + " expected " + expected[i] + " but got " + actual[i] + " (tol " + tol
                        + ", reduction " + reduction + ")");
            }
        }
    }

    private static void checkConv(ConvCase c, int threads) {
        Conv4j.setThreads(threads);
        // small shapes would run on the calling thread; force the multi-threaded paths
        Scratch.serialMacs = threads > 1 ? 0 : Scratch.DEFAULT_SERIAL_MACS;
        Random r = new Random(c.toString().hashCode());
        int cig = c.cIn / c.p.groups();
        int cog = c.cOut / c.p.groups();
        Tensor x = Tensor.of(random(r, c.n * c.cIn * c.h * c.w), c.n, c.cIn, c.h, c.w);
        Tensor w = Tensor.of(random(r, c.cOut * cig * c.kh * c.kw), c.cOut, cig, c.kh, c.kw);
        Tensor b = c.bias ? Tensor.of(random(r, c.cOut), c.cOut) : null;
        Tensor yRef = REF.conv2d(x, w, b, c.p);
        Tensor y = FAST.conv2d(x, w, b, c.p);
        assertArrayEquals(yRef.shape(), y.shape(), "forward shape");
        assertClose(c + " forward", yRef.toArray(), y.toArray(), (long) cig * c.kh * c.kw);
        int[] ys = yRef.shape();
        Tensor dy = Tensor.of(random(r, yRef.size()), ys);
        long outPlane = (long) ys[2] * ys[3];
        assertClose(c + " backwardData", REF.conv2dBackwardData(dy, w, x.shape(), c.p).toArray(),
                FAST.conv2dBackwardData(dy, w, x.shape(), c.p).toArray(), (long) cog * c.kh * c.kw);
        float[] dwRef = REF.conv2dBackwardWeights(dy, x, w.shape(), c.p).toArray();
        float[] dw = FAST.conv2dBackwardWeights(dy, x, w.shape(), c.p).toArray();
        assertClose(c + " backwardWeights", dwRef, dw, c.n * outPlane);
        assertArrayEquals(dw, FAST.conv2dBackwardWeights(dy, x, w.shape(), c.p).toArray(),
                c + " backwardWeights must be deterministic");
        assertClose(c + " backwardBias", REF.conv2dBackwardBias(dy).toArray(), FAST.conv2dBackwardBias(dy).toArray(),
                c.n * outPlane);
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("convCasesAndThreads")
    void convolutionMatchesDirectLoops(ConvCase c, int threads) {
        checkConv(c, threads);
    }

    /** Tiny column blocks force im2col chunking, chunks spanning images and chunks splitting images. */
    @ParameterizedTest(name = "{0} threads={1} small blocks")
    @MethodSource("convCasesAndThreads")
    void convolutionMatchesWithTinyColumnBlocks(ConvCase c, int threads) {
        Scratch.blockFloats = 97;
        checkConv(c, threads);
    }

    @Test
    void threeThreadsOnAnOddSplit() {
        checkConv(new ConvCase("odd-threads", 5, 9, 11, 13, 10, 3, 3,
                ConvParams.defaults().padding(1, 2, 0, 1).stride(2, 1), true), 3);
    }

    /** One pooling case. */
    record PoolCase(String name, int n, int c, int h, int w, PoolParams p) {
        @Override
        public String toString() {
            return name + " x[" + n + "," + c + "," + h + "," + w + "] " + p;
        }
    }

    static List<PoolCase> poolCases() {
        List<PoolCase> cases = new ArrayList<>();
        cases.add(new PoolCase("p1-like", 4, 6, 28, 28, PoolParams.of(2, 2).stride(2, 2)));
        cases.add(new PoolCase("p2-like", 2, 8, 30, 31, PoolParams.of(3, 3).stride(2, 2).padding(1, 1)));
        cases.add(new PoolCase("p3-like", 2, 8, 20, 20, PoolParams.of(2, 2).stride(2, 2)));
        cases.add(new PoolCase("ceil", 2, 3, 7, 9, PoolParams.of(3, 2).stride(2, 2).padding(1, 1).ceilMode(true)));
        cases.add(new PoolCase("no-pad-count", 2, 3, 7, 9,
                PoolParams.of(3, 3).stride(2, 3).padding(1, 1).ceilMode(true).countIncludePad(false)));
        cases.add(new PoolCase("window-1", 1, 2, 5, 6, PoolParams.of(1, 1).stride(2, 1)));
        cases.add(new PoolCase("whole-plane", 2, 3, 4, 5, PoolParams.of(4, 5)));
        cases.add(new PoolCase("window-wider-than-input", 2, 3, 6, 1, PoolParams.of(3, 3).padding(1, 1)));
        cases.add(new PoolCase("window-taller-than-input", 1, 2, 1, 7, PoolParams.of(3, 2).padding(1, 1)));
        cases.add(new PoolCase("wide-window-k4", 1, 2, 5, 2, PoolParams.of(1, 4).padding(0, 2).stride(1, 2)));
        Random r = new Random(7);
        while (cases.size() < 60) {
            int kh = 1 + r.nextInt(4);
            int kw = 1 + r.nextInt(4);
            int h = 1 + r.nextInt(13);
            int w = 1 + r.nextInt(13);
            int ph = r.nextInt(kh / 2 + 1);
            int pw = r.nextInt(kw / 2 + 1);
            if (h + 2 * ph < kh || w + 2 * pw < kw) {
                continue;
            }
            cases.add(new PoolCase("random" + cases.size(), 1 + r.nextInt(3), 1 + r.nextInt(4), h, w,
                    PoolParams.of(kh, kw).stride(1 + r.nextInt(3), 1 + r.nextInt(3)).padding(ph, pw)
                            .ceilMode(r.nextBoolean()).countIncludePad(r.nextBoolean())));
        }
        return cases;
    }

    static Stream<Arguments> poolCasesAndThreads() {
        return poolCases().stream().flatMap(c -> Stream.of(Arguments.of(c, 1), Arguments.of(c, 2)));
    }

    /** Values from a small set (many ties, signed zeros) with a few NaNs and infinities. */
    private static float[] tiesAndNaNs(Random r, int size, boolean nans) {
        float[] a = new float[size];
        float[] pool = {-2f, -1f, -0f, 0f, 1f, 1f, 2f, 3f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        for (int i = 0; i < size; i++) {
            int k = r.nextInt(40);
            a[i] = k < pool.length ? pool[k] : (nans && k == 39 ? Float.NaN : r.nextInt(7) - 3 + 0.5f * r.nextInt(2));
        }
        return a;
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("poolCasesAndThreads")
    void poolingMatchesDirectLoops(PoolCase c, int threads) {
        Conv4j.setThreads(threads);
        Pooling.grainOps = threads > 1 ? 1 : Pooling.DEFAULT_GRAIN_OPS;
        Random r = new Random(c.toString().hashCode());
        for (boolean nans : new boolean[] {false, true}) {
            Tensor x = Tensor.of(tiesAndNaNs(r, c.n * c.c * c.h * c.w, nans), c.n, c.c, c.h, c.w);
            Tensor yRef = REF.maxPool2d(x, c.p);
            assertArrayEquals(yRef.toArray(), FAST.maxPool2d(x, c.p).toArray(), c + " max forward");
            Tensor dy = Tensor.of(random(r, yRef.size()), yRef.shape());
            assertArrayEquals(REF.maxPool2dBackward(dy, x, c.p).toArray(), FAST.maxPool2dBackward(dy, x, c.p).toArray(),
                    c + " max backward");
            Tensor xs = Tensor.of(random(r, c.n * c.c * c.h * c.w), c.n, c.c, c.h, c.w);
            Tensor aRef = REF.avgPool2d(xs, c.p);
            // averages: global pooling reduces with four partial sums and the gradient is a separable gather
            // (its own summation order, divisor as two reciprocals), so agreement is within float rounding
            assertClose(aRef.toArray(), FAST.avgPool2d(xs, c.p).toArray(), c + " avg forward");
            Tensor ady = Tensor.of(random(r, aRef.size()), aRef.shape());
            assertClose(REF.avgPool2dBackward(ady, xs.shape(), c.p).toArray(),
                    FAST.avgPool2dBackward(ady, xs.shape(), c.p).toArray(), c + " avg backward");
        }
    }

    /** Within 1e-5 relative (inputs in [-1, 1], windows of at most 25 cells). */
    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= 1e-5f * Math.max(1f, Math.abs(expected[i])))) {
                org.junit.jupiter.api.Assertions.fail(what + ": value " + i + " is " + actual[i] + ", expected "
                        + expected[i]);
            }
        }
    }

    /** Shapes for the band argmax of max-pool backward: every window size 1..5 per axis, wide rows. */
    static Stream<Arguments> maxBackwardBandCases() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of(new PoolCase("p2-wide", 1, 3, 23, 41, PoolParams.of(3, 3).stride(2, 2).padding(1, 1))));
        cases.add(Arguments.of(new PoolCase("stride<window", 1, 2, 17, 37, PoolParams.of(3, 3).stride(1, 1).padding(1, 1))));
        cases.add(Arguments.of(new PoolCase("stride>window", 1, 2, 19, 35, PoolParams.of(2, 3).stride(3, 4))));
        cases.add(Arguments.of(new PoolCase("ceil", 1, 2, 18, 33, PoolParams.of(3, 2).stride(2, 2).padding(1, 1).ceilMode(true))));
        cases.add(Arguments.of(new PoolCase("1x1", 1, 2, 9, 33, PoolParams.of(1, 1).stride(2, 2))));
        cases.add(Arguments.of(new PoolCase("1x3-rows", 1, 2, 9, 33, PoolParams.of(1, 3).stride(1, 2).padding(0, 1))));
        cases.add(Arguments.of(new PoolCase("3x1-columns", 1, 2, 9, 33, PoolParams.of(3, 1).stride(2, 1).padding(1, 0))));
        cases.add(Arguments.of(new PoolCase("wider-than-input", 1, 2, 12, 2, PoolParams.of(3, 5).padding(1, 2))));
        cases.add(Arguments.of(new PoolCase("k5", 1, 2, 21, 40, PoolParams.of(5, 5).stride(2, 3).padding(2, 2))));
        cases.add(Arguments.of(new PoolCase("k4x2", 1, 2, 16, 35, PoolParams.of(4, 2).stride(1, 1).padding(2, 1))));
        return cases.stream();
    }

    /**
     * Max-pool backward against the direct loops on data built to break the band argmax: few distinct
     * integers (ties everywhere, across rows and columns), signed zeros, runs of -inf and +inf (whole windows
     * of one infinity), and NaNs, sparse and dense.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("maxBackwardBandCases")
    void maxBackwardBandArgmaxBitForBit(PoolCase c) {
        Random r = new Random(c.name().hashCode());
        int size = c.n * c.c * c.h * c.w;
        for (int kind = 0; kind < 6; kind++) {
            float[] a = new float[size];
            for (int i = 0; i < size; i++) {
                int k = r.nextInt(100);
                a[i] = switch (kind) {
                    case 0 -> r.nextInt(3); // dense ties
                    case 1 -> k < 50 ? Float.NEGATIVE_INFINITY : r.nextInt(2) - 1f; // -inf windows, -0 vs 0
                    case 2 -> k < 30 ? Float.POSITIVE_INFINITY : r.nextInt(4);
                    case 3 -> k < 3 ? Float.NaN : r.nextInt(5) - 2f;
                    case 4 -> k < 40 ? Float.NaN : (k < 70 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY);
                    default -> k < 50 ? -0f : 0f; // signed zeros only: the first zero must win
                };
            }
            Tensor x = Tensor.of(a, c.n, c.c, c.h, c.w);
            Tensor yRef = REF.maxPool2d(x, c.p);
            Tensor dy = Tensor.of(random(r, yRef.size()), yRef.shape());
            for (int threads : new int[] {1, 2}) {
                Conv4j.setThreads(threads);
                Pooling.grainOps = threads > 1 ? 1 : Pooling.DEFAULT_GRAIN_OPS;
                assertArrayEquals(REF.maxPool2dBackward(dy, x, c.p).toArray(),
                        FAST.maxPool2dBackward(dy, x, c.p).toArray(), c + " data kind " + kind + " threads " + threads);
            }
        }
    }

    @Test
    void gemmAllOperandLayoutsAgainstTripleLoop() {
        Random r = new Random(3);
        Gemm.Workspace ws = new Gemm.Workspace();
        int[][] sizes = {{1, 1, 1}, {3, 5, 7}, {17, 300, 33}, {70, 260, 65}, {5, 9, 129}, {300, 8, 4}};
        for (int[] s : sizes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    for (boolean acc : new boolean[] {false, true}) {
                        float[] a = random(r, m * k + 3);
                        float[] b = random(r, k * n + 5);
                        int ldc = n + 2;
                        float[] c = random(r, m * ldc + 1);
                        float[] expected = c.clone();
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double sum = acc ? c[1 + i * ldc + j] : 0;
                                for (int q = 0; q < k; q++) {
                                    float av = transA ? a[3 + q * m + i] : a[3 + i * k + q];
                                    float bv = transB ? b[5 + j * k + q] : b[5 + q * n + j];
                                    sum += (double) av * bv;
                                }
                                expected[1 + i * ldc + j] = (float) sum;
                            }
                        }
                        Gemm.gemm(m, n, k, a, 3, transA ? 1 : k, transA ? m : 1, b, 5, transB ? k : n, transB, c, 1,
                                ldc, acc, ws);
                        assertClose("gemm " + m + "x" + n + "x" + k + " tA=" + transA + " tB=" + transB + " acc=" + acc,
                                expected, c, k);
                    }
                }
            }
        }
    }
}
