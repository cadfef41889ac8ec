package org.conv4j;

/**
 * The two results of a max pooling that keeps its argmax ({@link Backend#maxPool2dWithIndices},
 * {@link Backend#adaptiveMaxPool2dWithIndices}): the pooled values and, for each of them, where its
 * maximum was.
 *
 * <p>{@link #indices()} has the shape of {@link #output()}, {@code [N, C, H_out, W_out]}; each value is
 * the flat index {@code row * W + column} of the window's first maximal element (row-major order; a NaN
 * beats every number) within its own input plane {@code [H, W]}, as PyTorch's {@code return_indices}.
 * Closing the result closes the output tensor.
 */
public final class MaxPoolResult implements AutoCloseable {
    private final Tensor output;
    private final IntTensor indices;

    /**
     * For backends: pairs an output with its indices.
     *
     * @param output  the pooled values {@code [N, C, H_out, W_out]}; this result takes over closing it
     * @param indices the flat argmax of each output value, of the same shape as {@code output}
     * @throws IllegalArgumentException if either is null or their shapes differ
     */
    public MaxPoolResult(Tensor output, IntTensor indices) {
        if (output == null || indices == null) {
            throw new IllegalArgumentException("MaxPoolResult: output and indices must not be null");
        }
        if (!java.util.Arrays.equals(output.shape(), indices.shape())) {
            throw new IllegalArgumentException("MaxPoolResult: output " + java.util.Arrays.toString(output.shape())
                    + " and indices " + java.util.Arrays.toString(indices.shape()) + " differ in shape");
        }
        this.output = output;
        this.indices = indices;
    }

    /**
     * The pooled values.
     *
     * @return the output {@code [N, C, H_out, W_out]}, possibly in the backend's memory; closed by
     *         {@link #close()}
     */
    public Tensor output() {
        return output;
    }

    /**
     * Where each maximum was.
     *
     * @return flat indices {@code row * W + column} into each input plane, {@code [N, C, H_out, W_out]},
     *         on the heap
     */
    public IntTensor indices() {
        return indices;
    }

    /** Closes the output tensor (harmless twice). */
    @Override
    public void close() {
        output.close();
    }
}
