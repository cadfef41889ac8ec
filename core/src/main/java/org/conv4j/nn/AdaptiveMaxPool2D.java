package org.conv4j.nn;

import java.util.List;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.IntTensor;
import org.conv4j.MaxPoolResult;
import org.conv4j.Tensor;

/**
 * Adaptive max pooling: {@code [N, C, H, W] -> [N, C, hOut, wOut]} for any input size, output cell {@code (i, j)}
 * being the maximum of input rows {@code [floor(i*H/hOut), ceil((i+1)*H/hOut))} and columns likewise (the first
 * maximum in row-major order; a NaN wins), as {@code torch.nn.AdaptiveMaxPool2d}. The forward keeps the argmax
 * indices, the backward sends each gradient to its maximum. No parameters. Not thread-safe.
 *
 * <pre>{@code new AdaptiveMaxPool2D(7, 7).forward(x)}</pre>
 */
public final class AdaptiveMaxPool2D implements Layer {
    private final int hOut;
    private final int wOut;
    private final Backend backend;
    private int[] lastXShape;
    private IntTensor lastIndices;

    /**
     * Adaptive max pooling to {@code hOut x wOut} on {@link Backends#auto()}.
     *
     * @param hOut output height in cells, at least 1 (may exceed the input height)
     * @param wOut output width in cells, at least 1 (may exceed the input width)
     * @throws IllegalArgumentException if an output size is below 1
     * @throws org.conv4j.BackendUnavailableException if {@code conv4j.backend} / {@code CONV4J_BACKEND}
     *                                  names a backend that cannot run here
     */
    public AdaptiveMaxPool2D(int hOut, int wOut) {
        this(hOut, wOut, null);
    }

    /**
     * Adaptive max pooling to {@code hOut x wOut} on {@code backend}.
     *
     * @param hOut output height in cells, at least 1 (may exceed the input height)
     * @param wOut output width in cells, at least 1 (may exceed the input width)
     * @param backend {@code null} for {@link Backends#auto()}
     * @throws IllegalArgumentException if an output size is below 1
     * @throws org.conv4j.BackendUnavailableException if {@code backend} is null and {@code conv4j.backend} /
     *                                  {@code CONV4J_BACKEND} names a backend that cannot run here
     */
    public AdaptiveMaxPool2D(int hOut, int wOut, Backend backend) {
        if (hOut < 1 || wOut < 1) {
            throw new IllegalArgumentException("AdaptiveMaxPool2D: output size must be positive, got (" + hOut + ", "
                    + wOut + ")");
        }
        this.hOut = hOut;
        this.wOut = wOut;
        this.backend = backend != null ? backend : Backends.auto();
    }

    /**
     * Pools every plane to {@code hOut x wOut}; remembers what {@link #backward} needs.
     *
     * @param x {@code [N, C, H, W]}
     * @return {@code [N, C, hOut, wOut]}, possibly in the backend's memory
     * @throws IllegalArgumentException if {@code x} is null or not rank 4
     */
    @Override
    public Tensor forward(Tensor x) {
        MaxPoolResult r = backend.adaptiveMaxPool2dWithIndices(x, hOut, wOut);
        lastXShape = x.shape();
        lastIndices = r.indices();
        return r.output();
    }

    /**
     * Sends each {@code dy} value to the maximum of its window; windows sharing a maximum add up.
     *
     * @param dy {@code [N, C, hOut, wOut]}
     * @return {@code dx}, the shape of the last input
     * @throws IllegalStateException    if {@link #forward} was never called
     * @throws IllegalArgumentException if {@code dy} is null or not shaped like the last output
     */
    @Override
    public Tensor backward(Tensor dy) {
        if (lastIndices == null) {
            throw new IllegalStateException("AdaptiveMaxPool2D.backward: call forward first");
        }
        if (dy != null && !java.util.Arrays.equals(dy.shape(), new int[] {lastXShape[0], lastXShape[1], hOut, wOut})) {
            throw new IllegalArgumentException("AdaptiveMaxPool2D.backward: dy has shape "
                    + java.util.Arrays.toString(dy.shape()) + " but the last output was "
                    + java.util.Arrays.toString(new int[] {lastXShape[0], lastXShape[1], hOut, wOut}));
        }
        return backend.maxPool2dBackward(dy, lastIndices, lastXShape);
    }

    /** None: an empty list. */
    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    /**
     * Output height.
     *
     * @return {@code hOut}, as given to the constructor
     */
    public int outputHeight() {
        return hOut;
    }

    /**
     * Output width.
     *
     * @return {@code wOut}, as given to the constructor
     */
    public int outputWidth() {
        return wOut;
    }

    @Override
    public String toString() {
        return "AdaptiveMaxPool2D(" + hOut + "x" + wOut + ", backend " + backend.name() + ")";
    }
}
