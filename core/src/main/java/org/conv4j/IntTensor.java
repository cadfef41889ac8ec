package org.conv4j;

import java.util.Arrays;
import org.conv4j.internal.Check;

/**
 * An immutable n-dimensional array of int32 values in row-major (C) order, used for the argmax
 * indices of max pooling ({@link Backend#maxPool2dWithIndices}).
 *
 * <p>Index tensors always live on the Java heap, whatever backend produced them: they hold one
 * {@code int} per pooled output, so they are small next to the activations, and a heap array can be
 * checked in Java (every index in range) before any native or GPU kernel reads it. A GPU backend copies
 * them to and from the device as needed. Nothing to close.
 *
 * <p>Every dimension is at least 1 and the element count fits in an {@code int}.
 */
public final class IntTensor {
    private final int[] data;
    private final int[] shape;

    private IntTensor(int[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /**
     * An int tensor holding a copy of {@code data}.
     *
     * @param data  values in row-major order; {@code data.length} must equal the product of {@code shape}
     * @param shape the dimensions, each at least 1
     * @return a new tensor that does not share {@code data}
     * @throws IllegalArgumentException if data or shape is null, a dimension is below 1, the element
     *                                  count overflows {@code int}, or the lengths disagree
     */
    public static IntTensor of(int[] data, int... shape) {
        Check.notNull(data, "IntTensor.of", "data");
        return wrap("IntTensor.of", data.clone(), shape);
    }

    /**
     * For backends: an int tensor over {@code data}, which the caller hands over (no copy; nobody may
     * modify it afterwards).
     *
     * @param data  values in row-major order, owned by the tensor from now on; {@code data.length} must
     *              equal the product of {@code shape}
     * @param shape the dimensions, each at least 1 (copied)
     * @return a tensor backed by {@code data}
     * @throws IllegalArgumentException if data or shape is null, a dimension is below 1, the element
     *                                  count overflows {@code int}, or the lengths disagree, as {@link #of}
     */
    public static IntTensor wrap(int[] data, int... shape) {
        Check.notNull(data, "IntTensor.wrap", "data");
        return wrap("IntTensor.wrap", data, shape);
    }

    private static IntTensor wrap(String op, int[] data, int[] shape) {
        int n = Check.elementCount(op, shape);
        if (data.length != n) {
            throw new IllegalArgumentException(op + ": " + data.length + " values do not fill shape "
                    + Arrays.toString(shape) + " (" + n + " values)");
        }
        return new IntTensor(data, shape.clone());
    }

    /**
     * The dimensions.
     *
     * @return a copy of the shape; changing it does not change this tensor
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * Number of dimensions.
     *
     * @return the rank, at least 1 (4 for pooling indices)
     */
    public int rank() {
        return shape.length;
    }

    /**
     * Size of one dimension.
     *
     * @param i the dimension, 0-based, in {@code [0, rank())}
     * @return the size of dimension {@code i}, at least 1
     * @throws ArrayIndexOutOfBoundsException if {@code i} is negative or not below {@link #rank()}
     */
    public int dim(int i) {
        return shape[i];
    }

    /**
     * Number of elements.
     *
     * @return the product of the shape
     */
    public int size() {
        return data.length;
    }

    /**
     * The values.
     *
     * @return a copy of the values in row-major order, {@link #size()} long
     */
    public int[] toArray() {
        return data.clone();
    }

    /**
     * For backends: the backing array, without a copy. Callers must not modify it.
     *
     * @return the values in row-major order, shared with this tensor
     */
    public int[] array() {
        return data;
    }

    /** The values printed as nested rows, e.g. {@code [[0, 3], [9, 15]]}; very large tensors are summarised. */
    @Override
    public String toString() {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = data[i];
        }
        return org.conv4j.internal.TensorFormat.format(f, shape);
    }
}
