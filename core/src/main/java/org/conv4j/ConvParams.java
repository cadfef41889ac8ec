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

    /**
     * Stride 1x1, no padding, dilation 1x1, one group.
     *
     * @return stride 1x1, no padding, dilation 1x1, one group
     */
    public static ConvParams defaults() {
        return DEFAULTS;
    }

    /**
     * Step between windows, in input pixels.
     *
     * @param sh vertical stride, at least 1
     * @param sw horizontal stride, at least 1
     * @return a copy with this setting (this object is unchanged)
     * @throws IllegalArgumentException unless both are at least 1, e.g. {@code conv2d: stride must be positive, got (1, 0)}
     */
    public ConvParams stride(int sh, int sw) {
        Check.positivePair("conv2d", "stride", sh, sw);
        return new ConvParams(sh, sw, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups);
    }

    /**
     * Symmetric zero padding: {@code ph} rows at top and bottom, {@code pw} columns left and right.
     *
     * @param ph rows of zeros added at the top and at the bottom, at least 0
     * @param pw columns of zeros added on the left and on the right, at least 0
     * @return a copy with this setting (this object is unchanged)
     * @throws IllegalArgumentException if either is negative
     */
    public ConvParams padding(int ph, int pw) {
        Check.nonNegative("conv2d", "padding", ph, pw);
        return new ConvParams(strideH, strideW, ph, ph, pw, pw, dilationH, dilationW, groups);
    }

    /**
     * Asymmetric zero padding, in pixels on each side.
     *
     * @param top rows of zeros above the input
     * @param bottom rows of zeros below the input
     * @param left columns of zeros left of the input
     * @param right columns of zeros right of the input
     * @return a copy with this setting (this object is unchanged)
     * @throws IllegalArgumentException if any is negative
     */
    public ConvParams padding(int top, int bottom, int left, int right) {
        Check.nonNegative("conv2d", "padding", top, bottom, left, right);
        return new ConvParams(strideH, strideW, top, bottom, left, right, dilationH, dilationW, groups);
    }

    /**
     * Spacing between kernel taps (1 = dense kernel).
     *
     * @param dh vertical dilation, at least 1
     * @param dw horizontal dilation, at least 1
     * @return a copy with this setting (this object is unchanged)
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
     * @param g number of groups, at least 1; must divide the input and output channel counts
     * @return a copy with this setting (this object is unchanged)
     * @throws IllegalArgumentException if {@code g < 1}
     */
    public ConvParams groups(int g) {
        if (g < 1) {
            throw new IllegalArgumentException("conv2d: groups must be positive, got " + g);
        }
        return new ConvParams(strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, g);
    }

    /**
     * Vertical stride.
     *
     * @return vertical stride
     */
    public int strideH() {
        return strideH;
    }

    /**
     * Horizontal stride.
     *
     * @return horizontal stride
     */
    public int strideW() {
        return strideW;
    }

    /**
     * Rows of zeros above the input.
     *
     * @return rows of zeros above the input
     */
    public int padTop() {
        return padTop;
    }

    /**
     * Rows of zeros below the input.
     *
     * @return rows of zeros below the input
     */
    public int padBottom() {
        return padBottom;
    }

    /**
     * Columns of zeros left of the input.
     *
     * @return columns of zeros left of the input
     */
    public int padLeft() {
        return padLeft;
    }

    /**
     * Columns of zeros right of the input.
     *
     * @return columns of zeros right of the input
     */
    public int padRight() {
        return padRight;
    }

    /**
     * Vertical dilation.
     *
     * @return vertical dilation
     */
    public int dilationH() {
        return dilationH;
    }

    /**
     * Horizontal dilation.
     *
     * @return horizontal dilation
     */
    public int dilationW() {
        return dilationW;
    }

    /**
     * Number of groups.
     *
     * @return number of groups
     */
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
