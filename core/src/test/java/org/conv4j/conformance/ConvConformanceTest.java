package org.conv4j.conformance;

import static org.conv4j.conformance.Conformance.assertMatches;
import static org.conv4j.conformance.Conformance.assertUnchanged;
import static org.conv4j.conformance.Conformance.toDouble;

import java.util.List;
import java.util.stream.Stream;
import org.conv4j.Backend;
import org.conv4j.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The four convolution operations of every available backend against the float64 {@link NaiveReference}
 * on fixed and seeded random cases (stride, symmetric and asymmetric padding, dilation, groups incl.
 * depthwise, with and without bias, 1x1 fast path, large shapes).
 */
class ConvConformanceTest {
    private static final List<ConvCase> CASES = ConvCase.all();

    static Stream<Arguments> cases() {
        return Conformance.backends().flatMap(b -> CASES.stream().map(c -> Arguments.of(b, c)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void allFourOperationsMatchTheReference(Backend b, ConvCase c) {
        float[][] d = c.data();
        Tensor x = Tensor.of(d[0], c.xShape());
        Tensor w = Tensor.of(d[1], c.wShape());
        Tensor bias = d[2] == null ? null : Tensor.of(d[2], c.wShape()[0]);
        Tensor dy = Tensor.of(d[3], c.yShape());
        double[] xd = toDouble(d[0]);
        double[] wd = toDouble(d[1]);
        double[] dyd = toDouble(d[3]);

        assertMatches(b, "conv2d " + c, b.conv2d(x, w, bias, c.params()),
                NaiveReference.conv2d(xd, c.xShape(), wd, c.wShape(), d[2] == null ? null : toDouble(d[2]),
                        c.params()), c.integer());
        assertMatches(b, "conv2dBackwardData " + c, b.conv2dBackwardData(dy, w, c.xShape(), c.params()),
                NaiveReference.conv2dBackwardData(dyd, wd, c.wShape(), c.xShape(), c.params()), c.integer());
        assertMatches(b, "conv2dBackwardWeights " + c, b.conv2dBackwardWeights(dy, x, c.wShape(), c.params()),
                NaiveReference.conv2dBackwardWeights(dyd, xd, c.xShape(), c.wShape(), c.params()), c.integer());
        assertMatches(b, "conv2dBackwardBias " + c, b.conv2dBackwardBias(dy),
                NaiveReference.conv2dBackwardBias(dyd, c.yShape()), c.integer());

        assertUnchanged("x", d[0], x);
        assertUnchanged("w", d[1], w);
        if (bias != null) {
            assertUnchanged("bias", d[2], bias);
        }
        assertUnchanged("dy", d[3], dy);
    }
}
