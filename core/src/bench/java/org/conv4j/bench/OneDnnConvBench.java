package org.conv4j.bench;

import java.util.concurrent.TimeUnit;
import org.conv4j.bench.onednn.ConvPeer;
import org.conv4j.bench.onednn.Layout;
import org.conv4j.bench.onednn.OneDnn;
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
 * oneDNN's convolution on the same shapes and inputs as {@link ConvBench} (same seeds), in plain NCHW with its
 * reorders ({@code layout=nchw}) or in its own layouts ({@code layout=blocked}). Method names match
 * {@link ConvBench} so {@link SideBySide} can join the rows. At trial set-up the result is compared once with
 * the java backend's ({@code -Dbench.verify=false} skips that) and the thread count comes from
 * {@code conv4j.threads} (default 2), set in OpenMP before the primitive exists.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OneDnnConvBench {
    @Param({"s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"})
    public String shape;

    @Param({"nchw", "blocked"})
    public String layout;

    private ConvPeer peer;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        OneDnn.init(Integer.getInteger("conv4j.threads", 2));
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        ConvPeer.Op op = OneDnnCases.convOp(method);
        Shapes.Conv s = Shapes.CONV.get(shape);
        peer = OneDnnCases.conv(s, op, Layout.parse(layout));
        if (OneDnnCases.verifyAtSetUp()) {
            OneDnnCases.verify(s, op, peer, null);
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
    public void backwardData() {
        peer.run();
    }

    @Benchmark
    public void backwardWeights() {
        peer.run();
    }
}
