package org.conv4j.bench;

import java.util.concurrent.TimeUnit;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.Tensor;
import org.conv4j.bench.onednn.Agreement;
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
        ConvPeer.Op op = switch (method) {
            case "forward" -> ConvPeer.Op.FORWARD;
            case "backwardData" -> ConvPeer.Op.BACKWARD_DATA;
            case "backwardWeights" -> ConvPeer.Op.BACKWARD_WEIGHTS;
            default -> throw new IllegalStateException("no oneDNN operation for benchmark " + method);
        };
        Shapes.Conv s = Shapes.CONV.get(shape);
        // Same seeds as ConvBench: identical inputs for every contender.
        float[] x = Shapes.random(1, s.n() * s.cIn() * s.h() * s.w());
        float[] w = Shapes.random(2, s.cOut() * s.cIn() * s.kh() * s.kw());
        float[] bias = Shapes.random(3, s.cOut());
        float[] dy = Shapes.random(4, s.n() * s.cOut() * s.hOut() * s.wOut());
        peer = new ConvPeer(op, Layout.parse(layout), s.n(), s.cIn(), s.h(), s.w(), s.cOut(), s.kh(), s.kw(),
                s.stride(), s.pad(), x, w, bias, dy);
        if (Boolean.parseBoolean(System.getProperty("bench.verify", "true"))) {
            peer.run();
            verify(op, s, x, w, bias, dy, peer.result());
        }
    }

    private void verify(ConvPeer.Op op, Shapes.Conv s, float[] x, float[] w, float[] bias, float[] dy, float[] got) {
        Backend java = Backends.java();
        int[] xShape = {s.n(), s.cIn(), s.h(), s.w()};
        int[] wShape = {s.cOut(), s.cIn(), s.kh(), s.kw()};
        try (Tensor tx = Tensor.of(x, xShape); Tensor tw = Tensor.of(w, wShape); Tensor tb = Tensor.of(bias, s.cOut());
                Tensor tdy = Tensor.of(dy, s.n(), s.cOut(), s.hOut(), s.wOut())) {
            Tensor ref = switch (op) {
                case FORWARD -> java.conv2d(tx, tw, tb, s.params());
                case BACKWARD_DATA -> java.conv2dBackwardData(tdy, tw, xShape, s.params());
                case BACKWARD_WEIGHTS -> java.conv2dBackwardWeights(tdy, tx, wShape, s.params());
            };
            try (ref) {
                Agreement.check("oneDNN " + layout + " " + op + " " + shape + " (" + peer.implementation() + ")",
                        ref.toArray(), got);
            }
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
