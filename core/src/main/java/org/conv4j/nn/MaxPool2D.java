package org.conv4j.nn;

import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.IntTensor;
import org.conv4j.MaxPoolResult;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;

/**
 * Max pooling over each channel separately: {@code [N, C, H, W] -> [N, C, H_out, W_out]} with
 * {@code H_out = floor((H + 2 padH - kH) / strideH) + 1} (rounded up with ceil mode), as in the book's
 * {@code nn.MaxPool2D}. Padded cells never win a max; padding may be at most half the window
 * (PyTorch's rule, stricter than MXNet's). No parameters. Not thread-safe.
 *
 * <p>In training mode (the default, as PyTorch's modules) {@link #forward} keeps the argmax indices
 * ({@link Backend#maxPool2dWithIndices}) and {@link #backward} sends the gradients straight to them, with no
 * second search of the windows; in evaluation mode ({@link #train train(false)}) the forward keeps only
 * {@code x} and a backward searches the windows again ({@link Backend#maxPool2dBackward(Tensor, Tensor, PoolParams)}).
 * Both give the same gradient.
 *
 * <pre>{@code new MaxPool2D(PoolParams.of(3, 3).padding(1, 1).stride(2, 2)).forward(x)}</pre>
 */
public final class MaxPool2D extends WindowPoolLayer {
    private boolean training = true;
    private Tensor lastX;
    private IntTensor lastIndices;

    /**
     * Max pooling on {@link Backends#auto()}.
     *
     * @param params the window, stride, padding and rounding
     * @throws IllegalArgumentException if {@code params} is null
     * @throws org.conv4j.BackendUnavailableException if {@code conv4j.backend} / {@code CONV4J_BACKEND}
     *                                  names a backend that cannot run here
     */
    public MaxPool2D(PoolParams params) {
        this(params, null);
    }

    /**
     * Max pooling on {@code backend}.
     *
     * @param backend {@code null} for {@link Backends#auto()}
     * @param params the window, stride, padding and rounding
     * @throws IllegalArgumentException if {@code params} is null
     */
    public MaxPool2D(PoolParams params, Backend backend) {
        super("MaxPool2D", params, backend);
    }

    /**
     * The maximum of each window; remembers {@code x} for {@link #backward}.
     *
     * @param x {@code [N, C, H, W]}
     * @return {@code [N, C, H_out, W_out]}, possibly in the backend's memory
     * @throws IllegalArgumentException if {@code x} is null or not rank 4, the padding exceeds half the
     *                                  window, or the padded input is smaller than the window
     */
    @Override
    public Tensor forward(Tensor x) {
        if (training) {
            MaxPoolResult r = backend.maxPool2dWithIndices(x, params);
            lastIndices = r.indices();
            lastX = x;
            return r.output();
        }
        Tensor y = backend.maxPool2d(x, params);
        lastIndices = null;
        lastX = x;
        return y;
    }

    /**
     * Training mode (true, the default) keeps the argmax indices of each forward for the backward;
     * evaluation mode (false) keeps only the input.
     *
     * @param training {@code true} to keep indices for {@link #backward}, {@code false} for inference
     * @return this layer
     */
    public MaxPool2D train(boolean training) {
        this.training = training;
        return this;
    }

    /**
     * Whether the layer is in training mode (see {@link #train}).
     *
     * @return {@code true} in training mode (the default)
     */
    public boolean isTraining() {
        return training;
    }

    /**
     * Sends each {@code dy} value to the first maximal element of its window (row-major order);
     * overlapping windows add up.
     *
     * @param dy the shape of the last output
     * @return {@code dx}, the shape of the last input
     * @throws IllegalStateException    if {@link #forward} was never called
     * @throws IllegalArgumentException if {@code dy} is null or not shaped like the last output
     */
    @Override
    public Tensor backward(Tensor dy) {
        if (lastX == null) {
            throw new IllegalStateException("MaxPool2D.backward: call forward first");
        }
        if (lastIndices != null) {
            return backend.maxPool2dBackward(dy, lastIndices, lastX.shape());
        }
        return backend.maxPool2dBackward(dy, lastX, params);
    }
}
