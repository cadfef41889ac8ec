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

    /**
     * Max pooling that also returns where each maximum was (PyTorch's {@code return_indices}): the same
     * output as {@link #maxPool2d} and, per output, the flat index {@code row * W + column} of its
     * window's first maximal element (row-major order; a NaN beats every number; padded cells never win)
     * within its own {@code [H, W]} input plane.
     *
     * <p>The indices are a new heap {@code int[]} per call. With G1 (the JVM's default collector) an array
     * of at least half a heap region (G1 sizes regions from the heap: 2 MiB for a 4-8 GiB heap, so 1 MiB of
     * indices, 262,144 outputs) is a humongous allocation on freshly committed pages, which can cost more than the pooling itself on
     * a small layer; {@code -XX:G1HeapRegionSize} above twice the indices' bytes avoids that (the pooling
     * section of {@code docs/benchmarks.md} measures both).
     *
     * @param x input {@code [N, C, H, W]} of this backend
     * @param p window size, stride and padding, as for {@link #maxPool2d}
     * @return the output {@code [N, C, H_out, W_out]} and int32 indices of the same shape
     * @throws IllegalArgumentException as {@link #maxPool2d}
     */
    MaxPoolResult maxPool2dWithIndices(Tensor x, PoolParams p);

    /**
     * Gradient of max pooling from saved indices: {@code dx[n, c, indices[n, c, i, j]] += dy[n, c, i, j]}
     * (overlapping windows that share a maximum add up), zero elsewhere. Needs neither the input nor the
     * window, so it also serves {@link #adaptiveMaxPool2dWithIndices}.
     *
     * @param dy      {@code [N, C, H_out, W_out]}
     * @param indices as returned by the forward, the shape of {@code dy}
     * @param xShape  the forward input's shape {@code [N, C, H, W]}
     * @return {@code dx} of shape {@code xShape}
     * @throws IllegalArgumentException on null arguments, ranks other than 4, indices not shaped like
     *                                  {@code dy}, N or C differing from {@code xShape}, or an index outside
     *                                  {@code [0, H*W)} (the message names the first such one)
     */
    Tensor maxPool2dBackward(Tensor dy, IntTensor indices, int[] xShape);

    /**
     * Partial inverse of max pooling ({@code torch.nn.functional.max_unpool2d}): a zero tensor of
     * {@code outputShape} with {@code y[n, c, indices[n, c, i, j]] = x[n, c, i, j]}; where several
     * positions carry the same index, the last in row-major order wins.
     *
     * @param x           pooled values {@code [N, C, H_in, W_in]}
     * @param indices     the shape of {@code x}, each in {@code [0, H*W)}
     * @param outputShape {@code [N, C, H, W]}, usually the shape of the pooling's input
     * @return {@code [N, C, H, W]}
     * @throws IllegalArgumentException as {@link #maxPool2dBackward(Tensor, IntTensor, int[])}
     */
    Tensor maxUnpool2d(Tensor x, IntTensor indices, int[] outputShape);

    /**
     * Adaptive average pooling ({@code torch.nn.functional.adaptive_avg_pool2d}): output cell {@code (i, j)}
     * is the mean of input rows {@code [floor(i*H/hOut), ceil((i+1)*H/hOut))} and columns
     * {@code [floor(j*W/wOut), ceil((j+1)*W/wOut))}.
     *
     * @param x    input {@code [N, C, H, W]} of this backend
     * @param hOut output height, at least 1 (may exceed H)
     * @param wOut output width, at least 1 (may exceed W)
     * @return {@code [N, C, hOut, wOut]}
     * @throws IllegalArgumentException on a null or non-rank-4 {@code x}, an output size below 1, or an
     *                                  output too large for {@code int}
     */
    Tensor adaptiveAvgPool2d(Tensor x, int hOut, int wOut);

    /**
     * Gradient of adaptive average pooling: each {@code dy} value spread evenly over its window.
     *
     * @param dy     {@code [N, C, hOut, wOut]}
     * @param xShape the forward input's shape {@code [N, C, H, W]}
     * @return {@code dx} of shape {@code xShape}
     * @throws IllegalArgumentException on null arguments, ranks other than 4, or N or C differing
     */
    Tensor adaptiveAvgPool2dBackward(Tensor dy, int[] xShape);

    /**
     * Adaptive max pooling ({@code torch.nn.functional.adaptive_max_pool2d}), windows as
     * {@link #adaptiveAvgPool2d}; ties and NaN as {@link #maxPool2d}.
     *
     * @param x    input {@code [N, C, H, W]} of this backend
     * @param hOut output height, at least 1 (may exceed H)
     * @param wOut output width, at least 1 (may exceed W)
     * @return {@code [N, C, hOut, wOut]}
     * @throws IllegalArgumentException as {@link #adaptiveAvgPool2d}
     */
    Tensor adaptiveMaxPool2d(Tensor x, int hOut, int wOut);

    /**
     * Adaptive max pooling with the flat index of each maximum in its input plane, as
     * {@link #maxPool2dWithIndices}; its gradient is {@link #maxPool2dBackward(Tensor, IntTensor, int[])}.
     *
     * @param x    input {@code [N, C, H, W]} of this backend
     * @param hOut output height, at least 1 (may exceed H)
     * @param wOut output width, at least 1 (may exceed W)
     * @return the output {@code [N, C, hOut, wOut]} and int32 indices of the same shape, each in
     *         {@code [0, H*W)}
     * @throws IllegalArgumentException as {@link #adaptiveAvgPool2d}
     */
    MaxPoolResult adaptiveMaxPool2dWithIndices(Tensor x, int hOut, int wOut);
}
