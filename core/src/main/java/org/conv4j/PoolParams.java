package org.conv4j;

import org.conv4j.internal.Check;

/**
 * Window, stride and padding of 2-D max or average pooling: an immutable value with withers.
 *
 * <pre>{@code PoolParams p = PoolParams.of(3, 3).stride(2, 2).padding(1, 1);}</pre>
 *
 * <p>The stride defaults to the window (as in MXNet and PyTorch). Padded cells never win a max;
 * for averages they count in the divisor only with {@link #countIncludePad(boolean) countIncludePad(true)}
 * (the default). With {@link #ceilMode(boolean) ceilMode(true)} the output size is rounded up, and a
 * window that would start inside the bottom/right padding is dropped (PyTorch's rule).
 */
public final class PoolParams {
    private final int kernelH;
    private final int kernelW;
    private final int strideH;
    private final int strideW;
    private final int padH;
    private final int padW;
    private final boolean countIncludePad;
    private final boolean ceilMode;

    private PoolParams(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                       boolean countIncludePad, boolean ceilMode) {
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
        this.countIncludePad = countIncludePad;
        this.ceilMode = ceilMode;
    }

    /**
     * A {@code kh x kw} window with stride equal to the window and no padding.
     *
     * @param kh window height, at least 1
     * @param kw window width, at least 1
     * @return a {@code kh x kw} window with stride equal to the window and no padding
     * @throws IllegalArgumentException unless both are at least 1
     */
    public static PoolParams of(int kh, int kw) {
        Check.positivePair("pool2d", "kernel", kh, kw);
        return new PoolParams(kh, kw, kh, kw, 0, 0, true, false);
    }

    /**
     * Step between windows, in input pixels.
     *
     * @param sh vertical stride, at least 1
     * @param sw horizontal stride, at least 1
     * @return a copy with this setting (this object is unchanged)
     * @throws IllegalArgumentException unless both are at least 1
     */
    public PoolParams stride(int sh, int sw) {
        Check.positivePair("pool2d", "stride", sh, sw);
        return new PoolParams(kernelH, kernelW, sh, sw, padH, padW, countIncludePad, ceilMode);
    }

    /**
     * Symmetric padding: {@code ph} rows top and bottom, {@code pw} columns left and right. Each must be
     * at most half the window (checked when the operation runs).
     *
     * @param ph rows of zeros added at the top and at the bottom, at least 0
     * @param pw columns of zeros added on the left and on the right, at least 0
     * @return a copy with this setting (this object is unchanged)
     * @throws IllegalArgumentException if either is negative
     */
    public PoolParams padding(int ph, int pw) {
        Check.nonNegative("pool2d", "padding", ph, pw);
        return new PoolParams(kernelH, kernelW, strideH, strideW, ph, pw, countIncludePad, ceilMode);
    }

    /**
     * Average pooling only: whether padded cells count in the divisor (default {@code true}).
     *
     * @param include {@code true}: padded cells count in the divisor (PyTorch's default); {@code false}: only input cells
     * @return a copy with this setting (this object is unchanged)
     */
    public PoolParams countIncludePad(boolean include) {
        return new PoolParams(kernelH, kernelW, strideH, strideW, padH, padW, include, ceilMode);
    }

    /**
     * Whether the output size rounds up instead of down (default {@code false}).
     *
     * @param ceil {@code true}: the output size rounds up, {@code false}: down
     * @return a copy with this setting (this object is unchanged)
     */
    public PoolParams ceilMode(boolean ceil) {
        return new PoolParams(kernelH, kernelW, strideH, strideW, padH, padW, countIncludePad, ceil);
    }

    /**
     * Window height.
     *
     * @return window height
     */
    public int kernelH() {
        return kernelH;
    }

    /**
     * Window width.
     *
     * @return window width
     */
    public int kernelW() {
        return kernelW;
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
     * Rows of padding above and below.
     *
     * @return rows of padding above and below
     */
    public int padH() {
        return padH;
    }

    /**
     * Columns of padding left and right.
     *
     * @return columns of padding left and right
     */
    public int padW() {
        return padW;
    }

    /**
     * Whether average pooling divides by the full window including padding.
     *
     * @return whether average pooling divides by the full window including padding
     */
    public boolean countIncludePad() {
        return countIncludePad;
    }

    /**
     * Whether output sizes round up.
     *
     * @return whether output sizes round up
     */
    public boolean ceilMode() {
        return ceilMode;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PoolParams)) {
            return false;
        }
        PoolParams p = (PoolParams) o;
        return kernelH == p.kernelH && kernelW == p.kernelW && strideH == p.strideH && strideW == p.strideW
                && padH == p.padH && padW == p.padW && countIncludePad == p.countIncludePad && ceilMode == p.ceilMode;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(kernelH, kernelW, strideH, strideW, padH, padW, countIncludePad, ceilMode);
    }

    @Override
    public String toString() {
        return "PoolParams{kernel=(" + kernelH + ", " + kernelW + "), stride=(" + strideH + ", " + strideW
                + "), padding=(" + padH + ", " + padW + "), countIncludePad=" + countIncludePad
                + ", ceilMode=" + ceilMode + "}";
    }
}
