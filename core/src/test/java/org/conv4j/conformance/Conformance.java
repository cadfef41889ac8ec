package org.conv4j.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.Tensor;

/**
 * Shared plumbing of the conformance suite: the backend matrix (every name in
 * {@link Backends#available()}, so a newly built backend is tested with no edit), result checks against
 * {@link NaiveReference}, and small array helpers.
 */
final class Conformance {
    /** Unit roundoff of float32. */
    static final double U = Math.pow(2, -24);

    static {
        List<String> missing = new ArrayList<>();
        for (String name : List.of("cuda", "cpu")) {
            String why = Backends.unavailableReason(name);
            if (why != null) {
                missing.add(name + " (" + why + ")");
            }
        }
        System.out.println("conv4j conformance suite runs on backends " + Backends.available()
                + (missing.isEmpty() ? "" : "; not available here: " + String.join("; ", missing)));
    }

    private Conformance() {
    }

    /**
     * How many of a generator's seeded random cases run: {@code full}, or the first {@code N} of the same
     * sequence with {@code -Dconv4j.test.randomCases=N} (for slow runs such as the arm64 JVM under
     * emulation, see ci/arm64-java-tests.sh); never more than {@code full}.
     */
    static int randomCases(int full) {
        int n = Integer.getInteger("conv4j.test.randomCases", full);
        if (n < 0) {
            throw new IllegalArgumentException("-Dconv4j.test.randomCases must be at least 0, got " + n);
        }
        return Math.min(full, n);
    }

    /** The backend matrix: {@code Backends.available()} mapped through {@code Backends.get}. */
    static Stream<Backend> backends() {
        return Backends.available().stream().map(Backends::get);
    }

    /** Where a backend's results must live: heap for java, native for cpu, cuda for cuda. */
    static String expectedLocation(String backendName) {
        switch (backendName) {
            case "java":
                return "heap";
            case "cpu":
                return "native";
            case "cuda":
                return "cuda";
            default:
                throw new AssertionError("unknown backend " + backendName);
        }
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    static double[] toDouble(Tensor t) {
        return toDouble(t.toArray());
    }

    /** Reads a backend result and frees it. */
    static float[] read(Tensor t) {
        try (t) {
            return t.toArray();
        }
    }

    /**
     * Checks a backend result against the reference and closes it: shape, memory location, then every
     * value. With {@code exact} the values must be identical (integer data whose partial sums are all
     * representable in float32, so any summation order gives the same float). Otherwise element
     * {@code i} may differ by {@link #tolerance}: four times the worst-case bound of float32 summation in
     * any order (recursive, pairwise, blocked, with or without FMA) of the same exact products, plus the
     * final rounding, plus the absolute error of underflow.
     *
     * <p>Non-finite values, exactly: where the reference is NaN the result must be NaN; where it is +-Inf
     * the result must be the same infinity. Where {@link NaiveReference.Result#mayBeNaN} says an implicit
     * zero meets an infinite or NaN operand, NaN is accepted too (IEEE arithmetic on a zero-padded tensor).
     */
    static void assertMatches(Backend b, String what, Tensor actual, NaiveReference.Result expected, boolean exact) {
        try (actual) {
            assertArrayEquals(expected.shape, actual.shape(), () -> what + ": shape");
            assertEquals(expectedLocation(b.name()), actual.location(), () -> b.name() + " " + what
                    + ": the result is not in " + b.name() + "'s memory, so another backend computed it (a backend that"
                    + " routes small problems elsewhere must have that routing switched off for this suite, e.g."
                    + " -Dconv4j.cpu.smallWork=0)");
            float[] a = actual.toArray();
            List<String> bad = new ArrayList<>();
            int badCount = 0;
            double worst = 0;
            for (int i = 0; i < a.length; i++) {
                double e = expected.value[i];
                double tol = exact ? 0 : tolerance(expected, i);
                double err = Math.abs(a[i] - e);
                boolean ok;
                if (Double.isNaN(e) || (expected.mayBeNaN[i] && Float.isNaN(a[i]))) {
                    ok = Float.isNaN(a[i]);
                } else if (Double.isInfinite(e)) {
                    ok = a[i] == e;
                } else {
                    ok = err <= tol;
                }
                if (!ok) {
                    badCount++;
                    if (!Double.isNaN(err)) {
                        worst = Math.max(worst, err);
                    }
                    if (bad.size() < 5) {
                        bad.add(index(expected.shape, i) + " = " + a[i] + ", expected " + e
                                + (exact || !Double.isFinite(e) ? " exactly" : " +- " + tol));
                    }
                }
            }
            if (badCount > 0) {
                fail(b.name() + " " + what + ": " + badCount + " of " + a.length + " values wrong (worst error "
                        + worst + "), e.g. " + String.join("; ", bad));
            }
        }
    }

    /**
     * Checks a result against the reference within a per-element bound (an algorithm's own stated bound,
     * e.g. {@link WinogradBound}) and closes it: shape, memory location, then every value.
     */
    static void assertWithin(Backend b, String what, Tensor actual, NaiveReference.Result expected, double[] bound) {
        try (actual) {
            assertArrayEquals(expected.shape, actual.shape(), () -> what + ": shape");
            assertEquals(expectedLocation(b.name()), actual.location(), () -> b.name() + " " + what
                    + ": the result is not in " + b.name() + "'s memory");
            float[] a = actual.toArray();
            int badCount = 0;
            String first = null;
            for (int i = 0; i < a.length; i++) {
                double err = Math.abs(a[i] - expected.value[i]);
                if (!(err <= bound[i])) {
                    badCount++;
                    if (first == null) {
                        first = index(expected.shape, i) + " = " + a[i] + ", expected " + expected.value[i] + " +- "
                                + bound[i];
                    }
                }
            }
            if (badCount > 0) {
                fail(b.name() + " " + what + ": " + badCount + " of " + a.length + " values beyond the bound, e.g. "
                        + first);
            }
        }
    }

    /**
     * Fails when the result is systematically biased: over the elements whose terms do not cancel much
     * ({@code |value| >= sum|term| / 2}), the mean signed error in units of the result's ulp must be within
     * 0.25. Round-to-nearest errors average out (measured: |mean| <= 0.01 over 10^4 outputs of every
     * algorithm on positive data, standard deviation 1 to 3 ulps), so a kernel that is off by one ulp in
     * the same direction everywhere fails this even where each element alone is within its bound.
     *
     * @param minElements how many elements must qualify (fewer fail, so the check cannot pass vacuously)
     */
    static void assertUnbiased(String what, float[] actual, NaiveReference.Result expected, int minElements) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < actual.length; i++) {
            double e = expected.value[i];
            if (Double.isFinite(e) && e != 0 && Math.abs(e) >= expected.absSum[i] / 2) {
                sum += (actual[i] - e) / Math.ulp((float) e);
                n++;
            }
        }
        if (n < minElements) {
            fail(what + ": only " + n + " elements without cancellation, " + minElements + " needed for the bias check");
        }
        double mean = sum / n;
        if (!(Math.abs(mean) <= 0.25)) {
            fail(what + ": mean signed error " + mean + " ulps over " + n + " elements: a systematic bias");
        }
    }

    /**
     * The rounding tolerance of element {@code i}: {@code 4 (terms + 1) u sum|term|} for the float32
     * summation, plus {@code (terms + 1) 2^-149} because a product or quotient that underflows into the
     * subnormal range is rounded to a multiple of {@code 2^-149} (absolute error, which no relative bound
     * covers).
     */
    static double tolerance(NaiveReference.Result expected, int i) {
        return 4 * (expected.terms[i] + 1) * U * expected.absSum[i] + (expected.terms[i] + 1) * (double) Float.MIN_VALUE;
    }

    /** {@code [n, c, i, j]}-style index of flat position {@code flat} in {@code shape}. */
    static String index(int[] shape, int flat) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return Arrays.toString(idx);
    }

    /** Asserts that a tensor still holds {@code before} (operations never modify their inputs). */
    static void assertUnchanged(String what, float[] before, Tensor t) {
        assertArrayEquals(before, t.toArray(), () -> what + " was modified by the operation");
    }
}
