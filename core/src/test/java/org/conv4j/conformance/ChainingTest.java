package org.conv4j.conformance;

import static org.conv4j.conformance.Conformance.toDouble;

import java.util.stream.Stream;
import org.conv4j.Backend;
import org.conv4j.Conv4j;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Results fed back as inputs: a backend must accept its own (native or GPU) tensors and any other
 * backend's, as a network's layers do; and results must not depend on the thread count.
 */
class ChainingTest {

    static Stream<Backend> backends() {
        return Conformance.backends();
    }

    static Stream<Arguments> pairs() {
        return Conformance.backends().flatMap(a -> Conformance.backends().map(b -> Arguments.of(a, b)));
    }

    /** conv -> max pool -> avg pool backward -> conv backward data, every intermediate left where the backend put it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void ownResultsAsInputs(Backend b) {
        ConvCase c = new ConvCase("chain", 5, new int[] {2, 3, 10, 9}, new int[] {4, 3, 3, 3},
                ConvParams.defaults().padding(1, 1), true, true);
        float[][] d = c.data();
        PoolParams pp = PoolParams.of(2, 2).ceilMode(true);
        int[] ys = c.yShape();
        try (Tensor y = b.conv2d(Tensor.of(d[0], c.xShape()), Tensor.of(d[1], c.wShape()), Tensor.of(d[2], 4), c.params());
             Tensor pooled = b.maxPool2d(y, pp);
             Tensor back = b.avgPool2dBackward(pooled, ys, pp)) {
            NaiveReference.Result yRef = NaiveReference.conv2d(toDouble(d[0]), c.xShape(), toDouble(d[1]), c.wShape(),
                    toDouble(d[2]), c.params());
            NaiveReference.Result pooledRef = NaiveReference.maxPool2d(yRef.value, ys, pp);
            NaiveReference.Result backRef = NaiveReference.avgPool2dBackward(pooledRef.value, ys, pp);
            Conformance.assertMatches(b, "conv2dBackwardData of chained dy",
                    b.conv2dBackwardData(back, Tensor.of(d[1], c.wShape()), c.xShape(), c.params()),
                    NaiveReference.conv2dBackwardData(backRef.value, toDouble(d[1]), c.wShape(), c.xShape(), c.params()),
                    false);
            Conformance.assertMatches(b, "conv2dBackwardWeights with x = own result",
                    b.conv2dBackwardWeights(back, Tensor.of(d[0], c.xShape()), c.wShape(), c.params()),
                    NaiveReference.conv2dBackwardWeights(backRef.value, toDouble(d[0]), c.xShape(), c.wShape(),
                            c.params()), false);
            Conformance.assertMatches(b, "maxPool2dBackward with x = own result", b.maxPool2dBackward(pooled, y, pp),
                    NaiveReference.maxPool2dBackward(pooledRef.value, yRef.value, ys, pp), true);
        }
    }

    /** The output of one backend is a valid input of every other. */
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void resultsOfOneBackendFeedAnother(Backend producer, Backend consumer) {
        PoolCase c = new PoolCase("cross", 9, new int[] {1, 3, 6, 6}, PoolParams.of(3, 3).stride(1, 1).padding(1, 1),
                true);
        float[][] d = c.data();
        try (Tensor x = producer.avgPool2dBackward(Tensor.of(d[0], c.yShape()), c.xShape(), c.params())) {
            double[] xRef = NaiveReference.avgPool2dBackward(toDouble(d[0]), c.xShape(), c.params()).value;
            Conformance.assertMatches(consumer, producer.name() + " result into " + consumer.name() + ".avgPool2d",
                    consumer.avgPool2d(x, c.params()), NaiveReference.avgPool2d(xRef, c.xShape(), c.params()), false);
        }
    }

    /** A shape large enough to be split across threads gives the same answer with 1 thread and with 3. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void resultsDoNotDependOnTheThreadCount(Backend b) {
        ConvCase c = new ConvCase("threads", 31, new int[] {2, 32, 20, 20}, new int[] {32, 32, 3, 3},
                ConvParams.defaults().padding(1, 1), true, true);
        float[][] d = c.data();
        int before = Conv4j.threads();
        try {
            for (int threads : new int[] {1, 3}) {
                Conv4j.setThreads(threads);
                Conformance.assertMatches(b, "conv2d with " + threads + " threads",
                        b.conv2d(Tensor.of(d[0], c.xShape()), Tensor.of(d[1], c.wShape()), Tensor.of(d[2], 32), c.params()),
                        NaiveReference.conv2d(toDouble(d[0]), c.xShape(), toDouble(d[1]), c.wShape(), toDouble(d[2]),
                                c.params()), true);
                Conformance.assertMatches(b, "conv2dBackwardWeights with " + threads + " threads",
                        b.conv2dBackwardWeights(Tensor.of(d[3], c.yShape()), Tensor.of(d[0], c.xShape()), c.wShape(),
                                c.params()),
                        NaiveReference.conv2dBackwardWeights(toDouble(d[3]), toDouble(d[0]), c.xShape(), c.wShape(),
                                c.params()), true);
            }
        } finally {
            Conv4j.setThreads(before);
        }
    }
}
