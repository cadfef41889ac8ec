package org.conv4j;

import org.conv4j.internal.Check;

/**
 * Stride, padding, dilation and groups of a 2-D convolution: an immutable value with withers.
 *
 * <pre>{@code ConvParams p = ConvParams.defaults().stride(2, 2).padding(1, 1);}</pre>
 *
 * <p>Output size per spatial axis: {@code floor((in + padBefore + padAfter - dilation*(k-1) - 1) / stride) + 1}.
 * Withers reject bad values at once with an {@link IllegalArgumentException} naming them.
 */
public final class ConvParams {
    private static final ConvParams DEFAULTS = new ConvParams(1, 1, 0, 0, 0, 0, 1, 1, 1);

    private final int strideH;
    private final int strideW;
    private final int padTop;
    private final int padBottom;
    private final int padLeft;
    private final int padRight;
    private final int dilationH;
    private final int dilationW;
    private final int groups;

    private ConvParams(int strideH, int strideW, int padTop, int padBottom, int padLeft, int padRight,
                       int dilationH, int dilationW, int groups) {
        this.strideH = strideH;
        this.strideW = strideW;
        this.padTop = padTop;
        this.padBottom = padBottom;
        this.padLeft = padLeft;
        this.padRight = padRight;
        this.dilationH = dilationH;
        this.dilationW = dilationW;
        this.groups = groups;
    }

    /** Stride 1x1, no padding, dilation 1x1, one group. */
    public static ConvParams defaults() {
        return DEFAULTS;
    }

    /**
     * Step between windows, in input pixels.
     *
     * @throws IllegalArgumentException unless both are at least 1, e.g. {@code conv2d: stride must be positive, got (1, 0)}
     */
    public ConvParams stride(int sh, int sw) {
        Check.positivePair("conv2d", "stride", sh, sw);
        return new ConvParams(sh, sw, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups);
    }

    /**
     * Symmetric zero padding: {@code ph} rows at top and bottom, {@code pw} columns left and right.
     *
     * @throws IllegalArgumentException if either is negative
     */
    public ConvParams padding(int ph, int pw) {
        Check.nonNegative("conv2d", "padding", ph, pw);
        return new ConvParams(strideH, strideW, ph, ph, pw, pw, dilationH, dilationW, groups);
    }

    /**
     * Asymmetric zero padding, in pixels on each side.
     *
     * @throws IllegalArgumentException if any is negative
     */
    public ConvParams padding(int top, int bottom, int left, int right) {
        Check.nonNegative("conv2d", "padding", top, bottom, left, right);
        return new ConvParams(strideH, strideW, top, bottom, left, right, dilationH, dilationW, groups);
    }

    /**
     * Spacing between kernel taps (1 = dense kernel).
     *
     * @throws IllegalArgumentException unless both are at least 1
     */
    public ConvParams dilation(int dh, int dw) {
        Check.positivePair("conv2d", "dilation", dh, dw);
        return new ConvParams(strideH, strideW, padTop, padBottom, padLeft, padRight, dh, dw, groups);
    }

    /**
     * Number of groups: input and output channels are split into {@code g} independent slices
     * ({@code g == C_in == C_out} is depthwise). Divisibility is checked when the operation runs.
     *
     * @throws IllegalArgumentException if {@code g < 1}
     */
    public ConvParams groups(int g) {
        if (g < 1) {
            throw new IllegalArgumentException("conv2d: groups must be positive, got " + g);
        }
        return new ConvParams(strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, g);
    }

    /** Vertical stride. */
    public int strideH() {
        return strideH;
    }

    /** Horizontal stride. */
    public int strideW() {
        return strideW;
    }

    /** Rows of zeros above the input. */
    public int padTop() {
        return padTop;
    }

    /** Rows of zeros below the input. */
    public int padBottom() {
        return padBottom;
    }

    /** Columns of zeros left of the input. */
    public int padLeft() {
        return padLeft;
    }

    /** Columns of zeros right of the input. */
    public int padRight() {
        return padRight;
    }

    /** Vertical dilation. */
    public int dilationH() {
        return dilationH;
    }

    /** Horizontal dilation. */
    public int dilationW() {
        return dilationW;
    }

    /** Number of groups. */
    public int groups() {
        return groups;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ConvParams)) {
            return false;
        }
        ConvParams p = (ConvParams) o;
        return strideH == p.strideH && strideW == p.strideW && padTop == p.padTop && padBottom == p.padBottom
                && padLeft == p.padLeft && padRight == p.padRight && dilationH == p.dilationH
                && dilationW == p.dilationW && groups == p.groups;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups);
    }

    @Override
    public String toString() {
        return "ConvParams{stride=(" + strideH + ", " + strideW + "), padding=(top " + padTop + ", bottom " + padBottom
                + ", left " + padLeft + ", right " + padRight + "), dilation=(" + dilationH + ", " + dilationW
                + "), groups=" + groups + "}";
    }
}
