package org.conv4j.spi;

import java.util.Arrays;
import org.conv4j.Tensor;
import org.conv4j.internal.Check;

/**
 * The validated sizes of one adaptive 2-D pooling: input {@code [n, c, h, w]}, output {@code [n, c, hOut, wOut]}
 * with any positive output size (larger than the input too, then windows repeat cells).
 *
 * <p>Window of output row {@code i}: input rows {@code [floor(i*h/hOut), ceil((i+1)*h/hOut))}, columns
 * likewise (PyTorch's {@code adaptive_avg_pool2d} / {@code adaptive_max_pool2d} rule); never empty.
 */
public final class AdaptivePoolGeometry {
    /** Input sizes. */
    public final int n, c, h, w;
    /** Output sizes. */
    public final int hOut, wOut;

    private AdaptivePoolGeometry(int[] x, int hOut, int wOut) {
        n = x[0];
        c = x[1];
        h = x[2];
        w = x[3];
        this.hOut = hOut;
        this.wOut = wOut;
    }

    /** Validates the operands of an adaptive forward pooling named {@code op}. */
    public static AdaptivePoolGeometry forward(String op, Tensor x, int hOut, int wOut) {
        Check.notNull(x, op, "x");
        return of(op, x.shape(), hOut, wOut);
    }

    /** Validates the operands of an adaptive pooling backward: the output size is {@code dy}'s, N and C must agree. */
    public static AdaptivePoolGeometry backward(String op, Tensor dy, int[] xShape) {
        Check.notNull(dy, op, "dy");
        Check.notNull(xShape, op, "xShape");
        Check.elementCount(op, xShape);
        int[] d = dy.shape();
        Check.rank4(op, "dy", d, "[N, C, H_out, W_out]");
        AdaptivePoolGeometry g = of(op, xShape, d[2], d[3]);
        if (d[0] != g.n || d[1] != g.c) {
            throw new IllegalArgumentException(op + ": dy has shape " + Arrays.toString(d) + " but x is "
                    + Arrays.toString(xShape) + " (N and C must agree)");
        }
        return g;
    }

    private static AdaptivePoolGeometry of(String op, int[] x, int hOut, int wOut) {
        Check.rank4(op, "x", x, "[N, C, H, W]");
        Check.positivePair(op, "output size", hOut, wOut);
        Check.mul(op, "the output [" + x[0] + ", " + x[1] + ", " + hOut + ", " + wOut + "]", x[0], x[1], hOut, wOut);
        return new AdaptivePoolGeometry(x, hOut, wOut);
    }

    /** First input index of output index {@code i} of {@code out} over an input of {@code in}: {@code floor(i*in/out)}. */
    public static int start(int i, int in, int out) {
        return (int) ((long) i * in / out);
    }

    /** One past the last input index of output index {@code i}: {@code ceil((i+1)*in/out)}. */
    public static int end(int i, int in, int out) {
        return (int) (((long) (i + 1) * in + out - 1) / out);
    }

    /** {@code [n, c, h, w]}. */
    public int[] inputShape() {
        return new int[] {n, c, h, w};
    }

    /** {@code [n, c, hOut, wOut]}. */
    public int[] outputShape() {
        return new int[] {n, c, hOut, wOut};
    }

    /** Input cells visited, about {@code n c max(h, hOut) max(w, wOut)}. */
    public double windowOps() {
        double rows = Math.max(h, hOut) + hOut;
        double cols = Math.max(w, wOut) + wOut;
        return (double) n * c * rows * cols;
    }

    /** The native descriptor {@code [n, c, h, w, hOut, wOut]} ({@code C4J_APOOL_*} in {@code conv4j_types.h}). */
    public int[] toDescriptor() {
        return new int[] {n, c, h, w, hOut, wOut};
    }

    @Override
    public String toString() {
        return "adaptive pool x" + Arrays.toString(inputShape()) + " -> y" + Arrays.toString(outputShape());
    }
}
