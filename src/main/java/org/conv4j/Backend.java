package org.conv4j;

/**
 * One implementation of the convolution and pooling primitives ({@code "java"}, {@code "cpu"} or
 * {@code "cuda"}); obtain one from {@link Backends}.
 *
 * <p>Conventions: float32, NCHW, row-major; all convolutions are cross-correlations. Shapes: {@code x}
 * is {@code [N, C_in, H, W]}, {@code w} is {@code [C_out, C_in/groups, kH, kW]}, {@code bias} is
 * {@code [C_out]} and {@code dy} has the shape of the forward output. Every method validates its
 * arguments before computing anything and throws {@link IllegalArgumentException} naming the bad
 * values; inputs are never modified. Results are new tensors, which may live in the backend's memory
 * (native or GPU): read them with {@link Tensor#toArray()} and close them when done. Inputs may live
 * anywhere; a backend copies foreign ones as needed. Implementations are thread-safe.
 *
 * <p>Accuracy: see {@link #precision()} and {@code docs/accuracy.md}. Every backend obtained from
 * {@link Backends} computes each output as a float32 sum of its exact products
 * ({@link Precision#ACCURATE}) unless asked for {@link Precision#FASTEST}.
 */
public interface Backend {

    /**
     * {@code "java"}, {@code "cpu"} or {@code "cuda"}.
     *
     * @return {@code "java"}, {@code "cpu"} or {@code "cuda"}
     */
    String name();

    /**
     * Forward convolution: {@code y[n, co, i, j] = bias[co] + sum over ci in co's group, a, b of
     * x[n, ci, i*sh - padTop + a*dh, j*sw - padLeft + b*dw] * w[co, ci', a, b]} (zero outside x).
     *
     * @param bias {@code [C_out]} or {@code null} for none
     * @param x the input, {@code [N, C_in, H, W]}
     * @param w the weight, {@code [C_out, C_in/groups, kH, kW]}
     * @param p the convolution's stride, padding, dilation and groups
     * @return {@code [N, C_out, H_out, W_out]}
     * @throws IllegalArgumentException on null tensors or params, wrong ranks, channel/group mismatch,
     *                                  bias of the wrong shape, an empty output, or an output too large for {@code int}
     */
    Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvParams p);

    /**
     * Gradient of the forward convolution with respect to its input.
     *
     * @param dy     gradient of the output, {@code [N, C_out, H_out, W_out]}
     * @param xShape shape of the forward input {@code [N, C_in, H, W]}
     * @param w the weight, {@code [C_out, C_in/groups, kH, kW]}
     * @param p the convolution's stride, padding, dilation and groups
     * @return {@code dx} of shape {@code xShape}
     * @throws IllegalArgumentException as {@link #conv2d}, or when {@code dy} is not the forward output's shape
     */
    Tensor conv2dBackwardData(Tensor dy, Tensor w, int[] xShape, ConvParams p);

    /**
     * Gradient of the forward convolution with respect to its weight, summed over the batch.
     *
     * @param wShape shape of the weight {@code [C_out, C_in/groups, kH, kW]}
     * @param dy the gradient of the forward output, {@code [N, C_out, H_out, W_out]}
     * @param x the input, {@code [N, C_in, H, W]}
     * @param p the convolution's stride, padding, dilation and groups
     * @return {@code dw} of shape {@code wShape}
     * @throws IllegalArgumentException as {@link #conv2d}, or when {@code dy} is not the forward output's shape
     */
    Tensor conv2dBackwardWeights(Tensor dy, Tensor x, int[] wShape, ConvParams p);

    /**
     * Gradient with respect to the bias: the sum of {@code dy} over N, H and W.
     *
     * @param dy rank-4 {@code [N, C_out, H_out, W_out]}
     * @return {@code [C_out]}
     * @throws IllegalArgumentException when {@code dy} is null or not rank 4
     */
    Tensor conv2dBackwardBias(Tensor dy);

    /**
     * Max pooling; padded cells never win.
     *
     * @param x the input, {@code [N, C, H, W]}
     * @param p the window, stride, padding and rounding
     * @return {@code [N, C, H_out, W_out]}
     * @throws IllegalArgumentException on a null or non-rank-4 {@code x}, padding above half the window, or an empty output
     */
    Tensor maxPool2d(Tensor x, PoolParams p);

    /**
     * Gradient of max pooling: each {@code dy} value goes to the first maximal element of its window in
     * row-major order (PyTorch's rule); gradients of overlapping windows add up.
     *
     * @param x the forward input
     * @param dy the gradient of the forward output, {@code [N, C, H_out, W_out]}
     * @param p the window, stride, padding and rounding
     * @return {@code dx} of the shape of {@code x}
     * @throws IllegalArgumentException as {@link #maxPool2d}, or when {@code dy} is not the forward output's shape
     */
    Tensor maxPool2dBackward(Tensor dy, Tensor x, PoolParams p);

    /**
     * Average pooling; the divisor follows {@link PoolParams#countIncludePad(boolean)}.
     *
     * @param x the input, {@code [N, C, H, W]}
     * @param p the window, stride, padding and rounding
     * @return {@code [N, C, H_out, W_out]}
     * @throws IllegalArgumentException as {@link #maxPool2d}
     */
    Tensor avgPool2d(Tensor x, PoolParams p);

    /**
     * Gradient of average pooling: each {@code dy} value is spread evenly (with the forward divisor) over
     * the input cells of its window.
     *
     * @param xShape shape of the forward input
     * @param dy the gradient of the forward output, {@code [N, C, H_out, W_out]}
     * @param p the window, stride, padding and rounding
     * @return {@code dx} of shape {@code xShape}
     * @throws IllegalArgumentException as {@link #avgPool2d}, or when {@code dy} is not the forward output's shape
     */
    Tensor avgPool2dBackward(Tensor dy, int[] xShape, PoolParams p);

    /**
     * The accuracy contract of this backend's algorithms.
     *
     * @return {@link Precision#ACCURATE} unless this is a variant obtained with {@link #withPrecision}
     */
    default Precision precision() {
        return Precision.ACCURATE;
    }

    /**
     * This backend restricted to, or allowed, the algorithms of a {@link Precision} (see
     * {@code docs/accuracy.md}). The setting belongs to the returned backend only, not to the process: two
     * variants can run at once from different threads. Backends with no faster, less accurate algorithm
     * (java, cuda) return themselves.
     *
     * @param precision {@link Precision#ACCURATE} (exact products summed in some order; the default) or
     *                  {@link Precision#FASTEST} (also Winograd on the cpu backend)
     * @return a backend of the same name with that precision
     * @throws IllegalArgumentException if {@code precision} is null
     */
    default Backend withPrecision(Precision precision) {
        if (precision == null) {
            throw new IllegalArgumentException("withPrecision: precision is null");
        }
        return this;
    }
}
