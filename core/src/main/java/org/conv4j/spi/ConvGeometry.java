package org.conv4j.spi;

import java.util.Arrays;
import org.conv4j.ConvParams;
import org.conv4j.Tensor;
import org.conv4j.internal.Check;

/**
 * The validated sizes of one 2-D convolution: input {@code [n, cIn, h, w]}, weight
 * {@code [cOut, cIn/groups, kh, kw]}, output {@code [n, cOut, hOut, wOut]}, and every parameter.
 *
 * <p>Built only through the static factories, which check everything the public API promises
 * (ranks, channels, groups, bias, dy shape, empty output, {@code int} overflow) and throw
 * {@link IllegalArgumentException} with a message naming the values. Backends receive an instance
 * and may trust it: all sizes are positive and all element counts fit in an {@code int}.
 */
public final class ConvGeometry {
    /** Batch size. */
    public final int n;
    /** Input channels. */
    public final int cIn;
    /** Input height. */
    public final int h;
    /** Input width. */
    public final int w;
    /** Output channels. */
    public final int cOut;
    /** Kernel height. */
    public final int kh;
    /** Kernel width. */
    public final int kw;
    /** Strides. */
    public final int sh, sw;
    /** Padding on each side. */
    public final int padTop, padBottom, padLeft, padRight;
    /** Dilations. */
    public final int dh, dw;
    /** Groups. */
    public final int groups;
    /** Output height and width. */
    public final int hOut, wOut;

    private ConvGeometry(int[] x, int[] wt, ConvParams p, int hOut, int wOut) {
        this.n = x[0];
        this.cIn = x[1];
        this.h = x[2];
        this.w = x[3];
        this.cOut = wt[0];
        this.kh = wt[2];
        this.kw = wt[3];
        this.sh = p.strideH();
        this.sw = p.strideW();
        this.padTop = p.padTop();
        this.padBottom = p.padBottom();
        this.padLeft = p.padLeft();
        this.padRight = p.padRight();
        this.dh = p.dilationH();
        this.dw = p.dilationW();
        this.groups = p.groups();
        this.hOut = hOut;
        this.wOut = wOut;
    }

    /** Validates the operands of {@code conv2d(x, w, bias, p)}; {@code bias} may be null. */
    public static ConvGeometry forward(Tensor x, Tensor w, Tensor bias, ConvParams p) {
        String op = "conv2d";
        Check.notNull(x, op, "x");
        Check.notNull(w, op, "w");
        Check.notNull(p, op, "params");
        ConvGeometry g = of(op, x.shape(), w.shape(), p);
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != g.cOut)) {
            throw new IllegalArgumentException(op + ": bias has shape " + Arrays.toString(bias.shape())
                    + " but weight " + Arrays.toString(w.shape()) + " has " + g.cOut + " output channels; expected ["
                    + g.cOut + "]");
        }
        return g;
    }

    /** Validates the operands of {@code conv2dBackwardData(dy, w, xShape, p)}. */
    public static ConvGeometry backwardData(Tensor dy, Tensor w, int[] xShape, ConvParams p) {
        String op = "conv2dBackwardData";
        Check.notNull(dy, op, "dy");
        Check.notNull(w, op, "w");
        Check.notNull(xShape, op, "xShape");
        Check.notNull(p, op, "params");
        Check.elementCount(op, xShape);
        ConvGeometry g = of(op, xShape, w.shape(), p);
        g.checkDy(op, dy);
        return g;
    }

    /** Validates the operands of {@code conv2dBackwardWeights(dy, x, wShape, p)}. */
    public static ConvGeometry backwardWeights(Tensor dy, Tensor x, int[] wShape, ConvParams p) {
        String op = "conv2dBackwardWeights";
        Check.notNull(dy, op, "dy");
        Check.notNull(x, op, "x");
        Check.notNull(wShape, op, "wShape");
        Check.notNull(p, op, "params");
        Check.elementCount(op, wShape);
        ConvGeometry g = of(op, x.shape(), wShape, p);
        g.checkDy(op, dy);
        return g;
    }

    private static ConvGeometry of(String op, int[] x, int[] wt, ConvParams p) {
        Check.rank4(op, "x", x, "[N, C_in, H, W]");
        Check.rank4(op, "w", wt, "[C_out, C_in/groups, kH, kW]");
        int groups = p.groups();
        if (x[1] % groups != 0) {
            throw new IllegalArgumentException(op + ": groups=" + groups + " does not divide the "
                    + Check.count(x[1], "input channel"));
        }
        if (wt[0] % groups != 0) {
            throw new IllegalArgumentException(op + ": groups=" + groups + " does not divide the "
                    + Check.count(wt[0], "output channel") + " of weight " + Arrays.toString(wt));
        }
        long expected = wt[1] * (long) groups;
        if (expected != x[1]) {
            // an NHWC image has its channels last: say so when that is the likely mistake
            String hint = x[3] == expected ? "; the input's last dimension is " + x[3] + ": is it NHWC? conv4j"
                    + " expects NCHW [N, C, H, W] (move the channel axis to position 1)" : "";
            throw new IllegalArgumentException(op + ": input has " + Check.count(x[1], "channel") + " but weight "
                    + Arrays.toString(wt) + " with groups=" + groups + " expects " + expected + hint);
        }
        long paddedH = (long) x[2] + p.padTop() + p.padBottom();
        long paddedW = (long) x[3] + p.padLeft() + p.padRight();
        if (paddedH > Integer.MAX_VALUE || paddedW > Integer.MAX_VALUE) {
            // backends index the padded input in int32: i*stride - pad + a*dilation must not overflow
            throw new IllegalArgumentException(op + ": padded input " + paddedH + "x" + paddedW
                    + " exceeds " + Integer.MAX_VALUE + " in a dimension; reduce the padding");
        }
        long effKh = (long) p.dilationH() * (wt[2] - 1) + 1;
        long effKw = (long) p.dilationW() * (wt[3] - 1) + 1;
        if (paddedH < effKh || paddedW < effKw) {
            throw new IllegalArgumentException(op + ": padded input " + paddedH + "x" + paddedW
                    + " is smaller than the dilated kernel " + effKh + "x" + effKw);
        }
        long hOut = (paddedH - effKh) / p.strideH() + 1;
        long wOut = (paddedW - effKw) / p.strideW() + 1;
        Check.mul(op, "the output [" + x[0] + ", " + wt[0] + ", " + hOut + ", " + wOut + "]", x[0], wt[0], hOut, wOut);
        return new ConvGeometry(x, wt, p, (int) hOut, (int) wOut);
    }

    private void checkDy(String op, Tensor dy) {
        int[] expected = outputShape();
        if (!Arrays.equals(dy.shape(), expected)) {
            throw new IllegalArgumentException(op + ": dy has shape " + Arrays.toString(dy.shape())
                    + " but the forward output is " + Arrays.toString(expected));
        }
    }

    /** {@code [n, cIn, h, w]}. */
    public int[] inputShape() {
        return new int[] {n, cIn, h, w};
    }

    /** {@code [cOut, cIn/groups, kh, kw]}. */
    public int[] weightShape() {
        return new int[] {cOut, cIn / groups, kh, kw};
    }

    /** {@code [n, cOut, hOut, wOut]}. */
    public int[] outputShape() {
        return new int[] {n, cOut, hOut, wOut};
    }

    /** Input channels per group. */
    public int cInPerGroup() {
        return cIn / groups;
    }

    /** Output channels per group. */
    public int cOutPerGroup() {
        return cOut / groups;
    }

    /**
     * Multiply-adds of one direction times two: {@code 2 n cOut hOut wOut (cIn/groups) kh kw}.
     * Useful for GFLOP/s figures.
     */
    public double flops() {
        return 2.0 * n * cOut * hOut * wOut * (double) (cIn / groups) * kh * kw;
    }

    /** Number of values in one group's im2col matrix for one image: {@code (cIn/groups) kh kw hOut wOut}, as a long. */
    public long columnSize() {
        return (long) (cIn / groups) * kh * kw * hOut * wOut;
    }

    /**
     * Index of the algorithm field in {@link #toDescriptor()} ({@code C4J_CONV_ALGO}): the cpu backend's
     * Winograd mode for the call (0 off, 1 where it measured faster, 2 wherever it applies); other backends
     * ignore it.
     */
    public static final int ALGO = 18;

    /**
     * The native descriptor, indices as in {@code native/include/conv4j/conv4j_types.h} ({@code C4J_CONV_*}).
     *
     * @return a new array of 19 values: the geometry, then {@link #ALGO} = 0 (no Winograd)
     */
    public int[] toDescriptor() {
        return new int[] {n, cIn, h, w, cOut, kh, kw, sh, sw, padTop, padBottom, padLeft, padRight, dh, dw,
            groups, hOut, wOut, 0};
    }

    @Override
    public String toString() {
        return "conv x" + Arrays.toString(inputShape()) + " w" + Arrays.toString(weightShape()) + " -> y"
                + Arrays.toString(outputShape()) + " stride " + sh + "x" + sw + " pad " + padTop + "," + padBottom
                + "," + padLeft + "," + padRight + " dilation " + dh + "x" + dw + " groups " + groups;
    }
}
