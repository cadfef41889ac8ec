package org.conv4j.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.conv4j.Backends;
import org.conv4j.Tensor;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The checker itself: {@link Conformance#assertMatches} accepts the right answer and rejects answers that
 * are slightly wrong, wrongly shaped or in the wrong memory, so loosening it into a test that cannot fail
 * shows up here.
 */
class ComparatorSelfTest {

    private static NaiveReference.Result reference() {
        // 2 outputs, each the sum of 27 terms of magnitude about 1: the tolerance is about 4 * 28 * 6e-8 * 27, 1.8e-4
        NaiveReference.Result r = new NaiveReference.Result(new int[] {1, 2});
        for (int i = 0; i < 27; i++) {
            r.add(0, i % 2 == 0 ? 1.0 : -0.75);
            r.add(1, 0.5);
        }
        return r;
    }

    private static Tensor tensor(double a, double b, int... shape) {
        return Tensor.of(new float[] {(float) a, (float) b}, shape);
    }

    @Test
    void acceptsTheRightAnswerAndRejectsWrongOnes() {
        NaiveReference.Result r = reference();
        double e0 = r.value[0];
        double e1 = r.value[1];
        Conformance.assertMatches(Backends.java(), "exact", tensor(e0, e1, 1, 2), r, true);
        Conformance.assertMatches(Backends.java(), "within rounding", tensor(e0 + 1e-5, e1 - 1e-5, 1, 2), r, false);
        assertThrows(AssertionFailedError.class,
                () -> Conformance.assertMatches(Backends.java(), "off by 1e-3", tensor(e0 + 1e-3, e1, 1, 2), r, false));
        assertThrows(AssertionFailedError.class,
                () -> Conformance.assertMatches(Backends.java(), "one ulp, exact", tensor(e0, Math.nextUp((float) e1), 1, 2),
                        r, true));
        assertThrows(AssertionFailedError.class,
                () -> Conformance.assertMatches(Backends.java(), "NaN", tensor(Double.NaN, e1, 1, 2), r, false));
        assertThrows(AssertionFailedError.class,
                () -> Conformance.assertMatches(Backends.java(), "transposed shape", tensor(e0, e1, 2, 1), r, false));
    }

    /**
     * A kernel that is one ulp off in every element must fail: on small integers by the exact comparison
     * (every algorithm, Winograd included, is exact there), on float data by the bias check, although each
     * element alone is within its bound. Shown on the real results of every backend and of forced Winograd.
     */
    @Test
    void aPlantedOneUlpBiasFailsEveryAlgorithmsChecks() {
        java.util.List<org.conv4j.Backend> all = new java.util.ArrayList<>();
        Conformance.backends().forEach(all::add);
        if (Backends.available().contains("cpu")) {
            all.add(org.conv4j.cpu.CpuBackend.create(true).withWinograd("always"));
        }
        int[] xs = {2, 16, 14, 14}, ws = {16, 16, 3, 3};
        org.conv4j.ConvParams p = org.conv4j.ConvParams.defaults().padding(1, 1);
        java.util.Random r = new java.util.Random(9);
        float[] xi = AccuracyContractTest.ints(r, 2 * 16 * 14 * 14), wi = AccuracyContractTest.ints(r, 16 * 16 * 9);
        float[] xp = AccuracyContractTest.positive(r, 2 * 16 * 14 * 14), wp = AccuracyContractTest.positive(r, 16 * 16 * 9);
        NaiveReference.Result refI = NaiveReference.conv2d(Conformance.toDouble(xi), xs, Conformance.toDouble(wi), ws, null, p);
        NaiveReference.Result refP = NaiveReference.conv2d(Conformance.toDouble(xp), xs, Conformance.toDouble(wp), ws, null, p);
        for (org.conv4j.Backend b : all) {
            float[] yi = Conformance.read(b.conv2d(Tensor.of(xi, xs), Tensor.of(wi, ws), null, p));
            float[] yp = Conformance.read(b.conv2d(Tensor.of(xp, xs), Tensor.of(wp, ws), null, p));
            // unmodified: both checks pass
            Conformance.assertMatches(Backends.java(), b + " exact", Tensor.of(yi, refI.shape), refI, true);
            Conformance.assertUnbiased(b + " unbiased", yp, refP, 1000);
            float[] biasedI = yi.clone(), biasedP = yp.clone();
            for (int i = 0; i < biasedI.length; i++) {
                biasedI[i] = Math.nextUp(biasedI[i]);
                biasedP[i] = Math.nextUp(biasedP[i]);
            }
            assertThrows(AssertionFailedError.class, () -> Conformance.assertMatches(Backends.java(), b + " +1 ulp",
                    Tensor.of(biasedI, refI.shape), refI, true), b + ": a planted 1-ulp bias passed the exact check");
            assertThrows(AssertionFailedError.class, () -> Conformance.assertUnbiased(b + " +1 ulp", biasedP, refP, 1000),
                    b + ": a planted 1-ulp bias passed the bias check");
            // and the per-element float bound alone would not have caught it: the bias check is needed
            Conformance.assertMatches(Backends.java(), b + " +1 ulp within the per-element bound",
                    Tensor.of(biasedP, refP.shape), refP, false);
        }
    }

    @Test
    void rejectsAResultInAnotherBackendsMemory() {
        NaiveReference.Result r = reference();
        // a heap tensor presented as the cpu backend's result: a silent fallback to java
        // (a proxy: only name() is called, and the fake keeps compiling as the interface grows)
        org.conv4j.Backend fakeCpu = (org.conv4j.Backend) java.lang.reflect.Proxy.newProxyInstance(
                org.conv4j.Backend.class.getClassLoader(), new Class<?>[] {org.conv4j.Backend.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("name")) {
                        return "cpu";
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        assertThrows(AssertionFailedError.class, () -> Conformance.assertMatches(fakeCpu, "heap result from cpu",
                tensor(r.value[0], r.value[1], 1, 2), r, true));
    }
}
