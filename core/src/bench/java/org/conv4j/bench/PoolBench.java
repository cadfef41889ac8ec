package org.conv4j.bench;

import java.util.concurrent.TimeUnit;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.PoolParams;
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

/** Pooling forward and backward (max or average, as the shape says) of one backend on one shape. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PoolBench {
    /** Shape id ({@code p1}..{@code p3}). */
    @Param({"p1", "p2", "p3"})
    public String shape;

    /** Backend name for {@link Backends#get}; {@link BenchMain} sets it from {@code -Dbench.backends}. */
    @Param({"java"})
    public String backend;

    private Backend b;
    private Shapes.Pool s;
    private PoolParams p;
    private Tensor x;
    private Tensor dy;

    /** Builds the inputs once per trial. */
    @Setup(Level.Trial)
    public void setUp() {
        s = Shapes.POOL.get(shape);
        b = Backends.get(backend);
        p = s.params();
        x = Tensor.of(Shapes.random(5, s.n() * s.c() * s.h() * s.w()), s.n(), s.c(), s.h(), s.w());
        dy = Tensor.of(Shapes.random(6, s.n() * s.c() * s.hOut() * s.wOut()), s.n(), s.c(), s.hOut(), s.wOut());
    }

    /** Releases the inputs. */
    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        dy.close();
    }

    /** One forward call. */
    @Benchmark
    public void forward(Blackhole bh) {
        try (Tensor y = s.max() ? b.maxPool2d(x, p) : b.avgPool2d(x, p)) {
            bh.consume(y);
        }
    }

    /** One backward call. */
    @Benchmark
    public void backward(Blackhole bh) {
        try (Tensor dx = s.max() ? b.maxPool2dBackward(dy, x, p) : b.avgPool2dBackward(dy, x.shape(), p)) {
            bh.consume(dx);
        }
    }
}
