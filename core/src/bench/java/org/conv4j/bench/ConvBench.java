package org.conv4j.bench;

import java.util.concurrent.TimeUnit;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.Tensor;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Convolution forward / backward-data / backward-weights of one backend on one shape. The backend is a
 * parameter ({@code java}, {@code cpu}, {@code cuda}: whatever {@link Backends#get} knows), set by
 * {@link BenchMain} from {@code -Dbench.backends}. Inputs are heap tensors; results are closed after use.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ConvBench {
    /** Shape id of {@link Shapes#CONV} ({@code s1}..{@code s8} or a network layer of {@link NetworkLayers}). */
    @Param({"s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"})
    public String shape;

    /** Backend name for {@link Backends#get}; {@link BenchMain} sets it from {@code -Dbench.backends}. */
    @Param({"java"})
    public String backend;

    private Backend b;
    private Tensor x;
    private Tensor w;
    private Tensor bias;
    private Tensor dy;
    private int[] xShape;
    private int[] wShape;
    private ConvParams p;

    /** Builds the inputs once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        Shapes.Conv s = Shapes.CONV.get(shape);
        b = Backends.get(backend);
        p = s.params();
        xShape = s.xShape();
        wShape = s.wShape();
        x = Tensor.of(Shapes.random(1, s.xSize()), xShape);
        w = Tensor.of(Shapes.random(2, s.wSize()), wShape);
        bias = Tensor.of(Shapes.random(3, s.cOut()), s.cOut());
        dy = Tensor.of(Shapes.random(4, s.ySize()), s.yShape());
    }

    /** Releases the inputs. */
    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        w.close();
        bias.close();
        dy.close();
    }

    /** One forward call. */
    @Benchmark
    public void forward(Blackhole bh) {
        try (Tensor y = b.conv2d(x, w, bias, p)) {
            bh.consume(y);
        }
    }

    /** One input-gradient call. */
    @Benchmark
    public void backwardData(Blackhole bh) {
        try (Tensor dx = b.conv2dBackwardData(dy, w, xShape, p)) {
            bh.consume(dx);
        }
    }

    /** One weight-gradient call. */
    @Benchmark
    public void backwardWeights(Blackhole bh) {
        try (Tensor dw = b.conv2dBackwardWeights(dy, x, wShape, p)) {
            bh.consume(dw);
        }
    }
}
