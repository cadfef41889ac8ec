package org.conv4j.cuda;

/**
 * A CUDA call of the {@code cuda} backend failed. The message names the conv4j operation and the CUDA error,
 * e.g. {@code "conv2d on cuda: conv2d_forward: cudaErrorIllegalAddress (an illegal memory access was
 * encountered)"}; {@link #cudaError()} is the numeric {@code cudaError_t} (0 when the failure was not a CUDA
 * error code). Unchecked. After errors that CUDA calls sticky (illegal address, launch failure) the device stays
 * unusable for this process; the {@code java} and {@code cpu} backends still work.
 */
public class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int cudaError;

    /** An exception with the given message and numeric CUDA error. */
    public CudaException(String message, int cudaError) {
        super(message);
        this.cudaError = cudaError;
    }

    /** The numeric {@code cudaError_t}, e.g. 2 for cudaErrorMemoryAllocation, or 0. */
    public int cudaError() {
        return cudaError;
    }
}
