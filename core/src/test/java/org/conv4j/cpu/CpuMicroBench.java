package org.conv4j.cpu;

import java.util.Random;
import java.util.function.Supplier;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;

/**
 * Rough timings used to choose the cpu backend's defaults (routing threshold, heap-input policy) and
 * for the README; not a test and not a substitute for the JMH benchmarks in src/bench. Run with
 * {@code java -cp <test class path> org.conv4j.cpu.CpuMicroBench [what]}.
 */
public final class CpuMicroBench {
    private CpuMicroBench() {
    }

    /** Median nanoseconds per call over rounds of at least 50 ms, closing each result. */
    static double time(Supplier<Tensor> op) {
        for (int i = 0; i < 5; i++) {
            op.get().close();
        }
        long t0 = System.nanoTime();
        int calls = 0;
        while (System.nanoTime() - t0 < 300_000_000L || calls < 3) {
            op.get().close();
            calls++;
        }
        int perRound = Math.max(1, (int) (calls * 50_000_000L / (System.nanoTime() - t0)));
        double[] rounds = new double[9];
        for (int r = 0; r < rounds.length; r++) {
            long s = System.nanoTime();
            for (int i = 0; i < perRound; i++) {
                op.get().close();
            }
            rounds[r] = (System.nanoTime() - s) / (double) perRound;
        }
        java.util.Arrays.sort(rounds);
        return rounds[rounds.length / 2];
    }

    static Tensor rnd(Random r, int... shape) {
        return CpuTestSupport.random(r, shape);
    }

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "all";
        Random r = new Random(1);
        Backend java = Backends.java();
        Backend routed = Backends.auto();
        CpuBackend pin = CpuBackend.create(true), copy = CpuBackend.create(false);
        if (what.equals("all") || what.equals("s1")) {
            Tensor x = rnd(r, 1, 1, 6, 8), k = Tensor.of(new float[] {1, -1}, 1, 1, 1, 2);
            ConvParams p = ConvParams.defaults();
            System.out.printf("s1 conv2d: java %.2f us, cpu (routed) %.2f us, cpu native pinned %.2f us, cpu native copied %.2f us%n",
                    time(() -> java.conv2d(x, k, null, p)) / 1e3, time(() -> routed.conv2d(x, k, null, p)) / 1e3,
                    time(() -> pin.conv2d(x, k, null, p)) / 1e3, time(() -> copy.conv2d(x, k, null, p)) / 1e3);
            Tensor xn = CpuTestSupport.toNative(x), kn = CpuTestSupport.toNative(k);
            System.out.printf("s1 conv2d native inputs: %.2f us%n", time(() -> pin.conv2d(xn, kn, null, p)) / 1e3);
        }
        if (what.equals("all") || what.equals("threshold")) {
            // square images, 3x3 kernels, growing: java vs native multiply-adds crossover
            int[][] sz = {{1, 1, 4, 4, 1}, {1, 1, 8, 8, 1}, {1, 2, 8, 8, 2}, {1, 2, 12, 12, 4}, {1, 4, 12, 12, 4},
                {1, 4, 16, 16, 8}, {1, 8, 16, 16, 8}, {2, 8, 16, 16, 16}};
            for (int[] s : sz) {
                Tensor x = rnd(r, s[0], s[1], s[2], s[3]), w = rnd(r, s[4], s[1], 3, 3);
                ConvParams p = ConvParams.defaults().padding(1, 1);
                long macs = (long) s[0] * s[4] * s[2] * s[3] * s[1] * 9;
                System.out.printf("conv %6d MACs: java %8.2f us, native %8.2f us%n", macs,
                        time(() -> java.conv2d(x, w, null, p)) / 1e3, time(() -> pin.conv2d(x, w, null, p)) / 1e3);
            }
            int[][] ps = {{1, 1, 4, 4}, {1, 1, 8, 8}, {1, 2, 16, 16}, {1, 4, 16, 16}, {2, 8, 16, 16}, {4, 8, 32, 32}};
            for (int[] s : ps) {
                Tensor x = rnd(r, s);
                PoolParams p = PoolParams.of(2, 2);
                long ops = (long) s[0] * s[1] * (s[2] / 2) * (s[3] / 2) * 4;
                System.out.printf("maxpool %6d window ops: java %8.2f us, native %8.2f us%n", ops,
                        time(() -> java.maxPool2d(x, p)) / 1e3, time(() -> pin.maxPool2d(x, p)) / 1e3);
            }
        }
        if (what.equals("all") || what.equals("shapes")) {
            int[][] shapes = { // n, cin, h, w, cout, k, stride, pad
                {32, 1, 28, 28, 6, 5, 1, 2}, {32, 6, 14, 14, 16, 5, 1, 0}, {8, 64, 56, 56, 64, 3, 1, 1},
                {8, 256, 56, 56, 64, 1, 1, 0}, {8, 128, 28, 28, 128, 3, 1, 1}, {1, 3, 224, 224, 64, 7, 2, 3},
                {8, 512, 7, 7, 512, 3, 1, 1}};
            for (int i = 0; i < shapes.length; i++) {
                int[] s = shapes[i];
                Tensor x = rnd(r, s[0], s[1], s[2], s[3]), w = rnd(r, s[4], s[1], s[5], s[5]), b = rnd(r, s[4]);
                ConvParams p = ConvParams.defaults().stride(s[6], s[6]).padding(s[7], s[7]);
                int ho = (s[2] + 2 * s[7] - s[5]) / s[6] + 1;
                double flops = 2.0 * s[0] * s[4] * ho * ho * s[1] * s[5] * s[5];
                Tensor xn = CpuTestSupport.toNative(x), wn = CpuTestSupport.toNative(w), bn = CpuTestSupport.toNative(b);
                Tensor dy = rnd(r, s[0], s[4], ho, ho), dyn = CpuTestSupport.toNative(dy);
                double fPin = time(() -> pin.conv2d(x, w, b, p));
                double fCopy = time(() -> copy.conv2d(x, w, b, p));
                double fNat = time(() -> pin.conv2d(xn, wn, bn, p));
                double bd = time(() -> pin.conv2dBackwardData(dyn, wn, x.shape(), p));
                double bw = time(() -> pin.conv2dBackwardWeights(dyn, xn, w.shape(), p));
                System.out.printf("s%d fwd: heap pinned %.3f ms (%.0f GFLOP/s), heap copied %.3f ms, native %.3f ms (%.0f GFLOP/s);"
                        + " bwd data %.3f ms (%.0f), bwd weights %.3f ms (%.0f)%n", i + 2, fPin / 1e6, flops / fPin,
                        fCopy / 1e6, fNat / 1e6, flops / fNat, bd / 1e6, flops / bd, bw / 1e6, flops / bw);
            }
        }
        if (what.equals("all") || what.equals("pool")) {
            Object[][] pools = {{new int[] {32, 6, 28, 28}, PoolParams.of(2, 2), true},
                {new int[] {8, 64, 112, 112}, PoolParams.of(3, 3).stride(2, 2).padding(1, 1), true},
                {new int[] {8, 64, 56, 56}, PoolParams.of(2, 2), false}};
            for (int i = 0; i < pools.length; i++) {
                Tensor x = rnd(r, (int[]) pools[i][0]);
                PoolParams p = (PoolParams) pools[i][1];
                boolean max = (Boolean) pools[i][2];
                Tensor xn = CpuTestSupport.toNative(x);
                Tensor y = max ? pin.maxPool2d(xn, p) : pin.avgPool2d(xn, p);
                double f = time(() -> max ? pin.maxPool2d(xn, p) : pin.avgPool2d(xn, p));
                double b = time(() -> max ? pin.maxPool2dBackward(y, xn, p) : pin.avgPool2dBackward(y, x.shape(), p));
                CpuBackend.forceScalar(true);
                double fs = time(() -> max ? pin.maxPool2d(xn, p) : pin.avgPool2d(xn, p));
                double bs = time(() -> max ? pin.maxPool2dBackward(y, xn, p) : pin.avgPool2dBackward(y, x.shape(), p));
                CpuBackend.forceScalar(false);
                System.out.printf("p%d fwd %.3f ms / bwd %.3f ms (AVX2); scalar fwd %.3f ms / bwd %.3f ms%n", i + 1,
                        f / 1e6, b / 1e6, fs / 1e6, bs / 1e6);
            }
        }
    }
}
