package org.conv4j.nn;

import java.util.Arrays;
import org.conv4j.Tensor;

/**
 * The book's loss {@code l = (Y_hat - Y) ** 2}, summed: {@link #sum} gives {@code sum((yHat - y)^2)} and
 * {@link #gradient} its derivative {@code 2 (yHat - y)} with respect to {@code yHat}.
 */
public final class SquaredError {
    private SquaredError() {
    }

    /**
     * {@code sum over all elements of (yHat - y)^2}, accumulated in double precision.
     *
     * @param yHat prediction, any shape
     * @param y    target, the same shape
     * @return {@code sum over all elements of (yHat - y)^2}, accumulated in double precision
     * @throws IllegalArgumentException if either is null or the shapes differ (both shapes named)
     */
    public static double sum(Tensor yHat, Tensor y) {
        check("sum", yHat, y);
        float[] a = yHat.toArray();
        float[] b = y.toArray();
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    /**
     * {@code d sum((yHat - y)^2) / d yHat = 2 (yHat - y)}, a heap tensor of the same shape.
     *
     * @param yHat the prediction
     * @param y the target, same shape as {@code yHat}
     * @return {@code d sum((yHat - y)^2) / d yHat = 2 (yHat - y)}, a heap tensor of the same shape
     * @throws IllegalArgumentException if either is null or the shapes differ (both shapes named)
     */
    public static Tensor gradient(Tensor yHat, Tensor y) {
        check("gradient", yHat, y);
        float[] a = yHat.toArray();
        float[] b = y.toArray();
        float[] g = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            g[i] = 2f * (a[i] - b[i]);
        }
        return Tensor.of(g, yHat.shape());
    }

    private static void check(String op, Tensor yHat, Tensor y) {
        if (yHat == null || y == null) {
            throw new IllegalArgumentException("SquaredError." + op + ": " + (yHat == null ? "yHat" : "y") + " is null");
        }
        if (!Arrays.equals(yHat.shape(), y.shape())) {
            throw new IllegalArgumentException("SquaredError." + op + ": yHat has shape " + Arrays.toString(yHat.shape())
                    + " but y has shape " + Arrays.toString(y.shape()));
        }
    }
}
