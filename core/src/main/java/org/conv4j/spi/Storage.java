package org.conv4j.spi;

/**
 * Where a tensor's float32 values live: the Java heap, native memory or a GPU.
 *
 * <p>This is a service-provider interface for backends; users only see {@link org.conv4j.Tensor}.
 * An implementation holds exactly {@link #length()} values in row-major order and never changes
 * them after the tensor that owns it was handed to a user (tensors are values).
 */
public interface Storage extends AutoCloseable {

    /** Short name of the memory that holds the values: {@code "heap"}, {@code "native"} or {@code "cuda"}. */
    String location();

    /** Number of float32 values held. */
    int length();

    /**
     * Copies all values into {@code dst[offset .. offset + length())}.
     *
     * @throws IllegalStateException if the storage was already closed
     */
    void copyTo(float[] dst, int offset);

    /**
     * The backing heap array when this storage is one (no copy), otherwise {@code null}.
     * Callers must not modify it.
     */
    default float[] heapArray() {
        return null;
    }

    /** Frees native or device memory now; harmless to call twice; a no-op for heap storage. */
    @Override
    void close();
}
