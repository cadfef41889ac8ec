package org.conv4j.conformance;

import static org.conv4j.conformance.Conformance.toDouble;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.conv4j.Backend;
import org.conv4j.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backends are thread-safe (Backend's contract): several threads calling every operation at once, on
 * different shapes, each get their own right answer (catches shared scratch buffers and racy caches).
 */
class ConcurrencyTest {

    static Stream<Backend> backends() {
        return Conformance.backends();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void concurrentCallsGetTheirOwnAnswers(Backend b) throws Exception {
        // the first random cases: mixed shapes and parameters
        List<ConvCase> convs = ConvCase.all().stream().filter(c -> c.label().startsWith("random#")).limit(16).toList();
        List<PoolCase> pools = PoolCase.all().stream().filter(c -> c.label().startsWith("random#")).limit(16).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (ConvCase c : convs) {
                    done.add(pool.submit(() -> runConv(b, c)));
                }
                for (PoolCase c : pools) {
                    done.add(pool.submit(() -> runPool(b, c)));
                }
            }
            for (Future<?> f : done) {
                f.get(); // rethrows the first assertion failure of any thread
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void runConv(Backend b, ConvCase c) {
        float[][] d = c.data();
        Tensor x = Tensor.of(d[0], c.xShape());
        Tensor w = Tensor.of(d[1], c.wShape());
        Tensor dy = Tensor.of(d[3], c.yShape());
        Conformance.assertMatches(b, "concurrent conv2d " + c, b.conv2d(x, w, null, c.params()),
                NaiveReference.conv2d(toDouble(d[0]), c.xShape(), toDouble(d[1]), c.wShape(), null, c.params()),
                c.integer());
        Conformance.assertMatches(b, "concurrent conv2dBackwardData " + c,
                b.conv2dBackwardData(dy, w, c.xShape(), c.params()),
                NaiveReference.conv2dBackwardData(toDouble(d[3]), toDouble(d[1]), c.wShape(), c.xShape(), c.params()),
                c.integer());
        Conformance.assertMatches(b, "concurrent conv2dBackwardWeights " + c,
                b.conv2dBackwardWeights(dy, x, c.wShape(), c.params()),
                NaiveReference.conv2dBackwardWeights(toDouble(d[3]), toDouble(d[0]), c.xShape(), c.wShape(), c.params()),
                c.integer());
    }

    private static void runPool(Backend b, PoolCase c) {
        float[][] d = c.data();
        Tensor x = Tensor.of(d[0], c.xShape());
        Tensor dy = Tensor.of(d[1], c.yShape());
        Conformance.assertMatches(b, "concurrent maxPool2dBackward " + c, b.maxPool2dBackward(dy, x, c.params()),
                NaiveReference.maxPool2dBackward(toDouble(d[1]), toDouble(d[0]), c.xShape(), c.params()), true);
        Conformance.assertMatches(b, "concurrent avgPool2d " + c, b.avgPool2d(x, c.params()),
                NaiveReference.avgPool2d(toDouble(d[0]), c.xShape(), c.params()), false);
    }
}
