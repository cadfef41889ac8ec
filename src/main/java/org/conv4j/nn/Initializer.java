package org.conv4j.nn;

import java.util.Random;
import org.conv4j.Tensor;

/**
 * Makes the initial value of a parameter of a given shape.
 *
 * <pre>{@code
 * Initializer.uniform(0.07, new Random(42))   // MXNet's default, used by the book's Gluon code
 * Initializer.constant(1f, -1f)               // a fixed kernel, e.g. for tests
 * }</pre>
 */
@FunctionalInterface
public interface Initializer {

    /**
     * A new tensor of exactly {@code shape}.
     *
     * @param shape the parameter's shape, e.g. {@code [C_out, C_in/groups, kH, kW]} for a kernel
     * @return a new tensor of exactly {@code shape}
     */
    Tensor create(int[] shape);

    /**
     * Independent values uniform in {@code [-scale, scale)} drawn from {@code random} in row-major order
     * ({@code scale = 0.07} is MXNet's default initializer, which the book's {@code conv2d.initialize()} uses).
     *
     * @param scale  half-width of the interval, finite and at least 0
     * @param random the source of randomness; seed it for reproducible runs
     * @return independent values uniform in {@code [-scale, scale)} drawn from {@code random} in row-major order ({@code scale = 0.07} is MXNet's default initializer, which the book's {@code conv2d.initialize()} uses)
     * @throws IllegalArgumentException if {@code scale} is negative or not finite, or {@code random} is null
     */
    static Initializer uniform(double scale, Random random) {
        if (!(scale >= 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("Initializer.uniform: scale must be finite and >= 0, got " + scale);
        }
        if (random == null) {
            throw new IllegalArgumentException("Initializer.uniform: random is null");
        }
        return shape -> {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) ((2 * random.nextDouble() - 1) * scale);
            }
            return Tensor.of(v, shape);
        };
    }

    /**
     * Exactly these values, in row-major order.
     *
     * @param values the values, copied; their count must match the parameter's shape
     * @return exactly these values, in row-major order
     * @throws IllegalArgumentException if {@code values} is null; when used, if their count does not
     *                                  fill the requested shape (message from {@link Tensor#of})
     */
    static Initializer constant(float... values) {
        if (values == null) {
            throw new IllegalArgumentException("Initializer.constant: values is null");
        }
        float[] copy = values.clone();
        return shape -> Tensor.of(copy, shape);
    }

    /**
     * All zeros (the default for biases, as in MXNet and the book's PyTorch {@code Conv2D}).
     *
     * @return all zeros (the default for biases, as in MXNet and the book's PyTorch {@code Conv2D})
     */
    static Initializer zeros() {
        return Tensor::zeros;
    }
}
