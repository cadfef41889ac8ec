package org.conv4j.cuda;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;
import org.conv4j.spi.Storage;

/**
 * Float32 values in GPU memory (location {@code "cuda"}). The device buffer is freed by {@link #close()} (idempotent)
 * or, for storage nobody closed, by a {@link Cleaner} once it is unreachable. {@link #copyTo} downloads.
 *
 * <p>For the {@code cuda} backend; users see it only as {@link org.conv4j.Tensor#location()} {@code "cuda"}.
 */
public final class CudaStorage implements Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final int length;
    private final AtomicLong address;
    private final Cleaner.Cleanable cleanable;

    private CudaStorage(long address, int length) {
        this.length = length;
        this.address = new AtomicLong(address);
        this.cleanable = CLEANER.register(this, new Free(this.address));
    }

    /** Frees the buffer once: from close() or from the Cleaner thread; must not reference the storage. */
    private static final class Free implements Runnable {
        private final AtomicLong address;

        Free(AtomicLong address) {
            this.address = address;
        }

        @Override
        public void run() {
            long a = address.getAndSet(0);
            if (a != 0) {
                CudaNative.c4j_cuda_free(a);  // a failure here has nobody to report to; the context is gone then
            }
        }
    }

    /**
     * Uninitialised device memory for {@code length} floats.
     *
     * @param op the conv4j operation, for the message of a failure
     * @throws CudaOutOfMemoryException when the device is full even after unreachable tensors were collected
     * @throws CudaException            for any other CUDA error
     */
    static CudaStorage allocate(int length, String op) {
        long[] out = new long[1];
        int st = CudaNative.c4j_cuda_alloc(length, out);
        if (st == CudaNative.OUT_OF_MEMORY) {
            // Unclosed tensors are freed by the Cleaner only after a GC: give them one chance before failing.
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            st = CudaNative.c4j_cuda_alloc(length, out);
        }
        CudaBackend.check(st, op);
        return new CudaStorage(out[0], length);
    }

    /** A device copy of {@code data[0 .. data.length)}. */
    static CudaStorage upload(float[] data, String op) {
        CudaStorage s = allocate(data.length, op);
        try {
            CudaBackend.check(CudaNative.c4j_cuda_upload(s.address(), data, data.length), op);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * The device address.
     *
     * @throws IllegalStateException if closed
     */
    long address() {
        long a = address.get();
        if (a == 0) {
            throw new IllegalStateException("cuda tensor was closed");
        }
        return a;
    }

    @Override
    public String location() {
        return "cuda";
    }

    @Override
    public int length() {
        return length;
    }

    /**
     * Downloads all values into {@code dst[offset .. offset + length())}.
     *
     * @throws IllegalStateException     if closed
     * @throws IndexOutOfBoundsException if {@code dst} is too short
     * @throws CudaException             if the copy fails
     */
    @Override
    public void copyTo(float[] dst, int offset) {
        if (offset < 0 || dst.length - offset < length) {
            throw new IndexOutOfBoundsException("copyTo: " + length + " values do not fit at offset " + offset
                    + " of an array of " + dst.length);
        }
        long a = address();
        if (offset == 0) {
            CudaBackend.check(CudaNative.c4j_cuda_download(dst, a, length), "toArray");
        } else {
            float[] tmp = new float[length];
            CudaBackend.check(CudaNative.c4j_cuda_download(tmp, a, length), "toArray");
            System.arraycopy(tmp, 0, dst, offset, length);
        }
    }

    /** Frees the device memory now; harmless to call twice. */
    @Override
    public void close() {
        cleanable.clean();
    }
}
