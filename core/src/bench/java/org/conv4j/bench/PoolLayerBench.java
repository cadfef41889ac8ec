package org.conv4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.Conv4j;
import org.conv4j.IntTensor;
import org.conv4j.MaxPoolResult;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.conv4j.bench.onednn.Layout;
import org.conv4j.bench.onednn.OneDnn;
import org.conv4j.bench.onednn.PoolPeer;

/**
 * The pooling layers of {@link PoolLayers} at N=1 and N=8 (p1-p3 at their own batch), conv4j's cpu backend
 * against oneDNN in one JVM: forward, backward (max: conv4j searches the windows again from {@code x}, oneDNN
 * reads its workspace), and for max pooling the index variants (conv4j {@code maxPool2dWithIndices} against
 * oneDNN's {@code forward_training} with workspace; the gradient from indices against oneDNN's backward with
 * workspace). oneDNN runs NCHW in and out through its blocked layout (reorders timed) and in its blocked layout
 * alone. Each cell: median of single calls after a warm-up (results closed, heap inputs as a user passes them).
 * GB/s counts the tensors an operation must read and write once, against the copy bandwidth measured here
 * (System.arraycopy of 256 MiB by the same number of threads, read + write).
 *
 * <p>Run: {@code mvn -o -Pbench test-compile exec:exec@pool-layers} (properties {@code pool.threads} (2),
 * {@code pool.layers} (all, or comma-separated ids), {@code pool.batches} (1,8), {@code pool.ms} (300 per cell),
 * {@code pool.out} (target/pool-layers.md)).
 */
public final class PoolLayerBench {
    private PoolLayerBench() {
    }

    private static long msBudget;

    /** Median nanoseconds of one call, after a warm-up. */
    private static double time(Runnable r) {
        long warm = System.nanoTime() + msBudget * 1_000_000L / 3;
        int w = 0;
        while (w < 2 || System.nanoTime() < warm) {
            r.run();
            w++;
        }
        List<Long> t = new ArrayList<>();
        long end = System.nanoTime() + msBudget * 1_000_000L;
        while (t.size() < 5 || (System.nanoTime() < end && t.size() < 2000)) {
            long s = System.nanoTime();
            r.run();
            t.add(System.nanoTime() - s);
        }
        t.sort(null);
        return t.get(t.size() / 2);
    }

    /** Copy bandwidth in GB/s (bytes read + written) with {@code threads} threads, best of five. */
    private static double copyBandwidth(int threads) throws InterruptedException {
        int per = (256 << 20) / 4 / threads;
        float[][] src = new float[threads][per];
        float[][] dst = new float[threads][per];
        double best = 0;
        for (int rep = 0; rep < 5; rep++) {
            Thread[] th = new Thread[threads];
            long s = System.nanoTime();
            for (int i = 0; i < threads; i++) {
                int k = i;
                th[i] = new Thread(() -> System.arraycopy(src[k], 0, dst[k], 0, per));
                th[i].start();
            }
            for (Thread x : th) {
                x.join();
            }
            double sec = (System.nanoTime() - s) / 1e9;
            best = Math.max(best, 2.0 * 4 * per * threads / sec / 1e9);
        }
        return best;
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /** One timed cell: conv4j, oneDNN NCHW, oneDNN blocked (nanoseconds), bytes, agreement. */
    private record Cell(String op, double conv4j, double nchw, double blocked, double bytes, double diff) {
    }

    private static double onednn(boolean backward, boolean training, Layout layout, PoolLayers.Layer l, float[] x,
            float[] dy, float[] expect, double[] diff) {
        try (PoolPeer peer = new PoolPeer(backward, l.max(), training, l.includePad(), layout, l.n(), l.c(), l.h(),
                l.h(), l.k(), l.stride(), l.pad(), x, dy)) {
            double t = time(peer::run);
            if (expect != null) {
                diff[0] = Math.max(diff[0], maxDiff(expect, peer.result()));
            }
            return t;
        }
    }

    private static List<Cell> measure(Backend cpu, PoolLayers.Layer l) {
        Random r = new Random(l.label().hashCode());
        int[] xs = {l.n(), l.c(), l.h(), l.h()};
        int ho = l.hOut();
        int xn = l.n() * l.c() * l.h() * l.h();
        int yn = l.n() * l.c() * ho * ho;
        float[] x = random(r, xn);
        float[] dy = random(r, yn);
        Tensor xt = Tensor.of(x, xs);
        Tensor dyt = Tensor.of(dy, l.n(), l.c(), ho, ho);
        PoolParams p = l.params();
        List<Cell> cells = new ArrayList<>();
        double[] diff = {0};
        float[] y;
        float[] dx;
        double fwd;
        double bwd;
        if (l.max()) {
            try (Tensor t = cpu.maxPool2d(xt, p); Tensor d = cpu.maxPool2dBackward(dyt, xt, p)) {
                y = t.toArray();
                dx = d.toArray();
            }
            fwd = time(() -> cpu.maxPool2d(xt, p).close());
            bwd = time(() -> cpu.maxPool2dBackward(dyt, xt, p).close());
        } else {
            try (Tensor t = cpu.avgPool2d(xt, p); Tensor d = cpu.avgPool2dBackward(dyt, xs, p)) {
                y = t.toArray();
                dx = d.toArray();
            }
            fwd = time(() -> cpu.avgPool2d(xt, p).close());
            bwd = time(() -> cpu.avgPool2dBackward(dyt, xs, p).close());
        }
        double nf = onednn(false, false, Layout.NCHW, l, x, dy, y, diff);
        double bf = onednn(false, false, Layout.BLOCKED, l, x, dy, null, diff);
        cells.add(new Cell("forward", fwd, nf, bf, 4.0 * (xn + yn), diff[0]));
        diff[0] = 0;
        double nb = onednn(true, false, Layout.NCHW, l, x, dy, dx, diff);
        double bb = onednn(true, false, Layout.BLOCKED, l, x, dy, null, diff);
        cells.add(new Cell("backward", bwd, nb, bb, 4.0 * (yn + xn + (l.max() ? xn : 0)), diff[0]));
        if (l.max()) {
            IntTensor idx;
            try (MaxPoolResult res = cpu.maxPool2dWithIndices(xt, p)) {
                idx = res.indices();
            }
            double fi = time(() -> cpu.maxPool2dWithIndices(xt, p).close());
            double bi = time(() -> cpu.maxPool2dBackward(dyt, idx, xs).close());
            double nfi = onednn(false, true, Layout.NCHW, l, x, dy, null, diff);
            double bfi = onednn(false, true, Layout.BLOCKED, l, x, dy, null, diff);
            cells.add(new Cell("fwd+indices", fi, nfi, bfi, 4.0 * (xn + 2.0 * yn), 0));
            cells.add(new Cell("bwd(indices)", bi, nb, bb, 4.0 * (2.0 * yn + xn), 0));
        }
        return cells;
    }

    private static String us(double ns) {
        return ns >= 1e6 ? String.format(Locale.ROOT, "%.2f ms", ns / 1e6) : String.format(Locale.ROOT, "%.1f µs", ns / 1e3);
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int threads = Integer.parseInt(Shapes.prop("pool.threads", "2"));
        msBudget = Long.parseLong(Shapes.prop("pool.ms", "300"));
        Conv4j.setThreads(threads);
        Backend cpu = Backends.cpu();
        OneDnn.init(threads);
        String only = Shapes.prop("pool.layers", "all");
        int[] batches = Arrays.stream(Shapes.prop("pool.batches", "1,8").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        List<PoolLayers.Layer> layers = new ArrayList<>();
        for (PoolLayers.Layer l : PoolLayers.networkLayers()) {
            for (int b : batches) {
                layers.add(l.batch(b));
            }
        }
        layers.addAll(PoolLayers.benchShapes());
        if (!"all".equals(only)) {
            List<String> ids = Arrays.asList(only.split(","));
            layers.removeIf(l -> !ids.contains(l.id()));
        }
        double copy = copyBandwidth(threads);
        StringBuilder md = new StringBuilder();
        md.append("Copy bandwidth (System.arraycopy, ").append(threads).append(" threads, read + write): ")
                .append(String.format(Locale.ROOT, "%.1f GB/s", copy)).append("; conv4j ").append(cpu)
                .append(" on ").append(Conv4j.threads()).append(" threads; oneDNN ").append(OneDnn.describe())
                .append(", blocked layout ").append(PoolPeer.blockedLayoutName()).append("\n\n");
        md.append("| layer | op | conv4j cpu | GB/s (% of copy) | oneDNN NCHW+reorders | ratio | oneDNN blocked | ratio "
                + "| max abs diff |\n|---|---|---|---|---|---|---|---|---|\n");
        double worstNchw = Double.MAX_VALUE;
        double worstBlocked = Double.MAX_VALUE;
        String worstNchwCell = "";
        String worstBlockedCell = "";
        for (PoolLayers.Layer l : layers) {
            for (Cell c : measure(cpu, l)) {
                double gbs = c.bytes() / c.conv4j();
                double rn = c.nchw() / c.conv4j();
                double rb = c.blocked() / c.conv4j();
                String row = String.format(Locale.ROOT, "| %s | %s | %s | %.1f (%.0f%%) | %s | %.2f | %s | %.2f | %s |",
                        l.label(), c.op(), us(c.conv4j()), gbs, 100 * gbs / copy, us(c.nchw()), rn, us(c.blocked()), rb,
                        c.op().contains("indices") ? "" : String.format(Locale.ROOT, "%.1e", c.diff()));
                System.out.println(row);
                md.append(row).append('\n');
                if (rn < worstNchw) {
                    worstNchw = rn;
                    worstNchwCell = l.label() + " " + c.op();
                }
                if (rb < worstBlocked) {
                    worstBlocked = rb;
                    worstBlockedCell = l.label() + " " + c.op();
                }
            }
        }
        md.append(String.format(Locale.ROOT, "%nWorst cell against oneDNN NCHW+reorders: %.2f (%s); against blocked: "
                + "%.2f (%s)%n", worstNchw, worstNchwCell, worstBlocked, worstBlockedCell));
        System.out.println(md.substring(md.lastIndexOf("Worst")));
        Path out = Path.of(Shapes.prop("pool.out", "target/pool-layers.md"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md.toString());
        System.out.println("written to " + out);
    }
}
