package org.conv4j.conformance;

import static org.conv4j.conformance.Conformance.assertMatches;
import static org.conv4j.conformance.Conformance.assertUnchanged;
import static org.conv4j.conformance.Conformance.toDouble;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.conv4j.Backend;
import org.conv4j.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;

/**
 * Differential fuzzing: seeded random {@link FuzzCase}s (every operation, every {@link FuzzData} mode,
 * ordinary and extreme geometry) on every available backend against the float64 {@link NaiveReference},
 * with the conformance suite's comparator (which also checks that the named backend computed the result).
 *
 * <p>A failing case names itself and prints a one-line reproducer. System properties:
 * <ul>
 *   <li>{@code conv4j.fuzz.seed} (default {@value #DEFAULT_SEED}): the suite seed;</li>
 *   <li>{@code conv4j.fuzz.cases} (default {@value #DEFAULT_CASES}): how many cases, numbered from 0;</li>
 *   <li>{@code conv4j.fuzz.case}: run only these case numbers (comma-separated), e.g. to rerun a failure;</li>
 *   <li>{@code conv4j.fuzz.backend}: run only this backend ({@code java}, {@code cpu}, {@code cuda}).</li>
 * </ul>
 * Example: {@code mvn -B test -Dtest=FuzzTest -Dconv4j.fuzz.seed=7 -Dconv4j.fuzz.cases=20000}.
 */
class FuzzTest {
    static final long DEFAULT_SEED = 20261207L;
    static final int DEFAULT_CASES = 400;

    static long seed() {
        return Long.getLong("conv4j.fuzz.seed", DEFAULT_SEED);
    }

    /** The case numbers this run covers. */
    static int[] caseNumbers() {
        String only = System.getProperty("conv4j.fuzz.case");
        if (only != null && !only.isBlank()) {
            return Stream.of(only.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        }
        return IntStream.range(0, Integer.getInteger("conv4j.fuzz.cases", DEFAULT_CASES)).toArray();
    }

    static Stream<Backend> backends() {
        String only = System.getProperty("conv4j.fuzz.backend");
        return Conformance.backends().filter(b -> only == null || only.isBlank() || b.name().equals(only));
    }

    /** The command that reruns one case on one backend. */
    static String reproducer(long seed, FuzzCase c, Backend b) {
        return "mvn -B test -Dtest=FuzzTest -Dconv4j.fuzz.seed=" + seed + " -Dconv4j.fuzz.case=" + c.number()
                + " -Dconv4j.fuzz.backend=" + b.name();
    }

    @TestFactory
    Stream<DynamicTest> everyOperationOnEveryBackendMatchesTheReference() {
        long seed = seed();
        List<FuzzCase> cases = new ArrayList<>();
        for (int number : caseNumbers()) {
            cases.add(FuzzCase.of(seed, number));
        }
        return backends().flatMap(b -> cases.stream().map(c -> DynamicTest.dynamicTest(b.name() + " " + c,
                () -> checkReporting(b, c, reproducer(seed, c, b)))));
    }

    /**
     * {@link #check}, with any failure (also an OutOfMemoryError, which JUnit would let end the whole run)
     * turned into an assertion failure that names the backend, the case and how to rerun it.
     */
    static void checkReporting(Backend b, FuzzCase c, String rerun) {
        try {
            check(b, c);
        } catch (Throwable e) {
            throw new AssertionFailedError(b.name() + " " + c + ": " + e + "\n  reproduce: " + rerun, e);
        }
    }

    /** All four operations of the case's family on {@code b}, each against the reference; inputs unchanged. */
    static void check(Backend b, FuzzCase c) {
        float[][] d = c.operands();
        Tensor x = Tensor.of(d[0], c.xShape());
        Tensor dy = Tensor.of(d[3], c.yShape());
        double[] xd = toDouble(d[0]);
        double[] dyd = toDouble(d[3]);
        boolean exact = c.data().exact;
        if (c.conv()) {
            Tensor w = Tensor.of(d[1], c.wShape());
            Tensor bias = d[2] == null ? null : Tensor.of(d[2], c.wShape()[0]);
            double[] wd = toDouble(d[1]);
            assertMatches(b, "conv2d", b.conv2d(x, w, bias, c.cp()),
                    NaiveReference.conv2d(xd, c.xShape(), wd, c.wShape(), d[2] == null ? null : toDouble(d[2]), c.cp()),
                    exact);
            assertMatches(b, "conv2dBackwardData", b.conv2dBackwardData(dy, w, c.xShape(), c.cp()),
                    NaiveReference.conv2dBackwardData(dyd, wd, c.wShape(), c.xShape(), c.cp()), exact);
            assertMatches(b, "conv2dBackwardWeights", b.conv2dBackwardWeights(dy, x, c.wShape(), c.cp()),
                    NaiveReference.conv2dBackwardWeights(dyd, xd, c.xShape(), c.wShape(), c.cp()), exact);
            assertMatches(b, "conv2dBackwardBias", b.conv2dBackwardBias(dy),
                    NaiveReference.conv2dBackwardBias(dyd, c.yShape()), exact);
            assertUnchanged("w", d[1], w);
            if (bias != null) {
                assertUnchanged("bias", d[2], bias);
            }
        } else {
            // a max is a selection: exact for every mode
            assertMatches(b, "maxPool2d", b.maxPool2d(x, c.pp()), NaiveReference.maxPool2d(xd, c.xShape(), c.pp()),
                    true);
            assertMatches(b, "maxPool2dBackward", b.maxPool2dBackward(dy, x, c.pp()),
                    NaiveReference.maxPool2dBackward(dyd, xd, c.xShape(), c.pp()), exact);
            assertMatches(b, "avgPool2d", b.avgPool2d(x, c.pp()), NaiveReference.avgPool2d(xd, c.xShape(), c.pp()),
                    false);
            assertMatches(b, "avgPool2dBackward", b.avgPool2dBackward(dy, c.xShape(), c.pp()),
                    NaiveReference.avgPool2dBackward(dyd, c.xShape(), c.pp()), false);
        }
        assertUnchanged("x", d[0], x);
        assertUnchanged("dy", d[3], dy);
    }
}
