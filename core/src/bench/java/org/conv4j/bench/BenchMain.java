package org.conv4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the conv4j JMH benchmarks programmatically and prints one table. Run it with
 * {@code mvn -o -Pbench test} (see docs/benchmarks.md). System properties:
 * <ul>
 * <li>{@code bench.backends} (default {@code java}): comma-separated backend names for {@link ConvBench} and {@link PoolBench}</li>
 * <li>{@code bench.shapes} (default {@code all}): e.g. {@code s4,s6,p2}</li>
 * <li>{@code bench.ops} (default {@code all}): e.g. {@code forward} or {@code forward,backward} (method names)</li>
 * <li>{@code bench.naive} (default {@code fwd}): naive 7-loop baseline for {@code fwd}, {@code all} ops or {@code none}</li>
 * <li>{@code bench.threads} (default 2): {@code conv4j.threads} of the measured JVM</li>
 * <li>{@code bench.wi}, {@code bench.w}, {@code bench.i}, {@code bench.r}, {@code bench.f}: warm-up iterations,
 * warm-up seconds, measurement iterations, measurement seconds, forks (default 3, 1, 5, 1, 1)</li>
 * </ul>
 */
public final class BenchMain {
    private BenchMain() {
    }

    /**
     * Runs the selected benchmarks (system properties above) and prints the table to standard output.
     *
     * @param args ignored
     * @throws RunnerException when JMH fails, e.g. a backend that is not available on this machine
     */
    public static void main(String[] args) throws RunnerException {
        String[] backends = Shapes.prop("bench.backends", "java").split(",");
        String shapesProp = Shapes.prop("bench.shapes", "all");
        String naive = Shapes.prop("bench.naive", "fwd");
        int threads = Integer.parseInt(Shapes.prop("bench.threads", "2"));
        String opsProp = Shapes.prop("bench.ops", "all");
        String opRegex = opsProp.equals("all") ? "\\w+$" : "(" + String.join("|", opsProp.split(",")) + ")$";
        List<String> convShapes = new ArrayList<>();
        List<String> poolShapes = new ArrayList<>();
        for (String s : shapesProp.equals("all") ? Shapes.all() : Arrays.asList(shapesProp.split(","))) {
            s = s.trim();
            if (Shapes.CONV.containsKey(s)) {
                convShapes.add(s);
            } else if (Shapes.POOL.containsKey(s)) {
                poolShapes.add(s);
            } else {
                throw new IllegalArgumentException("bench.shapes: unknown shape " + s + "; known: " + Shapes.all());
            }
        }
        List<RunResult> results = new ArrayList<>();
        if (!convShapes.isEmpty()) {
            ChainedOptionsBuilder o = base(threads).include(ConvBench.class.getName() + "\\." + opRegex)
                    .param("shape", convShapes.toArray(new String[0])).param("backend", backends);
            results.addAll(new Runner(o.build()).run());
            if (!naive.equals("none")) {
                String ops = naive.equals("all") ? "(forward|backwardData|backwardWeights)" : "forward";
                ChainedOptionsBuilder n = base(threads).include(NaiveBench.class.getName() + "\\." + ops + "$")
                        .param("shape", convShapes.toArray(new String[0]));
                results.addAll(new Runner(n.build()).run());
            }
        }
        if (!poolShapes.isEmpty()) {
            ChainedOptionsBuilder o = base(threads).include(PoolBench.class.getName() + "\\." + opRegex)
                    .param("shape", poolShapes.toArray(new String[0])).param("backend", backends);
            results.addAll(new Runner(o.build()).run());
        }
        printTable(results, threads);
    }

    private static ChainedOptionsBuilder base(int threads) {
        return new OptionsBuilder()
                .warmupIterations(Integer.parseInt(Shapes.prop("bench.wi", "3")))
                .warmupTime(TimeValue.seconds(Long.parseLong(Shapes.prop("bench.w", "1"))))
                .measurementIterations(Integer.parseInt(Shapes.prop("bench.i", "5")))
                .measurementTime(TimeValue.seconds(Long.parseLong(Shapes.prop("bench.r", "1"))))
                .forks(Integer.parseInt(Shapes.prop("bench.f", "1")))
                .threads(1)
                .jvmArgsAppend("-Dconv4j.threads=" + threads)
                .shouldFailOnError(true);
    }

    private static String op(RunResult r) {
        String b = r.getParams().getBenchmark();
        return b.substring(b.lastIndexOf('.') + 1);
    }

    private static void printTable(Collection<RunResult> results, int threads) {
        Map<String, Double> naiveMs = new HashMap<>();
        for (RunResult r : results) {
            if (r.getParams().getBenchmark().startsWith(NaiveBench.class.getName())) {
                naiveMs.put(r.getParams().getParam("shape") + "/" + op(r), r.getPrimaryResult().getScore());
            }
        }
        List<RunResult> sorted = new ArrayList<>(results);
        List<String> ops = List.of("forward", "backwardData", "backwardWeights", "backward");
        List<String> ids = Shapes.all();
        sorted.sort(java.util.Comparator
                .comparingInt((RunResult r) -> ids.indexOf(r.getParams().getParam("shape")))
                .thenComparingInt(r -> ops.indexOf(op(r)))
                .thenComparing(r -> r.getParams().getBenchmark().startsWith(NaiveBench.class.getName()) ? 1 : 0)
                .thenComparing(r -> String.valueOf(r.getParams().getParam("backend"))));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%nconv4j benchmarks: conv4j.threads=%d, %d cores, JDK %s, load %s%n", threads,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage()));
        sb.append("GFLOP/s = 2 N C_out H_out W_out (C_in/g) kH kW / time; pooling Gcell/s = N C H_out W_out kH kW / time\n\n");
        sb.append("mean = JMH average over all measurement iterations; best = fastest iteration (mean of that second),\n"
                + "the figure least disturbed by other processes on a shared machine\n\n");
        sb.append(String.format(Locale.ROOT, "| %-3s | %-15s | %-7s | %11s | %10s | %11s | %13s | %13s | %8s | %s |%n", "id", "op",
                "backend", "mean ms/op", "± (99.9%)", "best ms/op", "mean rate", "best rate", "x naive", "shape"));
        sb.append("|-----|-----------------|---------|-------------|------------|-------------|---------------|---------------|----------|-------|\n");
        for (RunResult r : sorted) {
            String shape = r.getParams().getParam("shape");
            String op = op(r);
            boolean isNaive = r.getParams().getBenchmark().startsWith(NaiveBench.class.getName());
            String backend = isNaive ? "naive" : r.getParams().getParam("backend");
            double ms = r.getPrimaryResult().getScore();
            double err = r.getPrimaryResult().getScoreError();
            double best = bestIteration(r);
            String rate;
            String bestRate;
            String ratio = "";
            String desc;
            Shapes.Conv c = Shapes.CONV.get(shape);
            if (c != null) {
                rate = String.format(Locale.ROOT, "%.1f GFLOP/s", c.flops() / (ms * 1e6));
                bestRate = String.format(Locale.ROOT, "%.1f GFLOP/s", c.flops() / (best * 1e6));
                Double n = naiveMs.get(shape + "/" + op);
                if (!isNaive && n != null) {
                    ratio = String.format(Locale.ROOT, "%.0fx", n / ms);
                }
                desc = c.describe();
            } else {
                Shapes.Pool p = Shapes.POOL.get(shape);
                double cells = (double) p.n() * p.c() * p.hOut() * p.wOut() * p.k() * p.k();
                rate = String.format(Locale.ROOT, "%.2f Gcell/s", cells / (ms * 1e6));
                bestRate = String.format(Locale.ROOT, "%.2f Gcell/s", cells / (best * 1e6));
                desc = p.describe();
            }
            sb.append(String.format(Locale.ROOT, "| %-3s | %-15s | %-7s | %11.4f | %10.4f | %11.4f | %13s | %13s | %8s | %s |%n",
                    shape, op, backend, ms, Double.isNaN(err) ? 0 : err, best, rate, bestRate, ratio, desc));
        }
        System.out.println(sb);
    }

    /** The smallest per-iteration score (ms/op) over all forks. */
    private static double bestIteration(RunResult r) {
        double best = Double.POSITIVE_INFINITY;
        for (org.openjdk.jmh.results.BenchmarkResult b : r.getBenchmarkResults()) {
            for (org.openjdk.jmh.results.IterationResult it : b.getIterationResults()) {
                best = Math.min(best, it.getPrimaryResult().getScore());
            }
        }
        return Double.isInfinite(best) ? r.getPrimaryResult().getScore() : best;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
