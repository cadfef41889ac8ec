package org.conv4j.bench;

import java.util.Locale;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.Conv4j;
import org.conv4j.Tensor;
import org.conv4j.bench.onednn.ConvPeer;
import org.conv4j.bench.onednn.Layout;
import org.conv4j.bench.onednn.OneDnn;
import org.conv4j.bench.onednn.Peer;

/**
 * Repeats one contender's operation on one shape for a while, for a profiler ({@code perf record -g -p PID},
 * callgrind) to look at; not a benchmark. Arguments: contender ({@code cpu}, {@code java}, {@code onednn-nchw},
 * {@code onednn-blocked}), shape id, operation ({@code forward}, {@code backwardData}, {@code backwardWeights},
 * {@code backward} for pooling), seconds. Prints the mean time per call. Threads from {@code conv4j.threads} (default 2).
 */
public final class ProfileLoop {
    private ProfileLoop() {
    }

    public static void main(String[] a) {
        if (a.length != 4) {
            throw new IllegalArgumentException("usage: ProfileLoop contender shape op seconds");
        }
        String who = a[0];
        String id = a[1];
        String op = a[2];
        double seconds = Double.parseDouble(a[3]);
        int threads = Integer.getInteger("conv4j.threads", 2);
        Conv4j.setThreads(threads);
        Runnable call;
        Shapes.Conv c = Shapes.CONV.get(id);
        Shapes.Pool p = Shapes.POOL.get(id);
        if (who.startsWith("onednn-")) {
            OneDnn.init(threads);
            Layout layout = Layout.parse(who.substring("onednn-".length()));
            Peer peer = c != null ? OneDnnCases.conv(c, OneDnnCases.convOp(op), layout)
                    : OneDnnCases.pool(p, op.equals("backward"), layout);
            call = peer::run;
        } else {
            Backend b = Backends.get(who);
            if (c != null) {
                int[] xs = c.xShape();
                int[] ws = c.wShape();
                Tensor x = Tensor.of(Shapes.random(1, c.xSize()), xs);
                Tensor w = Tensor.of(Shapes.random(2, c.wSize()), ws);
                Tensor bias = Tensor.of(Shapes.random(3, c.cOut()), c.cOut());
                Tensor dy = Tensor.of(Shapes.random(4, c.n() * c.cOut() * c.hOut() * c.wOut()), c.n(), c.cOut(),
                        c.hOut(), c.wOut());
                call = switch (OneDnnCases.convOp(op)) {
                    case FORWARD -> () -> b.conv2d(x, w, bias, c.params()).close();
                    case BACKWARD_DATA -> () -> b.conv2dBackwardData(dy, w, xs, c.params()).close();
                    case BACKWARD_WEIGHTS -> () -> b.conv2dBackwardWeights(dy, x, ws, c.params()).close();
                };
            } else {
                int[] xs = {p.n(), p.c(), p.h(), p.w()};
                Tensor x = Tensor.of(Shapes.random(5, p.n() * p.c() * p.h() * p.w()), xs);
                Tensor dy = Tensor.of(Shapes.random(6, p.n() * p.c() * p.hOut() * p.wOut()), p.n(), p.c(), p.hOut(),
                        p.wOut());
                boolean bwd = op.equals("backward");
                call = p.max()
                        ? (bwd ? () -> b.maxPool2dBackward(dy, x, p.params()).close() : () -> b.maxPool2d(x, p.params()).close())
                        : (bwd ? () -> b.avgPool2dBackward(dy, xs, p.params()).close() : () -> b.avgPool2d(x, p.params()).close());
            }
        }
        for (int i = 0; i < 3; i++) {
            call.run();
        }
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long t0 = System.nanoTime();
        long n = 0;
        while (System.nanoTime() < end) {
            call.run();
            n++;
        }
        double ms = (System.nanoTime() - t0) / 1e6 / n;
        System.out.printf(Locale.ROOT, "%s %s %s: %d calls, %.4f ms/call%n", who, id, op, n, ms);
    }
}
