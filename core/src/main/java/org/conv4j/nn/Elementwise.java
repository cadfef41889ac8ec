package org.conv4j.nn;

import java.util.Arrays;
import org.conv4j.Tensor;
import org.conv4j.internal.Parallel;
import org.conv4j.spi.HeapStorage;
import org.conv4j.spi.TensorAccess;

/** Heap helpers of the element-wise layers and the losses: reading values, wrapping results, loops. */
final class Elementwise {
    /** Elements per parallel chunk: below this a thread hand-off costs more than the loop. */
    static final int GRAIN = 1 << 15;

    private Elementwise() {
    }

    /** The values of {@code t}: its own heap array when it has one (read only, no copy), else a copy. */
    static float[] values(Tensor t) {
        float[] a = TensorAccess.storage(t).heapArray();
        return a != null ? a : t.toArray();
    }

    /** A heap tensor over {@code data} without a copy; the caller never changes {@code data} afterwards. */
    static Tensor wrap(float[] data, int[] shape) {
        return TensorAccess.wrap(new HeapStorage(data), shape);
    }

    /** Runs {@code body} over {@code [0, n)}, on conv4j's threads when {@code n} is large. */
    static void loop(int n, Parallel.RangeBody body) {
        Parallel.forRange(n, GRAIN, body);
    }

    static void checkInput(String layer, Tensor x) {
        if (x == null) {
            throw new IllegalArgumentException(layer + ".forward: x is null");
        }
    }

    /** Checks that {@code dy} has the shape of the last output. */
    static void checkGradient(String layer, Tensor dy, int[] lastShape) {
        if (lastShape == null) {
            throw new IllegalStateException(layer + ".backward: call forward first");
        }
        if (dy == null) {
            throw new IllegalArgumentException(layer + ".backward: dy is null");
        }
        if (!Arrays.equals(dy.shape(), lastShape)) {
            throw new IllegalArgumentException(layer + ".backward: dy has shape " + Arrays.toString(dy.shape())
                    + " but the last output has shape " + Arrays.toString(lastShape));
        }
    }

    /** {@code a [rows, cols]} transposed into a new {@code [cols, rows]} array, in cache-sized tiles. */
    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        final int tile = 32;
        for (int r0 = 0; r0 < rows; r0 += tile) {
            int r1 = Math.min(rows, r0 + tile);
            for (int c0 = 0; c0 < cols; c0 += tile) {
                int c1 = Math.min(cols, c0 + tile);
                for (int r = r0; r < r1; r++) {
                    int base = r * cols;
                    for (int c = c0; c < c1; c++) {
                        t[c * rows + r] = a[base + c];
                    }
                }
            }
        }
        return t;
    }
}
