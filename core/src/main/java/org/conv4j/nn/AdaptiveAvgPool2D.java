package org.conv4j.nn;

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
public final class AdaptiveAvgPool2D extends AdaptivePoolLayer {
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
        super("AdaptiveAvgPool2D", hOut, wOut, backend);
    }

    /** Averages each window. */
    @Override
    Tensor pool(Tensor x) {
        return backend.adaptiveAvgPool2d(x, hOut, wOut);
    }

    /** Spreads each {@code dy} value evenly over its window; overlapping windows add up. */
    @Override
    Tensor unpool(Tensor dy) {
        return backend.adaptiveAvgPool2dBackward(dy, lastXShape);
    }
}
