package org.conv4j.nn;

import java.util.Arrays;
import java.util.List;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.Tensor;

/**
 * What the adaptive pooling layers share: the output size, the backend, the last input's shape and the check of
 * {@code dy} against the last output. Subclasses say how to pool and how to send gradients back.
 */
abstract class AdaptivePoolLayer implements Layer {
    final int hOut;
    final int wOut;
    final Backend backend;
    int[] lastXShape;

    AdaptivePoolLayer(String layer, int hOut, int wOut, Backend backend) {
        if (hOut < 1 || wOut < 1) {
            throw new IllegalArgumentException(layer + ": output size must be positive, got (" + hOut + ", "
                    + wOut + ")");
        }
        this.hOut = hOut;
        this.wOut = wOut;
        this.backend = backend != null ? backend : Backends.auto();
    }

    /** Pools {@code x} on the backend and keeps what {@link #unpool} needs (besides the input shape). */
    abstract Tensor pool(Tensor x);

    /** The input gradient of a {@code dy} already checked against the last output. */
    abstract Tensor unpool(Tensor dy);

    /**
     * Pools every plane to {@code hOut x wOut}; remembers what {@link #backward} needs.
     *
     * @param x {@code [N, C, H, W]}
     * @return {@code [N, C, hOut, wOut]}, possibly in the backend's memory
     * @throws IllegalArgumentException if {@code x} is null or not rank 4
     */
    @Override
    public final Tensor forward(Tensor x) {
        Tensor y = pool(x);
        lastXShape = x.shape();
        return y;
    }

    /**
     * The gradient with respect to the last input (average: each {@code dy} spread evenly over its window; max:
     * each {@code dy} sent to its window's maximum; overlapping windows add up).
     *
     * @param dy {@code [N, C, hOut, wOut]}
     * @return {@code dx}, the shape of the last input
     * @throws IllegalStateException    if {@link #forward} was never called
     * @throws IllegalArgumentException if {@code dy} is null or not shaped like the last output
     */
    @Override
    public final Tensor backward(Tensor dy) {
        String layer = getClass().getSimpleName();
        if (lastXShape == null) {
            throw new IllegalStateException(layer + ".backward: call forward first");
        }
        int[] yShape = {lastXShape[0], lastXShape[1], hOut, wOut};
        if (dy != null && !Arrays.equals(dy.shape(), yShape)) {
            throw new IllegalArgumentException(layer + ".backward: dy has shape " + Arrays.toString(dy.shape())
                    + " but the last output was " + Arrays.toString(yShape));
        }
        return unpool(dy);
    }

    /** None: an empty list. */
    @Override
    public final List<Parameter> parameters() {
        return List.of();
    }

    /**
     * Output height.
     *
     * @return {@code hOut}, as given to the constructor
     */
    public final int outputHeight() {
        return hOut;
    }

    /**
     * Output width.
     *
     * @return {@code wOut}, as given to the constructor
     */
    public final int outputWidth() {
        return wOut;
    }

    @Override
    public final String toString() {
        return getClass().getSimpleName() + "(" + hOut + "x" + wOut + ", backend " + backend.name() + ")";
    }
}
