package org.conv4j;

import java.util.Arrays;
import org.conv4j.internal.Check;
import org.conv4j.internal.TensorFormat;
import org.conv4j.spi.HeapStorage;
import org.conv4j.spi.Storage;
import org.conv4j.spi.TensorAccess;

/**
 * An immutable n-dimensional array of float32 values in row-major (C) order, NCHW for images.
 *
 * <p>A tensor lives on the Java heap ({@link #of}, {@link #zeros}), in native memory (results of the
 * {@code cpu} backend) or on a GPU (results of the {@code cuda} backend). {@link #toArray()} always
 * works and copies the values back to the heap. Tensors that own native or GPU memory should be
 * closed when no longer needed ({@link #close()} is idempotent and a no-op for heap tensors); they are
 * also freed when unreachable.
 *
 * <p>Every dimension is at least 1 and the element count fits in an {@code int}.
 */
public final class Tensor implements AutoCloseable {
    private final int[] shape;
    private final Storage storage;

    static {
        // backends reach a tensor's storage through org.conv4j.spi.TensorAccess, not through public methods here
        TensorAccess.install(new TensorAccess.Hooks() {
            @Override
            public Tensor wrap(Storage storage, int[] shape) {
                Check.notNull(storage, "Tensor.wrap", "storage");
                int n = Check.elementCount("Tensor.wrap", shape);
                if (storage.length() != n) {
                    throw new IllegalArgumentException("Tensor.wrap: storage of " + storage.length()
                            + " values does not fit shape " + Arrays.toString(shape) + " (" + n + " values)");
                }
                return new Tensor(storage, shape.clone());
            }

            @Override
            public Storage storage(Tensor tensor) {
                return tensor.storage;
            }
        });
    }

    private Tensor(Storage storage, int[] shape) {
        this.storage = storage;
        this.shape = shape;
    }

    /**
     * A heap tensor holding a copy of {@code data}.
     *
     * @param data  values in row-major order; {@code data.length} must equal the product of {@code shape}
     * @param shape the dimensions, each at least 1
     * @return a heap tensor holding a copy of {@code data}
     * @throws IllegalArgumentException if data or shape is null, a dimension is below 1, the element
     *                                  count overflows {@code int}, or the lengths disagree, e.g.
     *                                  {@code Tensor.of: 12 values do not fill shape [2, 3, 4] (24 values)}
     */
    public static Tensor of(float[] data, int... shape) {
        Check.notNull(data, "Tensor.of", "data");
        int n = Check.elementCount("Tensor.of", shape);
        if (data.length != n) {
            throw new IllegalArgumentException("Tensor.of: " + data.length + " values do not fill shape "
                    + Arrays.toString(shape) + " (" + n + " values)");
        }
        return new Tensor(new HeapStorage(data.clone()), shape.clone());
    }

    /**
     * A heap tensor of zeros.
     *
     * @param shape the dimensions, each at least 1
     * @return a heap tensor of zeros
     * @throws IllegalArgumentException if a dimension is below 1 or the element count overflows {@code int}
     */
    public static Tensor zeros(int... shape) {
        int n = Check.elementCount("Tensor.zeros", shape);
        return new Tensor(new HeapStorage(new float[n]), shape.clone());
    }

    /**
     * The same values under another shape, without copying: the result shares this tensor's storage
     * (heap, native or GPU), which every storage allows because all are contiguous and row-major.
     * Closing either tensor frees the shared memory of both. One dimension may be {@code -1}: it is
     * inferred from the element count, e.g. {@code t.reshape(t.dim(0), -1)} flattens all but the first.
     *
     * @param shape the new dimensions, each at least 1, or one of them {@code -1}
     * @return a tensor of {@code shape} over the same storage
     * @throws IllegalArgumentException if {@code shape} is null, has a dimension below 1 other than one
     *                                  {@code -1}, or its element count differs from {@link #size()}, e.g.
     *                                  {@code Tensor.reshape: shape [2, 5] holds 10 values, the tensor [3, 4] holds 12}
     */
    public Tensor reshape(int... shape) {
        Check.notNull(shape, "Tensor.reshape", "shape");
        int[] s = shape.clone();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1 && inferred < 0) {
                inferred = i;
            } else if (s[i] < 1) {
                throw new IllegalArgumentException("Tensor.reshape: dimension " + i + " of " + Arrays.toString(shape)
                        + " is " + s[i] + "; each must be at least 1, or one of them -1 to infer it");
            } else {
                known *= s[i];
            }
        }
        int n = storage.length();
        if (inferred >= 0) {
            if (known > n || n % known != 0) {
                throw new IllegalArgumentException("Tensor.reshape: cannot infer the -1 in " + Arrays.toString(shape)
                        + ": the tensor " + Arrays.toString(this.shape) + " holds " + n
                        + " values, not a multiple of " + known);
            }
            s[inferred] = (int) (n / known);
            known = n;
        }
        if (known != n) {
            throw new IllegalArgumentException("Tensor.reshape: shape " + Arrays.toString(shape) + " holds " + known
                    + " values, the tensor " + Arrays.toString(this.shape) + " holds " + n);
        }
        return new Tensor(storage, s);
    }

    /**
     * A copy of the dimensions.
     *
     * @return a copy of the dimensions
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * Number of dimensions.
     *
     * @return number of dimensions
     */
    public int rank() {
        return shape.length;
    }

    /**
     * Size of dimension {@code i} (0-based).
     *
     * @param i the dimension, 0-based, below {@link #rank()}
     * @return size of dimension {@code i} (0-based)
     * @throws IllegalArgumentException if {@code i} is negative or not below {@link #rank()}, e.g.
     *                                  {@code Tensor.dim: dimension 7 does not exist in shape [1, 3, 4, 4] (rank 4:
     *                                  dimensions 0 to 3)}
     */
    public int dim(int i) {
        if (i < 0 || i >= shape.length) {
            throw new IllegalArgumentException("Tensor.dim: dimension " + i + " does not exist in shape "
                    + Arrays.toString(shape) + " (rank " + shape.length + ": dimensions 0 to " + (shape.length - 1) + ")");
        }
        return shape[i];
    }

    /**
     * Number of elements (the product of the shape).
     *
     * @return number of elements (the product of the shape)
     */
    public int size() {
        return storage.length();
    }

    /**
     * Where the values live: {@code "heap"}, {@code "native"} or {@code "cuda"}.
     *
     * @return where the values live: {@code "heap"}, {@code "native"} or {@code "cuda"}
     */
    public String location() {
        return storage.location();
    }

    /**
     * A copy of the values in row-major order, copied back from native or GPU memory if needed.
     *
     * @return a copy of the values in row-major order, copied back from native or GPU memory if needed
     * @throws IllegalStateException if the tensor owns native or GPU memory and was closed
     */
    public float[] toArray() {
        float[] out = new float[storage.length()];
        storage.copyTo(out, 0);
        return out;
    }

    /** Frees native or GPU memory now. Harmless to call twice; a no-op for heap tensors. */
    @Override
    public void close() {
        storage.close();
    }

    /**
     * The values printed as nested rows, aligned, e.g. {@code [[19, 25], [37, 43]]} for a 2x2 tensor;
     * very large tensors are summarised.
     */
    @Override
    public String toString() {
        return TensorFormat.format(toArray(), shape);
    }
}
