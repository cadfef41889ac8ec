package org.conv4j.cpu;

import org.bytedeco.javacpp.FloatPointer;
import org.conv4j.spi.Storage;

/**
 * Float32 values in native memory (location {@code "native"}), the storage of every tensor the
 * {@code cpu} backend returns. Such tensors can be passed straight back into {@code cpu} operations
 * without a copy.
 *
 * <p>The memory is released by {@link #close()} (idempotent), or, if the owner forgets, freed by JavaCPP's
 * deallocator once the storage is unreachable. A closed block of 256 KiB or more may be kept for the next
 * result of about its size instead of being freed at once (a small bounded cache, see
 * {@code -Dconv4j.cpu.resultCacheMiB} in the README): fresh pages cost a page fault each. Closing a storage while another thread still uses it
 * in an operation is a programming error (as for any resource); reading it after {@code close()}
 * throws {@link IllegalStateException}.
 */
public final class NativeStorage implements Storage {
    private final FloatPointer pointer;
    private final int length;
    private volatile boolean closed;

    private NativeStorage(FloatPointer pointer, int length) {
        this.pointer = pointer;
        this.length = length;
    }

    /**
     * Native memory for {@code length} floats, not initialised (the backend's kernels write every value).
     *
     * @throws IllegalArgumentException if {@code length < 1}
     * @throws OutOfMemoryError         if the native allocation fails
     */
    static NativeStorage allocate(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("NativeStorage: length must be at least 1, got " + length);
        }
        FloatPointer kept = NativeBlockCache.RESULTS.take(length);
        return new NativeStorage(kept != null ? kept : AlignedFloatPointer.allocate(length), length);
    }

    /**
     * A native copy of {@code values} (one JNI copy).
     *
     * @throws IllegalArgumentException if {@code values} is null or empty
     */
    public static NativeStorage copyOf(float[] values) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("NativeStorage.copyOf: values must hold at least one float");
        }
        NativeStorage s = allocate(values.length);
        s.pointer.put(values, 0, values.length);
        return s;
    }

    /**
     * The JavaCPP pointer to the first value, for native code; valid until {@link #close()}.
     *
     * @throws IllegalStateException if the storage was closed
     */
    public FloatPointer pointer() {
        if (closed) {
            throw new IllegalStateException("NativeStorage: the tensor was closed; its native memory is gone");
        }
        return pointer;
    }

    @Override
    public String location() {
        return "native";
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void copyTo(float[] dst, int offset) {
        pointer().get(dst, offset, length);
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (!NativeBlockCache.RESULTS.offer(pointer)) {
            pointer.close();
        }
    }
}
