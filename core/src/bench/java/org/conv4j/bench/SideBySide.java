package org.conv4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conv4j.Backends;
import org.conv4j.Conv4j;
import org.conv4j.bench.onednn.ConvPeer;
import org.conv4j.bench.onednn.Layout;
import org.conv4j.bench.onednn.NativeThreads;
import org.conv4j.bench.onednn.OneDnn;
import org.conv4j.bench.onednn.PoolPeer;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * conv4j's {@code cpu} and {@code java} backends against oneDNN 3.11 (NCHW in and out with its reorders, and its
 * own blocked layout) on s1-s8 and p1-p3, with JMH, then one table per direction with GFLOP/s and the ratio
 * oneDNN time / conv4j time (above 1.0: conv4j is faster). Run:
 * <pre>mvn -o -Pbench test-compile exec:exec@side-by-side</pre>
 * System properties (through Maven: {@code -Dside.shapes=s4,p2} etc.):
 * <ul>
 * <li>{@code side.shapes}: {@code all} (default: s1-s8 and p1-p3), {@code suite} (the network layers of
 * {@link NetworkLayers} plus s1-s8, reported by {@link SuiteReport} with % of peak, geomean and worst cell), or a
 * comma-separated list of ids</li>
 * <li>{@code side.backends} conv4j contenders (default {@code cpu,java}, {@code cpu} for the suite; one that cannot
 * load here is reported and left out)</li>
 * <li>{@code side.layouts} oneDNN contenders (default {@code nchw,blocked}, {@code nchw} for the suite)</li>
 * <li>{@code side.threads} (default 2): conv4j's {@code Conv4j.setThreads} and oneDNN's OpenMP threads</li>
 * <li>{@code side.wi}, {@code side.w}, {@code side.i}, {@code side.r}: warm-up iterations, warm-up ms,
 * measurement iterations, measurement ms (default 2, 1000, 4, 750)</li>
 * <li>{@code side.f} forks (default 0: every contender runs in this one JVM, the comparison the issue asks for;
 * 1 gives each benchmark a fresh JVM)</li>
 * <li>{@code side.out} (default {@code target/side-by-side.md}): where the table is also written</li>
 * <li>{@code side.lockWaitMinutes} (default 20): how long to wait while another JMH run holds /tmp/jmh.lock</li>
 * </ul>
 * Each shape runs its contenders back to back, so machine noise hits them alike.
 */
public final class SideBySide {
    private static final String[] CONV_OPS = {"forward", "backwardData", "backwardWeights"};
    private static final String[] POOL_OPS = {"forward", "backward"};
    private static final String NCHW = "oneDNN-nchw";
    private static final String BLOCKED = "oneDNN-blocked";

    private SideBySide() {
    }

    public static void main(String[] args) throws RunnerException, IOException, InterruptedException {
        int threads = Integer.parseInt(Shapes.prop("side.threads", "2"));
        Conv4j.setThreads(threads);
        System.setProperty("conv4j.threads", Integer.toString(threads));
        // The backends load before oneDNN: the cpu backend must choose OpenBLAS's kernels (OPENBLAS_CORETYPE)
        // before anything in this JVM loads OpenBLAS, or OpenBLAS keeps its own (on Zen 5: Haswell) choice.
        List<String> backends = new ArrayList<>();
        StringBuilder notes = new StringBuilder();
        String shapes = Shapes.prop("side.shapes", "all");
        boolean suite = shapes.equals("suite");
        String[] layouts = Shapes.prop("side.layouts", suite ? "nchw" : "nchw,blocked").split(",");
        for (String b : Shapes.prop("side.backends", suite ? "cpu" : "cpu,java").split(",")) {
            String reason = Backends.unavailableReason(b.trim());
            if (reason == null) {
                backends.add(b.trim());
            } else {
                notes.append("- backend `").append(b.trim()).append("` left out: ").append(reason).append('\n');
            }
        }
        // before oneDNN's OpenMP threads exist, so the peak measures the FMA units alone
        double peak = Peak.sgemmGflops(threads);
        OneDnn.init(threads);
        String load0 = loadAverage();
        List<String> conv = new ArrayList<>();
        List<String> pool = new ArrayList<>();
        List<String> ids = shapes.equals("all") ? Shapes.all() : suite ? suiteIds() : Arrays.asList(shapes.split(","));
        for (String s : ids) {
            s = s.trim();
            if (Shapes.CONV.containsKey(s)) {
                conv.add(s);
            } else if (Shapes.POOL.containsKey(s)) {
                pool.add(s);
            } else {
                throw new IllegalArgumentException("side.shapes: unknown shape " + s + "; known: " + Shapes.all());
            }
        }
        // Verify every oneDNN peer once against the java backend (and note its implementation) before timing,
        // so the JMH set-ups need not.
        String checks = verifyPeers(conv, pool, layouts, backends);
        System.setProperty("bench.verify", "false");
        Map<String, RunResult> results = new HashMap<>();
        long t0 = System.nanoTime();
        for (String s : conv) {
            if (!backends.isEmpty()) {
                collect(results, run(base(threads).include(ConvBench.class.getName() + "\\.")
                        .param("shape", s).param("backend", backends.toArray(new String[0]))), "backend", "");
            }
            collect(results, run(base(threads).include(OneDnnConvBench.class.getName() + "\\.")
                    .param("shape", s).param("layout", layouts)), "layout", "oneDNN-");
            if (s.equals("s1") && !suite) {
                for (RunResult r : run(base(threads).include(AutoLatencyBench.class.getName() + "\\."))) {
                    results.put("s1/forward/auto", r);
                }
            }
        }
        for (String s : pool) {
            if (!backends.isEmpty()) {
                collect(results, run(base(threads).include(PoolBench.class.getName() + "\\.")
                        .param("shape", s).param("backend", backends.toArray(new String[0]))), "backend", "");
            }
            collect(results, run(base(threads).include(OneDnnPoolBench.class.getName() + "\\.")
                    .param("shape", s).param("layout", "nchw", "blocked")), "layout", "oneDNN-");
        }
        double minutes = (System.nanoTime() - t0) / 60e9;
        String head = header(threads, load0, minutes, notes) + "Peak: " + Peak.describe(threads, peak) + "\n"
                + (backends.contains("cpu") ? "conv4j cpu backend ISA: " + org.conv4j.cpu.CpuBackend.isa() + "\n" : "");
        String table = suite ? head + SuiteReport.tables(results, conv, peak) + checks
                : head + convTables(results, conv, backends) + poolTable(results, pool, backends) + checks;
        System.out.println(table);
        Path out = Path.of(Shapes.prop("side.out", "target/side-by-side.md"));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, table);
        System.out.println("(also written to " + out.toAbsolutePath() + ")");
    }

    /** The suite's ids: every sampled network layer, then s1-s8. */
    private static List<String> suiteIds() {
        List<String> ids = new ArrayList<>();
        for (Shapes.Conv c : NetworkLayers.suite()) {
            ids.add(c.id());
        }
        ids.addAll(Shapes.benchConv());
        return ids;
    }

    /**
     * Builds each oneDNN peer, checks it and the conv4j contenders' results against the java backend, and lists
     * oneDNN's implementation.
     */
    private static String verifyPeers(List<String> conv, List<String> pool, String[] layouts, List<String> backends) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n### oneDNN peers: implementation, reorders "
                + "per call, agreement with the java backend (max |diff| / max(1, max |java|), must be <= %.0e)%n%n"
                + "| id | op | NCHW+reorders: implementation | reorders | rel. diff | blocked: implementation | rel. diff | "
                + "conv4j contenders' rel. diff (convolutions) |%n"
                + "|---|---|---|---|---|---|---|---|%n", org.conv4j.bench.onednn.Agreement.TOLERANCE));
        for (String id : conv) {
            Shapes.Conv s = Shapes.CONV.get(id);
            for (String method : CONV_OPS) {
                ConvPeer.Op op = OneDnnCases.convOp(method);
                float[] ref = OneDnnCases.reference(s, op);
                sb.append("| ").append(id).append(" | ").append(method);
                for (String lname : layouts) {
                    Layout layout = Layout.parse(lname);
                    try (ConvPeer peer = OneDnnCases.conv(s, op, layout)) {
                        double rel = OneDnnCases.verify(s, op, peer, ref);
                        sb.append(" | ").append(peer.implementation());
                        if (layout == Layout.NCHW) {
                            sb.append(" | ").append(peer.reordersPerCall());
                        }
                        sb.append(String.format(Locale.ROOT, " | %.1e", rel));
                    }
                }
                for (String b : backends) {
                    if (!b.equals("java")) {
                        sb.append(String.format(Locale.ROOT, " | %s %.1e", b, OneDnnCases.verifyBackend(b, s, op, ref)));
                    }
                }
                sb.append(" |\n");
            }
        }
        for (String id : pool) {
            Shapes.Pool s = Shapes.POOL.get(id);
            for (String method : POOL_OPS) {
                boolean backward = method.equals("backward");
                float[] ref = OneDnnCases.reference(s, backward);
                sb.append("| ").append(id).append(" | ").append(method);
                for (Layout layout : Layout.values()) {
                    try (PoolPeer peer = OneDnnCases.pool(s, backward, layout)) {
                        double rel = OneDnnCases.verify(s, backward, peer, ref);
                        sb.append(" | ").append(peer.implementation());
                        if (layout == Layout.NCHW) {
                            sb.append(" | ").append(peer.reordersPerCall());
                        }
                        sb.append(String.format(Locale.ROOT, " | %.1e", rel));
                    }
                }
                sb.append(" |\n");
            }
        }
        return sb.toString();
    }

    private static ChainedOptionsBuilder base(int threads) {
        return new OptionsBuilder()
                .warmupIterations(Integer.parseInt(Shapes.prop("side.wi", "2")))
                .warmupTime(TimeValue.milliseconds(Long.parseLong(Shapes.prop("side.w", "1000"))))
                .measurementIterations(Integer.parseInt(Shapes.prop("side.i", "4")))
                .measurementTime(TimeValue.milliseconds(Long.parseLong(Shapes.prop("side.r", "750"))))
                .forks(Integer.parseInt(Shapes.prop("side.f", "0")))
                .threads(1)
                .jvmArgsAppend("-Dconv4j.threads=" + threads, "-Dbench.verify=false")
                .shouldFailOnError(true);
    }

    /**
     * Runs JMH; while another JMH process on this machine holds /tmp/jmh.lock (other benchmarks would skew
     * ours), waits for it, up to {@code side.lockWaitMinutes} (default 20), instead of failing.
     */
    private static java.util.Collection<RunResult> run(ChainedOptionsBuilder o) throws RunnerException {
        long deadline = System.nanoTime() + (long) (Double.parseDouble(Shapes.prop("side.lockWaitMinutes", "20")) * 60e9);
        while (true) {
            try {
                return new Runner(o.build()).run();
            } catch (RunnerException e) {
                if (String.valueOf(e.getMessage()).contains("JMH lock") && System.nanoTime() < deadline) {
                    System.out.println("# another JMH run holds /tmp/jmh.lock; waiting 10 s (" + loadAverage() + ")");
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                } else {
                    throw e;
                }
            }
        }
    }

    private static void collect(Map<String, RunResult> into, java.util.Collection<RunResult> rs, String param,
            String prefix) {
        for (RunResult r : rs) {
            String b = r.getParams().getBenchmark();
            String op = b.substring(b.lastIndexOf('.') + 1);
            into.put(r.getParams().getParam("shape") + "/" + op + "/" + prefix + r.getParams().getParam(param), r);
        }
    }

    private static String header(int threads, String load0, double minutes, StringBuilder notes) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%nMachine: %s, %d cores; JDK %s; load average before %s, after %s; "
                        + "run took %.1f min%n", cpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), load0, loadAverage(), minutes));
        sb.append(String.format(Locale.ROOT, "JMH: %s warm-up x %s ms, %s x %s ms, forks %s (0 = all contenders in this "
                        + "one JVM), mode average time%n", Shapes.prop("side.wi", "2"), Shapes.prop("side.w", "1000"),
                Shapes.prop("side.i", "4"), Shapes.prop("side.r", "750"), Shapes.prop("side.f", "0")));
        sb.append("Threads: conv4j ").append(Conv4j.threads()).append(" (asked ").append(threads).append("); oneDNN ")
                .append(OneDnn.describe()).append(" (pooling layout ").append(PoolPeer.blockedLayoutName())
                .append(")").append("; OpenBLAS per mapped copy: ").append(NativeThreads.openblasThreads())
                .append("; cpu backend's OpenBLAS: ").append(cpuBlasThreads()).append('\n');
        sb.append(notes);
        return sb.toString();
    }

    private static String cpuBlasThreads() {
        try {
            return org.conv4j.cpu.CpuBackend.blasThreads()
                    + " (single-threaded sgemm by design: conv4j splits each operation into tasks on its own pool),"
                    + " kernels " + org.conv4j.cpu.CpuBackend.openBlasCore();
        } catch (Throwable t) {
            return "n/a (" + t + ")";
        }
    }

    private static String convTables(Map<String, RunResult> r, List<String> shapes, List<String> backends) {
        if (shapes.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        String ref = backends.contains("cpu") ? "cpu" : backends.isEmpty() ? null : backends.get(0);
        for (String op : CONV_OPS) {
            sb.append(String.format(Locale.ROOT, "%n### Convolution %s: time per call (GFLOP/s); ratio = oneDNN time / "
                    + "%s time%n%n", op, ref));
            sb.append("| id | shape |");
            for (String b : backends) {
                sb.append(' ').append(b).append(" |");
            }
            sb.append(" oneDNN NCHW+reorders | oneDNN blocked | ratio NCHW | ratio blocked | goal (ratio NCHW >= 1.0) |\n|---|---|");
            sb.append("---|".repeat(backends.size())).append("---|---|---|---|---|\n");
            for (String s : shapes) {
                Shapes.Conv c = Shapes.CONV.get(s);
                sb.append("| ").append(s).append(" | ").append(c.describe()).append(" |");
                for (String b : backends) {
                    sb.append(' ').append(cell(r.get(s + "/" + op + "/" + b), c.flops())).append(" |");
                }
                RunResult n = r.get(s + "/" + op + "/" + NCHW);
                RunResult bl = r.get(s + "/" + op + "/" + BLOCKED);
                RunResult mine = ref == null ? null : r.get(s + "/" + op + "/" + ref);
                sb.append(' ').append(cell(n, c.flops())).append(" | ").append(cell(bl, c.flops())).append(" | ")
                        .append(ratio(n, mine)).append(" | ").append(ratio(bl, mine)).append(" | ");
                if (s.equals("s1")) {
                    RunResult auto = r.get("s1/forward/auto");
                    sb.append(op.equals("forward") && auto != null
                            ? "auto: " + time(ms(auto)) + (ms(auto) <= 1e-3 ? " <= 1 µs: met" : " > 1 µs: missed by "
                            + String.format(Locale.ROOT, "%.2fx", ms(auto) / 1e-3))
                            : "(s1 goal is latency through auto)");
                } else {
                    sb.append(goal(n, mine, 1.0));
                }
                sb.append(" |\n");
            }
        }
        return sb.toString();
    }

    private static String poolTable(Map<String, RunResult> r, List<String> shapes, List<String> backends) {
        if (shapes.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        String ref = backends.contains("cpu") ? "cpu" : backends.isEmpty() ? null : backends.get(0);
        sb.append(String.format(Locale.ROOT, "%n### Pooling: time per call; ratio = oneDNN time / %s time; goals: "
                + "ratio NCHW >= 1.0 and ratio blocked >= 0.5%n%n", ref));
        sb.append("| id | op | shape |");
        for (String b : backends) {
            sb.append(' ').append(b).append(" |");
        }
        sb.append(" oneDNN NCHW+reorders | oneDNN blocked | ratio NCHW | ratio blocked | goals |\n|---|---|---|");
        sb.append("---|".repeat(backends.size())).append("---|---|---|---|---|\n");
        for (String s : shapes) {
            for (String op : POOL_OPS) {
                sb.append("| ").append(s).append(" | ").append(op).append(" | ").append(Shapes.POOL.get(s).describe())
                        .append(" |");
                for (String b : backends) {
                    sb.append(' ').append(cell(r.get(s + "/" + op + "/" + b), 0)).append(" |");
                }
                RunResult n = r.get(s + "/" + op + "/" + NCHW);
                RunResult bl = r.get(s + "/" + op + "/" + BLOCKED);
                RunResult mine = ref == null ? null : r.get(s + "/" + op + "/" + ref);
                sb.append(' ').append(cell(n, 0)).append(" | ").append(cell(bl, 0)).append(" | ").append(ratio(n, mine))
                        .append(" | ").append(ratio(bl, mine)).append(" | ").append(goal(n, mine, 1.0)).append("; ")
                        .append(goal(bl, mine, 0.5)).append(" |\n");
            }
        }
        return sb.toString();
    }

    private static double ms(RunResult r) {
        return r.getPrimaryResult().getScore();
    }

    private static String time(double ms) {
        return ms < 0.1 ? String.format(Locale.ROOT, "%.2f µs", ms * 1e3) : String.format(Locale.ROOT, "%.3f ms", ms);
    }

    private static String cell(RunResult r, double flops) {
        if (r == null) {
            return "-";
        }
        String t = time(ms(r));
        return flops > 0 ? t + String.format(Locale.ROOT, " (%.1f)", flops / (ms(r) * 1e6)) : t;
    }

    private static String ratio(RunResult peer, RunResult mine) {
        return peer == null || mine == null ? "-" : String.format(Locale.ROOT, "%.2f", ms(peer) / ms(mine));
    }

    /** "met" when oneDNN time / conv4j time >= target, else how much slower conv4j is than the target allows. */
    private static String goal(RunResult peer, RunResult mine, double target) {
        if (peer == null || mine == null) {
            return "-";
        }
        double ratio = ms(peer) / ms(mine);
        return ratio >= target ? String.format(Locale.ROOT, ">= %.1f met", target)
                : String.format(Locale.ROOT, ">= %.1f missed: %.0f%% slower than allowed", target,
                        (target / ratio - 1) * 100);
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return System.getProperty("os.arch");
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
