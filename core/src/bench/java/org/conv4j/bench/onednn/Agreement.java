package org.conv4j.bench.onednn;

import java.util.Locale;

/** Checks that a peer computed the same tensor as conv4j's java backend (so the timings compare like with like). */
public final class Agreement {
    /** Largest difference allowed, relative to the largest magnitude in the reference (float32 summation order). */
    public static final double TOLERANCE = 1e-4;

    private Agreement() {
    }

    /**
     * Returns the largest absolute difference divided by {@code max(1, max |reference|)}.
     *
     * @throws IllegalStateException naming {@code what} when sizes differ or the error exceeds {@link #TOLERANCE}
     */
    public static double check(String what, float[] reference, float[] got) {
        if (reference.length != got.length) {
            throw new IllegalStateException(what + ": " + got.length + " values, reference has " + reference.length);
        }
        double maxRef = 1;
        double maxDiff = 0;
        int at = -1;
        for (int i = 0; i < reference.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(reference[i]));
            double d = Math.abs((double) reference[i] - got[i]);
            if (!(d <= maxDiff)) { // also catches NaN
                maxDiff = d;
                at = i;
            }
        }
        double rel = maxDiff / maxRef;
        if (!(rel <= TOLERANCE)) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "%s: differs from the java backend by %.3g (relative %.3g > %.1g) at flat index %d: %s vs %s",
                    what, maxDiff, rel, TOLERANCE, at, got[at], reference[at]));
        }
        return rel;
    }
}
