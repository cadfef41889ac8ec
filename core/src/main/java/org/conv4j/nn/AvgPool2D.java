package org.conv4j.nn;

import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;

/**
 * Average pooling over each channel separately: {@code [N, C, H, W] -> [N, C, H_out, W_out]}, sizes as
 * in {@link MaxPool2D}. The divisor follows PyTorch: with {@link PoolParams#countIncludePad(boolean)
 * countIncludePad(true)} (default) the window clipped to the padded input, otherwise the window clipped
 * to the input. No parameters. Not thread-safe.
 */
public final class AvgPool2D extends WindowPoolLayer {
    private int[] lastXShape;

    /**
     * Average pooling on {@link Backends#auto()}.
     *
     * @param params the window, stride, padding and rounding
     * @throws IllegalArgumentException if {@code params} is null
     * @throws org.conv4j.BackendUnavailableException if {@code conv4j.backend} / {@code CONV4J_BACKEND}
     *                                  names a backend that cannot run here
     */
    public AvgPool2D(PoolParams params) {
        this(params, null);
    }

    /**
     * Average pooling on {@code backend}.
     *
     * @param backend {@code null} for {@link Backends#auto()}
     * @param params the window, stride, padding and rounding
     * @throws IllegalArgumentException if {@code params} is null
     */
    public AvgPool2D(PoolParams params, Backend backend) {
        super("AvgPool2D", params, backend);
    }

    /**
     * The mean of each window; remembers the shape of {@code x} for {@link #backward}.
     *
     * @param x {@code [N, C, H, W]}
     * @return {@code [N, C, H_out, W_out]}, possibly in the backend's memory
     * @throws IllegalArgumentException if {@code x} is null or not rank 4, the padding exceeds half the
     *                                  window, or the padded input is smaller than the window
     */
    @Override
    public Tensor forward(Tensor x) {
        Tensor y = backend.avgPool2d(x, params);
        lastXShape = x.shape();
        return y;
    }

    /**
     * Spreads each {@code dy} value evenly, with the forward divisor, over the input cells of its window.
     *
     * @param dy the shape of the last output
     * @return {@code dx}, the shape of the last input
     * @throws IllegalStateException    if {@link #forward} was never called
     * @throws IllegalArgumentException if {@code dy} is null or not shaped like the last output
     */
    @Override
    public Tensor backward(Tensor dy) {
        if (lastXShape == null) {
            throw new IllegalStateException("AvgPool2D.backward: call forward first");
        }
        return backend.avgPool2dBackward(dy, lastXShape, params);
    }
}
