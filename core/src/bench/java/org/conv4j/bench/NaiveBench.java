package org.conv4j.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The naive single-threaded 7-loop baseline ({@link NaiveConv}) on the same shapes as {@link ConvBench}. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class NaiveBench {
    /** Shape id ({@code s1}..{@code s8}). */
    @Param({"s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"})
    public String shape;

    private Shapes.Conv s;
    private float[] x;
    private float[] w;
    private float[] bias;
    private float[] dy;

    /** Builds the inputs once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        s = Shapes.CONV.get(shape);
        x = Shapes.random(1, s.n() * s.cIn() * s.h() * s.w());
        w = Shapes.random(2, s.cOut() * s.cIn() * s.kh() * s.kw());
        bias = Shapes.random(3, s.cOut());
        dy = Shapes.random(4, s.n() * s.cOut() * s.hOut() * s.wOut());
    }

    /** One forward call. */
    @Benchmark
    public float[] forward() {
        return NaiveConv.forward(s, x, w, bias);
    }

    /** One input-gradient call. */
    @Benchmark
    public float[] backwardData() {
        return NaiveConv.backwardData(s, dy, w);
    }

    /** One weight-gradient call. */
    @Benchmark
    public float[] backwardWeights() {
        return NaiveConv.backwardWeights(s, dy, x);
    }
}
