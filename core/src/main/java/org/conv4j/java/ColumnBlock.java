package org.conv4j.java;

import org.conv4j.spi.ConvGeometry;

/**
 * The column operand of one block of output positions {@code [q0, q0 + nq)} of one group: the
 * {@code (C_in/g * kH * kW) x nq} matrix that forward and backward-weights multiply with. Where the input
 * itself is that matrix (1x1, stride 1, no padding, block inside one image) it points into {@code x} with no
 * copy; otherwise it is gathered or im2col'd into the thread's scratch. One instance per {@link Scratch},
 * refilled for every block, so nothing is allocated per block.
 */
final class ColumnBlock {
    /** The array holding the matrix: {@code x} itself or the scratch column buffer. */
    float[] array;
    /** Offset of element (0, 0) in {@link #array}. */
    int offset;
    /** Distance between rows in {@link #array}. */
    int rowStride;

    /**
     * Points this block at the columns of {@code x} for group {@code grp} and positions {@code [q0, q0 + nq)}.
     *
     * @param pointwise whether the convolution is 1x1, stride 1 and unpadded (the input planes are the columns)
     */
    void fill(ConvGeometry g, float[] x, int grp, long q0, int nq, boolean pointwise, Scratch s) {
        int pOut = g.hOut * g.wOut;
        int cig = g.cInPerGroup();
        if (pointwise && Columns.oneImage(pOut, q0, nq)) {
            array = x;
            offset = Columns.offsetInImage(g.cIn, pOut, grp * cig, q0);
            rowStride = pOut;
            return;
        }
        array = s.col(cig * g.kh * g.kw * nq);
        offset = 0;
        rowStride = nq;
        if (pointwise) {
            Columns.gather(x, g.cIn, pOut, grp * cig, cig, q0, nq, array);
        } else {
            Im2Col.im2col(g, x, grp * cig, cig, q0, nq, array);
        }
    }
}
