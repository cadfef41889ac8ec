package org.conv4j.nn;

import java.util.Arrays;
import java.util.List;
import org.conv4j.Tensor;

/**
 * {@code [N, d1, d2, ...] -> [N, d1 * d2 * ...]}, e.g. {@code [256, 16, 5, 5] -> [256, 400]} between the
 * convolutional and the dense part of LeNet. No copy: the output shares the input's storage (see
 * {@link Tensor#reshape}), and {@code backward} gives {@code dy} back under the input's shape, sharing
 * {@code dy}'s storage. No parameters. Not thread-safe.
 */
public final class Flatten implements Layer {
    private int[] lastXShape;
    private int[] lastYShape;

    /** A flatten layer. */
    public Flatten() {
    }

    /**
     * {@code x} viewed as {@code [N, rest]}.
     *
     * @param x rank at least 1
     * @return a view of {@code x} of shape {@code [x.dim(0), x.size() / x.dim(0)]}
     * @throws IllegalArgumentException if {@code x} is null
     */
    @Override
    public Tensor forward(Tensor x) {
        Elementwise.checkInput("Flatten", x);
        if (x.rank() < 1) {
            throw new IllegalArgumentException("Flatten.forward: x has rank 0, expected [N, ...]");
        }
        Tensor y = x.reshape(x.dim(0), x.size() / x.dim(0));
        lastXShape = x.shape();
        lastYShape = y.shape();
        return y;
    }

    /**
     * {@code dy} viewed in the last input's shape.
     *
     * @param dy the shape of the last output, {@code [N, rest]}
     * @return a view of {@code dy} of the last input's shape
     * @throws IllegalStateException    if {@link #forward} was never called
     * @throws IllegalArgumentException if {@code dy} is null or shaped differently
     */
    @Override
    public Tensor backward(Tensor dy) {
        Elementwise.checkGradient("Flatten", dy, lastYShape);
        return dy.reshape(lastXShape);
    }

    /** None: an empty list. */
    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public String toString() {
        return lastXShape == null ? "Flatten" : "Flatten(" + Arrays.toString(lastXShape) + " -> "
                + Arrays.toString(lastYShape) + ")";
    }
}
