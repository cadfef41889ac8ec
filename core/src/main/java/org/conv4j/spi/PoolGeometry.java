package org.conv4j.spi;

import java.util.Arrays;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.conv4j.internal.Check;

/**
 * The validated sizes of one 2-D pooling: input {@code [n, c, h, w]}, output {@code [n, c, hOut, wOut]},
 * window, stride, symmetric padding and the averaging rule.
 *
 * <p>Output size as in PyTorch: {@code floor((in + 2 pad - k) / stride) + 1}, or with ceil mode
 * {@code ceil(...) + 1} minus one when the last window would start inside the bottom/right padding.
 * Average pooling divides by the window clipped to the padded input when {@code countIncludePad}, and
 * by the window clipped to the input otherwise.
 */
public final class PoolGeometry {
    /** Input sizes. */
    public final int n, c, h, w;
    /** Window. */
    public final int kh, kw;
    /** Strides. */
    public final int sh, sw;
    /** Padding, each side. */
    public final int ph, pw;
    /** Output sizes. */
    public final int hOut, wOut;
    /** Average pooling: whether padded cells count in the divisor. */
    public final boolean countIncludePad;

    private PoolGeometry(int[] x, PoolParams p, int hOut, int wOut) {
        n = x[0];
        c = x[1];
        h = x[2];
        w = x[3];
        kh = p.kernelH();
        kw = p.kernelW();
        sh = p.strideH();
        sw = p.strideW();
        ph = p.padH();
        pw = p.padW();
        countIncludePad = p.countIncludePad();
        this.hOut = hOut;
        this.wOut = wOut;
    }

    /** Validates the operands of a forward pooling named {@code op} ({@code maxPool2d} or {@code avgPool2d}). */
    public static PoolGeometry forward(String op, Tensor x, PoolParams p) {
        Check.notNull(x, op, "x");
        Check.notNull(p, op, "params");
        return of(op, x.shape(), p);
    }

    /** Validates the operands of a pooling backward named {@code op}: {@code dy} must have the forward output's shape. */
    public static PoolGeometry backward(String op, Tensor dy, int[] xShape, PoolParams p) {
        Check.notNull(dy, op, "dy");
        Check.notNull(xShape, op, "xShape");
        Check.notNull(p, op, "params");
        Check.elementCount(op, xShape);
        PoolGeometry g = of(op, xShape, p);
        if (!Arrays.equals(dy.shape(), g.outputShape())) {
            throw new IllegalArgumentException(op + ": dy has shape " + Arrays.toString(dy.shape())
                    + " but the forward output is " + Arrays.toString(g.outputShape()));
        }
        return g;
    }

    private static PoolGeometry of(String op, int[] x, PoolParams p) {
        Check.rank4(op, "x", x, "[N, C, H, W]");
        if (2 * p.padH() > p.kernelH() || 2 * p.padW() > p.kernelW()) {
            throw new IllegalArgumentException(op + ": padding (" + p.padH() + ", " + p.padW()
                    + ") must be at most half the window " + p.kernelH() + "x" + p.kernelW() + ", i.e. at most ("
                    + p.kernelH() / 2 + ", " + p.kernelW() / 2 + ")");
        }
        if ((long) x[2] + 2L * p.padH() > Integer.MAX_VALUE || (long) x[3] + 2L * p.padW() > Integer.MAX_VALUE) {
            // backends index the padded input in int32
            throw new IllegalArgumentException(op + ": padded input " + ((long) x[2] + 2L * p.padH()) + "x"
                    + ((long) x[3] + 2L * p.padW()) + " exceeds " + Integer.MAX_VALUE + " in a dimension");
        }
        long hOut = outSize(x[2], p.kernelH(), p.strideH(), p.padH(), p.ceilMode());
        long wOut = outSize(x[3], p.kernelW(), p.strideW(), p.padW(), p.ceilMode());
        if (hOut < 1 || wOut < 1) {
            throw new IllegalArgumentException(op + ": padded input " + ((long) x[2] + 2L * p.padH()) + "x"
                    + ((long) x[3] + 2L * p.padW()) + " is smaller than the window " + p.kernelH() + "x" + p.kernelW());
        }
        Check.mul(op, "the output [" + x[0] + ", " + x[1] + ", " + hOut + ", " + wOut + "]", x[0], x[1], hOut, wOut);
        return new PoolGeometry(x, p, (int) hOut, (int) wOut);
    }

    private static long outSize(long in, long k, long s, long pad, boolean ceil) {
        long span = in + 2 * pad - k;
        if (span < 0) {
            return 0;
        }
        long out = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (out - 1) * s >= in + pad) {
            out--;
        }
        return out;
    }

    /** {@code [n, c, h, w]}. */
    public int[] inputShape() {
        return new int[] {n, c, h, w};
    }

    /** {@code [n, c, hOut, wOut]}. */
    public int[] outputShape() {
        return new int[] {n, c, hOut, wOut};
    }

    /** Window elements visited: {@code n c hOut wOut kh kw}. */
    public double windowOps() {
        return (double) n * c * hOut * wOut * kh * kw;
    }

    /** The native descriptor, indices as in {@code native/include/conv4j/conv4j_types.h} ({@code C4J_POOL_*}). */
    public int[] toDescriptor() {
        return new int[] {n, c, h, w, kh, kw, sh, sw, ph, pw, hOut, wOut, countIncludePad ? 1 : 0};
    }

    @Override
    public String toString() {
        return "pool x" + Arrays.toString(inputShape()) + " window " + kh + "x" + kw + " stride " + sh + "x" + sw
                + " pad " + ph + "x" + pw + " -> y" + Arrays.toString(outputShape())
                + (countIncludePad ? "" : " (count_include_pad=false)");
    }
}
