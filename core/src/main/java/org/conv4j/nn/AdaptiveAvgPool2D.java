package org.conv4j.nn;

import java.util.List;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.Tensor;

/**
 * Adaptive average pooling: {@code [N, C, H, W] -> [N, C, hOut, wOut]} for any input size, output cell
 * {@code (i, j)} being the mean of input rows {@code [floor(i*H/hOut), ceil((i+1)*H/hOut))} and columns likewise, as
 * {@code torch.nn.AdaptiveAvgPool2d}. {@code new AdaptiveAvgPool2D(1, 1)} is global average pooling. No parameters.
 * Not thread-safe.
 *
 * <pre>{@code new AdaptiveAvgPool2D(7, 7).forward(x)}</pre>
 */
public final class AdaptiveAvgPool2D implements Layer {
    private final int hOut;
    private final int wOut;
    private final Backend backend;
    private int[] lastXShape;

    /**
     * Adaptive avg pooling to {@code hOut x wOut} on {@link Backends#auto()}.
     *
     * @param hOut output height in cells, at least 1 (may exceed the input height)
     * @param wOut output width in cells, at least 1 (may exceed the input width)
     * @throws IllegalArgumentException if an output size is below 1
     * @throws org.conv4j.BackendUnavailableException if {@code conv4j.backend} / {@code CONV4J_BACKEND}
     *                                  names a backend that cannot run here
     */
    public AdaptiveAvgPool2D(int hOut, int wOut) {
        this(hOut, wOut, null);
    }

    /**
     * Adaptive avg pooling to {@code hOut x wOut} on {@code backend}.
     *
     * @param hOut output height in cells, at least 1 (may exceed the input height)
     * @param wOut output width in cells, at least 1 (may exceed the input width)
     * @param backend {@code null} for {@link Backends#auto()}
     * @throws IllegalArgumentException if an output size is below 1
     * @throws org.conv4j.BackendUnavailableException if {@code backend} is null and {@code conv4j.backend} /
     *                                  {@code CONV4J_BACKEND} names a backend that cannot run here
     */
    public AdaptiveAvgPool2D(int hOut, int wOut, Backend backend) {
        if (hOut < 1 || wOut < 1) {
            throw new IllegalArgumentException("AdaptiveAvgPool2D: output size must be positive, got (" + hOut + ", "
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
        Tensor y = backend.adaptiveAvgPool2d(x, hOut, wOut);
        lastXShape = x.shape();
        return y;
    }

    /**
     * Spreads each {@code dy} value evenly over its window; overlapping windows add up.
     *
     * @param dy {@code [N, C, hOut, wOut]}
     * @return {@code dx}, the shape of the last input
     * @throws IllegalStateException    if {@link #forward} was never called
     * @throws IllegalArgumentException if {@code dy} is null or not shaped like the last output
     */
    @Override
    public Tensor backward(Tensor dy) {
        if (lastXShape == null) {
            throw new IllegalStateException("AdaptiveAvgPool2D.backward: call forward first");
        }
        if (dy != null && !java.util.Arrays.equals(dy.shape(), new int[] {lastXShape[0], lastXShape[1], hOut, wOut})) {
            throw new IllegalArgumentException("AdaptiveAvgPool2D.backward: dy has shape "
                    + java.util.Arrays.toString(dy.shape()) + " but the last output was "
                    + java.util.Arrays.toString(new int[] {lastXShape[0], lastXShape[1], hOut, wOut}));
        }
        return backend.adaptiveAvgPool2dBackward(dy, lastXShape);
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
        return "AdaptiveAvgPool2D(" + hOut + "x" + wOut + ", backend " + backend.name() + ")";
    }
}
