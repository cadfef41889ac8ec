package org.conv4j.nn;

import java.util.Random;
import org.conv4j.Tensor;

/**
 * Makes the initial value of a parameter of a given shape.
 *
 * <pre>{@code
 * Initializer.uniform(0.07, new Random(42))   // MXNet's default, used by the book's Gluon code
 * Initializer.constant(1f, -1f)               // a fixed kernel, e.g. for tests
 * Initializer.xavierUniform(new Random(1))     // the book's LeNet (sigmoid)
 * Initializer.heNormal(new Random(1))          // ReLU networks
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
     * Xavier (Glorot) uniform: independent values uniform in {@code [-a, a)} with
     * {@code a = sqrt(6 / (fanIn + fanOut))}, drawn from {@code random} in row-major order; the book's
     * {@code nn.init.xavier_uniform_} for LeNet. Fans as PyTorch: for {@code [out, in, k...]},
     * {@code fanIn = in * prod(k)} and {@code fanOut = out * prod(k)}.
     *
     * @param random the source of randomness; seed it for reproducible runs
     * @return an initializer that draws from {@code random} each time it creates a tensor
     * @throws IllegalArgumentException if {@code random} is null; when used, if the shape has rank below 2
     *                                  (a bias has no fans: use {@link #zeros()})
     */
    static Initializer xavierUniform(Random random) {
        if (random == null) {
            throw new IllegalArgumentException("Initializer.xavierUniform: random is null");
        }
        return shape -> {
            long[] fans = fans("xavierUniform", shape);
            return uniformValues(shape, Math.sqrt(6.0 / (fans[0] + fans[1])), random);
        };
    }

    /**
     * He (Kaiming) uniform for ReLU networks: uniform in {@code [-a, a)} with {@code a = sqrt(6 / fanIn)}
     * (PyTorch's {@code kaiming_uniform_(nonlinearity='relu')}), fans as in {@link #xavierUniform}.
     *
     * @param random the source of randomness, drawn in row-major order; seed it for reproducible runs
     * @return an initializer that draws from {@code random} each time it creates a tensor
     * @throws IllegalArgumentException if {@code random} is null; when used, if the shape has rank below 2
     */
    static Initializer heUniform(Random random) {
        if (random == null) {
            throw new IllegalArgumentException("Initializer.heUniform: random is null");
        }
        return shape -> uniformValues(shape, Math.sqrt(6.0 / fans("heUniform", shape)[0]), random);
    }

    /**
     * He (Kaiming) normal for ReLU networks: normal with mean 0 and standard deviation {@code sqrt(2 / fanIn)}
     * (PyTorch's {@code kaiming_normal_(nonlinearity='relu')}), from {@code random.nextGaussian()} in
     * row-major order, fans as in {@link #xavierUniform}.
     *
     * @param random the source of randomness; seed it for reproducible runs
     * @return an initializer that draws from {@code random} each time it creates a tensor
     * @throws IllegalArgumentException if {@code random} is null; when used, if the shape has rank below 2
     */
    static Initializer heNormal(Random random) {
        if (random == null) {
            throw new IllegalArgumentException("Initializer.heNormal: random is null");
        }
        return shape -> {
            double std = Math.sqrt(2.0 / fans("heNormal", shape)[0]);
            float[] v = new float[count(shape)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (random.nextGaussian() * std);
            }
            return Tensor.of(v, shape);
        };
    }

    /** {@code {fanIn, fanOut}} of a weight {@code [out, in, k...]}. */
    private static long[] fans(String op, int[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("Initializer." + op + ": shape " + java.util.Arrays.toString(shape)
                    + " has no fan-in and fan-out; it needs rank 2 or more ([out, in, ...])");
        }
        long receptive = 1;
        for (int i = 2; i < shape.length; i++) {
            receptive *= shape[i];
        }
        return new long[] {shape[1] * receptive, shape[0] * receptive};
    }

    private static int count(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static Tensor uniformValues(int[] shape, double scale, Random random) {
        float[] v = new float[count(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((2 * random.nextDouble() - 1) * scale);
        }
        return Tensor.of(v, shape);
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
