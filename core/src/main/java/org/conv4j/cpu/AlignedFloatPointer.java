package org.conv4j.cpu;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Native float memory on a 64-byte boundary from the cpu library's allocator ({@code c4j_cpu_alloc}), for
 * results: kernels may then write whole cache lines with streaming stores, which skip reading the old
 * line (the max-pool backward of large tensors does). Released like any JavaCPP pointer: {@code close()}
 * or {@code deallocate()}, or by JavaCPP's deallocator once unreachable; it counts toward
 * {@link Pointer#totalBytes()} and {@link Pointer#maxBytes()} like {@code new FloatPointer(n)}.
 */
final class AlignedFloatPointer extends FloatPointer {
    private AlignedFloatPointer(Pointer block, long length) {
        super(block);
        capacity(length);
        limit(length);
        deallocator(new Free(block));
    }

    /**
     * {@code length} floats, not initialised. The cpu library must be loaded.
     *
     * @throws IllegalArgumentException if {@code length < 1}
     * @throws OutOfMemoryError         if the allocation fails or would pass JavaCPP's {@code maxBytes}
     */
    static FloatPointer allocate(long length) {
        if (length < 1) {
            throw new IllegalArgumentException("AlignedFloatPointer: length must be at least 1, got " + length);
        }
        Pointer block = CpuNative.c4j_cpu_alloc(length * Float.BYTES);
        if (block == null || block.isNull()) {
            throw new OutOfMemoryError("conv4j cpu: cannot allocate " + length * Float.BYTES + " bytes of native memory");
        }
        return new AlignedFloatPointer(block, length);
    }

    // Holds only the address (not the FloatPointer), so that the pointer can become unreachable.
    private static final class Free extends Pointer implements Deallocator {
        Free(Pointer block) {
            super(block);
        }

        @Override
        public void deallocate() {
            CpuNative.c4j_cpu_free(this);
            setNull();
        }
    }
}
