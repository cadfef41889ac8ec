package org.conv4j.spi;

import java.util.Arrays;
import org.conv4j.IntTensor;
import org.conv4j.Tensor;
import org.conv4j.internal.Check;

/**
 * The validated operands of an operation driven by max-pool indices: max-pool backward from indices
 * ({@code dy} and the indices on the small plane {@code [hs, ws]}, {@code dx} on the input plane
 * {@code [hb, wb]}) and max-unpooling ({@code x} and the indices small, the output big).
 *
 * <p>Validation reads every index (in Java, before any native or GPU call): each must lie in
 * {@code [0, hb*wb)}; the message names the first that does not, so no kernel can ever read or write
 * outside a plane.
 */
public final class IndexGeometry {
    /** Batch and channels. */
    public final int n, c;
    /** The plane the indices live on (pooled output). */
    public final int hs, ws;
    /** The plane the indices point into (pooling input). */
    public final int hb, wb;

    private IndexGeometry(int[] small, int[] big) {
        n = small[0];
        c = small[1];
        hs = small[2];
        ws = small[3];
        hb = big[2];
        wb = big[3];
    }

    /**
     * Validates {@code values} (shape {@code [N, C, hs, ws]}, named {@code valuesName}), {@code indices} of the
     * same shape and {@code bigShape} {@code [N, C, hb, wb]} (named {@code bigName}).
     */
    public static IndexGeometry of(String op, Tensor values, String valuesName, IntTensor indices, int[] bigShape,
            String bigName) {
        Check.notNull(values, op, valuesName);
        Check.notNull(indices, op, "indices");
        Check.notNull(bigShape, op, bigName);
        int[] s = values.shape();
        Check.rank4(op, valuesName, s, "[N, C, H_out, W_out]");
        Check.elementCount(op, bigShape);
        Check.rank4(op, bigName, bigShape, "[N, C, H, W]");
        if (!Arrays.equals(indices.shape(), s)) {
            throw new IllegalArgumentException(op + ": indices have shape " + Arrays.toString(indices.shape())
                    + " but " + valuesName + " has shape " + Arrays.toString(s) + " (they must agree)");
        }
        if (bigShape[0] != s[0] || bigShape[1] != s[1]) {
            throw new IllegalArgumentException(op + ": " + valuesName + " has shape " + Arrays.toString(s) + " but "
                    + bigName + " is " + Arrays.toString(bigShape) + " (N and C must agree)");
        }
        IndexGeometry g = new IndexGeometry(s, bigShape);
        int plane = bigShape[2] * bigShape[3];
        int[] idx = indices.array();
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= plane) {
                throw new IllegalArgumentException(op + ": indices[" + i + "] = " + idx[i] + " is outside the "
                        + bigShape[2] + "x" + bigShape[3] + " plane of " + bigName + " (valid: 0 .. " + (plane - 1) + ")");
            }
        }
        return g;
    }

    /** {@code [n, c, hs, ws]}. */
    public int[] smallShape() {
        return new int[] {n, c, hs, ws};
    }

    /** {@code [n, c, hb, wb]}. */
    public int[] bigShape() {
        return new int[] {n, c, hb, wb};
    }

    /** The native descriptor {@code [n, c, hs, ws, hb, wb]} ({@code C4J_IDX_*} in {@code conv4j_types.h}). */
    public int[] toDescriptor() {
        return new int[] {n, c, hs, ws, hb, wb};
    }

    @Override
    public String toString() {
        return "indices " + Arrays.toString(smallShape()) + " into " + Arrays.toString(bigShape());
    }
}
