package org.conv4j.bench;

import java.util.concurrent.TimeUnit;
import org.conv4j.bench.onednn.Layout;
import org.conv4j.bench.onednn.OneDnn;
import org.conv4j.bench.onednn.PoolPeer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * oneDNN's pooling on the same shapes and inputs as {@link PoolBench} (same seeds): {@code layout=nchw} takes
 * NCHW through its blocked layout and back (reorders timed), {@code layout=blocked} runs in the blocked layout
 * alone. Verified once against the java backend at set-up ({@code -Dbench.verify=false} skips that).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OneDnnPoolBench {
    @Param({"p1", "p2", "p3"})
    public String shape;

    @Param({"nchw", "blocked"})
    public String layout;

    private PoolPeer peer;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        OneDnn.init(Integer.getInteger("conv4j.threads", 2));
        boolean backward = params.getBenchmark().endsWith(".backward");
        Shapes.Pool s = Shapes.POOL.get(shape);
        peer = OneDnnCases.pool(s, backward, Layout.parse(layout));
        if (OneDnnCases.verifyAtSetUp()) {
            OneDnnCases.verify(s, backward, peer, null);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        peer.close();
    }

    @Benchmark
    public void forward() {
        peer.run();
    }

    @Benchmark
    public void backward() {
        peer.run();
    }
}
