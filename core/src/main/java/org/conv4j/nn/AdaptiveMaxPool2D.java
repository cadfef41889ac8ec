package org.conv4j.nn;

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
public final class AdaptiveMaxPool2D extends AdaptivePoolLayer {
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
        super("AdaptiveMaxPool2D", hOut, wOut, backend);
    }

    /** Takes each window's maximum and keeps its index. */
    @Override
    Tensor pool(Tensor x) {
        MaxPoolResult r = backend.adaptiveMaxPool2dWithIndices(x, hOut, wOut);
        lastIndices = r.indices();
        return r.output();
    }

    /** Sends each {@code dy} value to the maximum of its window; windows sharing a maximum add up. */
    @Override
    Tensor unpool(Tensor dy) {
        return backend.maxPool2dBackward(dy, lastIndices, lastXShape);
    }
}
