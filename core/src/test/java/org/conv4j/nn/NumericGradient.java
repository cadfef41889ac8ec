package org.conv4j.nn;

import java.util.function.Function;
import org.conv4j.Tensor;

/** Central finite differences of the scalar loss {@code sum(r * f(x))}, accumulated in double. */
final class NumericGradient {
    private NumericGradient() {
    }

    /** {@code sum(r * y)} in double precision. */
    static double dot(Tensor y, float[] r) {
        float[] v = y.toArray();
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            s += (double) v[i] * r[i];
        }
        return s;
    }

    /** d/dx_i of {@code sum(r * f(x))} for every i, by central differences with step {@code eps}. */
    static double[] of(Function<float[], Tensor> f, float[] x, float[] r, float eps) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            float keep = x[i];
            x[i] = keep + eps;
            double up = dot(f.apply(x), r);
            x[i] = keep - eps;
            double down = dot(f.apply(x), r);
            x[i] = keep;
            g[i] = (up - down) / (2.0 * eps);
        }
        return g;
    }

    /** Fails with the first index where {@code actual} is not within {@code tol * max(1, |expected|)}. */
    static void assertClose(String what, double[] expected, float[] actual, double tol) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + ", expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > tol * Math.max(1, Math.abs(expected[i]))) {
                throw new AssertionError(what + "[" + i + "] = " + actual[i] + ", finite difference says " + expected[i]);
            }
        }
    }

    static float[] random(java.util.Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }
}
