package org.conv4j.cuda;

/**
 * The GPU had no room for a tensor or a workspace. Nothing was allocated or written by the failed operation.
 * Close tensors you no longer need (or let them become unreachable) and retry, or use a smaller batch.
 */
public class CudaOutOfMemoryException extends CudaException {
    private static final long serialVersionUID = 1L;

    /** An exception with the given message and numeric CUDA error (normally cudaErrorMemoryAllocation = 2). */
    public CudaOutOfMemoryException(String message, int cudaError) {
        super(message, cudaError);
    }
}
