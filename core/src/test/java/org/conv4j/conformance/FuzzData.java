package org.conv4j.conformance;

import java.util.Random;

/**
 * The data modes of the differential fuzz suite ({@link FuzzTest}): how the values of every operand of a
 * case are drawn. Each mode says whether results must match the float64 reference exactly; all others are
 * compared within {@link Conformance#tolerance}, and non-finite values by the exact rules of
 * {@link Conformance#assertMatches}.
 */
enum FuzzData {
    /** Integers in [-3, 3]: every partial sum is exact in float32, so every backend must match exactly. */
    INTEGER(true),
    /** Uniform in [-1, 1). */
    UNIFORM(false),
    /**
     * Random sign and mantissa times {@code 2^e}, {@code e} uniform in [-20, 20]: 40 binades, so products
     * of one output span up to 80 and sums cancel badly; partial sums stay far from float32's overflow.
     */
    WIDE(false),
    /** 90 % exact zeros, the rest uniform in [-1, 1): zero-skipping shortcuts and 0 * x. */
    SPARSE(false),
    /** One value per operand (drawn from a short list that includes 0, negatives and non-dyadic values). */
    CONSTANT(false),
    /**
     * Mostly subnormal floats (below 2^-126) with some normal values of magnitude up to 2: products
     * underflow, flush-to-zero or denormals-are-zero modes would show up as errors far above the bound.
     */
    SUBNORMAL(false),
    /** Uniform in [-1, 1) with about 3 % NaN, +Inf and -Inf scattered over every operand. */
    NONFINITE(false);

    private static final float[] CONSTANTS = {0f, 1f, -1f, 0.1f, -2.5f, 3f, 1e-3f, 0.7f};

    /** Whether the results of this mode must equal the reference exactly (not only within the bound). */
    final boolean exact;

    FuzzData(boolean exact) {
        this.exact = exact;
    }

    /** {@code n} values of this mode; a CONSTANT operand takes one value for all of them. */
    float[] fill(Random r, int n) {
        float[] v = new float[n];
        float constant = CONSTANTS[r.nextInt(CONSTANTS.length)];
        for (int i = 0; i < n; i++) {
            v[i] = value(r, constant);
        }
        return v;
    }

    private float value(Random r, float constant) {
        switch (this) {
            case INTEGER:
                return r.nextInt(7) - 3;
            case UNIFORM:
                return r.nextFloat() * 2 - 1;
            case WIDE: {
                float m = 1 + r.nextFloat();
                float s = Math.scalb(m, r.nextInt(41) - 20);
                return r.nextBoolean() ? s : -s;
            }
            case SPARSE:
                return r.nextInt(10) == 0 ? r.nextFloat() * 2 - 1 : 0f;
            case CONSTANT:
                return constant;
            case SUBNORMAL: {
                if (r.nextInt(8) == 0) {
                    return r.nextFloat() * 4 - 2;
                }
                float s = Float.MIN_NORMAL * r.nextFloat(); // 0 or subnormal
                return r.nextBoolean() ? s : -s;
            }
            case NONFINITE: {
                int k = r.nextInt(100);
                if (k == 0) {
                    return Float.NaN;
                }
                if (k == 1) {
                    return Float.POSITIVE_INFINITY;
                }
                if (k == 2) {
                    return Float.NEGATIVE_INFINITY;
                }
                return r.nextFloat() * 2 - 1;
            }
            default:
                throw new AssertionError(this);
        }
    }
}
