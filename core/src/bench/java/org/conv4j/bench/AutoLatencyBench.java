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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Latency of the textbook's edge detector (shape s1: X 6x8, K = [1, -1]) through {@link Backends#auto()} as a
 * user calls it: {@code Backends.auto().conv2d(x, k, null, defaults)} per call, the backend looked up each time.
 * The goal is at most 1 microsecond per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AutoLatencyBench {
    private Tensor x;
    private Tensor k;
    private final ConvParams p = ConvParams.defaults();

    @Setup(Level.Trial)
    public void setUp() {
        Shapes.Conv s = Shapes.CONV.get("s1");
        x = Tensor.of(Shapes.random(1, s.n() * s.cIn() * s.h() * s.w()), s.n(), s.cIn(), s.h(), s.w());
        k = Tensor.of(new float[] {1, -1}, 1, 1, 1, 2);
        Backends.auto(); // the one-off choice (and its log line) is not part of the per-call latency
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        k.close();
    }

    @Benchmark
    public void forward(Blackhole bh) {
        Backend b = Backends.auto();
        try (Tensor y = b.conv2d(x, k, null, p)) {
            bh.consume(y);
        }
    }
}
