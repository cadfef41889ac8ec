package org.conv4j.demo;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.conv4j.Backend;
import org.conv4j.Conv4j;
import org.conv4j.ConvParams;
import org.conv4j.Tensor;

/**
 * Section 8 of the demo: the wall time of one forward convolution per backend (median of several runs after
 * a warm-up). A rough look only; the real measurements are the JMH benchmarks.
 */
final class ConvTiming {
    private final PrintStream out;
    private final List<Backend> backends;
    private final boolean quick;

    ConvTiming(PrintStream out, List<Backend> backends, boolean quick) {
        this.out = out;
        this.backends = backends;
        this.quick = quick;
    }

    /** One timed shape: x [n, c, h, w], w [k, c, r, s], padding p. */
    private record Shape(String name, int n, int c, int h, int w, int k, int r, int s, int p) {
        double flops() {
            int ho = h + 2 * p - r + 1;
            int wo = w + 2 * p - s + 1;
            return 2.0 * n * k * ho * wo * c * r * s;
        }
    }

    void run() {
        out.println();
        out.println("== 8. Timing one forward convolution " + "=".repeat(41));
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        out.printf("threads %d, %d processors, load average %.2f (noisy when other work runs); JMH: docs/benchmarks.md%n",
                Conv4j.threads(), Runtime.getRuntime().availableProcessors(), load);
        List<Shape> shapes = List.of(
                new Shape("textbook 1x1x6x8, kernel 1x2", 1, 1, 6, 8, 1, 1, 2, 0),
                quick ? new Shape("ResNet 3x3: 1x64x56x56 -> 64, pad 1", 1, 64, 56, 56, 64, 3, 3, 1)
                      : new Shape("ResNet 3x3: 8x64x56x56 -> 64, pad 1", 8, 64, 56, 56, 64, 3, 3, 1));
        out.println("wall time of one call from heap tensors, including copies to and from the backend's memory:");
        out.printf("  %-5s  %-38s %12s %10s  %s%n", "", "x -> y", "median", "GFLOP/s", "runs");
        for (Shape sh : shapes) {
            Random rnd = new Random(3);
            Tensor x = Tensor.of(random(rnd, sh.n * sh.c * sh.h * sh.w), sh.n, sh.c, sh.h, sh.w);
            Tensor w = Tensor.of(random(rnd, sh.k * sh.c * sh.r * sh.s), sh.k, sh.c, sh.r, sh.s);
            ConvParams p = ConvParams.defaults().padding(sh.p, sh.p);
            for (Backend b : backends) {
                double[] times = time(b, x, w, p, sh.flops());
                double median = median(times);
                out.printf("  %-5s  %-38s %12s %10.2f  %d%n", b.name(), sh.name, duration(median),
                        sh.flops() / median / 1e9, times.length);
            }
        }
    }

    /**
     * Seconds per run: one warm-up, then at least 3 runs and until about 0.5 s (0.3 s quick) or 10000 runs. The
     * median of a few runs is as good a rough look as the median of many (the ResNet layer takes 0.1 to 0.2 s a
     * call), and keeps the whole demo at a few seconds.
     */
    private double[] time(Backend b, Tensor x, Tensor w, ConvParams p, double flops) {
        b.conv2d(x, w, null, p).close();
        double budget = quick ? 0.3 : 0.5;
        double[] t = new double[10000];
        int n = 0;
        double spent = 0;
        while (n < t.length && (n < 3 || spent < budget)) {
            long t0 = System.nanoTime();
            try (Tensor y = b.conv2d(x, w, null, p)) {
                y.toArray(); // include bringing the result back, as a user would
            }
            t[n] = (System.nanoTime() - t0) / 1e9;
            spent += t[n++];
        }
        return Arrays.copyOf(t, n);
    }

    private static double median(double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String duration(double seconds) {
        if (seconds >= 1) {
            return String.format("%.2f s", seconds);
        }
        if (seconds >= 1e-3) {
            return String.format("%.2f ms", seconds * 1e3);
        }
        return String.format("%.2f us", seconds * 1e6);
    }

    private static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextFloat() * 2 - 1;
        }
        return v;
    }
}
