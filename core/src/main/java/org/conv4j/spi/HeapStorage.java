package org.conv4j.spi;

/** A {@link Storage} backed by a {@code float[]} on the Java heap; never needs closing. */
public final class HeapStorage implements Storage {
    private final float[] data;

    /**
     * Wraps {@code data} without copying. The caller hands over ownership: nobody may modify the
     * array afterwards.
     */
    public HeapStorage(float[] data) {
        this.data = data;
    }

    @Override
    public String location() {
        return "heap";
    }

    @Override
    public int length() {
        return data.length;
    }

    @Override
    public void copyTo(float[] dst, int offset) {
        System.arraycopy(data, 0, dst, offset, data.length);
    }

    @Override
    public float[] heapArray() {
        return data;
    }

    @Override
    public void close() {
        // heap memory is the garbage collector's business
    }
}
