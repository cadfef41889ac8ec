package org.conv4j.java;

import org.conv4j.internal.Parallel;
import org.conv4j.spi.ConvGeometry;

/**
 * Forward convolution as im2col + GEMM per group: {@code Y_g[cOut/g x Q] = W_g[cOut/g x K] col_g[K x Q]}
 * with {@code K = (cIn/g) kh kw} and {@code Q} output positions of the batch.
 *
 * <p>The positions are cut into chunks (bounded column matrix, and a multiple of the thread count so the
 * work divides evenly); a chunk may span several small images, in which case the GEMM writes a contiguous
 * block that is scattered back to NCHW. The 1x1, stride-1, unpadded case skips im2col: the input planes
 * are the column matrix. Depthwise-style groups ({@code cIn/g == 1}) go to {@link DepthwiseConv}.
 */
final class ConvForward {
    private ConvForward() {
    }

    static float[] run(ConvGeometry g, float[] x, float[] w, float[] bias) {
        int pOut = g.hOut * g.wOut;
        float[] y = new float[g.n * g.cOut * pOut];
        if (g.groups > 1 && g.cInPerGroup() == 1) {
            DepthwiseConv.forward(g, x, w, bias, y);
            return y;
        }
        int cig = g.cInPerGroup();
        int cog = g.cOutPerGroup();
        int kDim = cig * g.kh * g.kw;
        boolean pointwise = isPointwise(g);
        long total = (long) g.n * pOut;
        int threads = Scratch.threadsFor(g.flops() / 2);
        int qc = Columns.chunkSize(total, Scratch.blockFloats / Math.max(kDim, cog), Math.max(1, threads / g.groups));
        int chunks = (int) ((total + qc - 1) / qc);
        Parallel.forPieces(g.groups * chunks, threads == 1 ? Integer.MAX_VALUE : 1, (from, to) -> {
            Scratch s = Scratch.get();
            for (int it = from; it < to; it++) {
                int grp = it / chunks;
                long q0 = (long) (it % chunks) * qc;
                int nq = (int) Math.min(qc, total - q0);
                block(g, x, w, bias, y, grp, q0, nq, pointwise, s);
            }
            s.trim();
        });
        return y;
    }

    /** 1x1 kernel, stride 1, no padding: each output position reads exactly its own input pixel. */
    static boolean isPointwise(ConvGeometry g) {
        return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1
                && g.padTop == 0 && g.padBottom == 0 && g.padLeft == 0 && g.padRight == 0;
    }

    private static void block(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, int grp, long q0,
                              int nq, boolean pointwise, Scratch s) {
        int pOut = g.hOut * g.wOut;
        int cig = g.cInPerGroup();
        int cog = g.cOutPerGroup();
        int kDim = cig * g.kh * g.kw;
        boolean one = Columns.oneImage(pOut, q0, nq);
        ColumnBlock cols = s.columns;
        cols.fill(g, x, grp, q0, nq, pointwise, s);
        float[] b = cols.array;
        int bOff = cols.offset;
        int ldb = cols.rowStride;
        float[] c;
        int cOff;
        int ldc;
        if (one) {
            c = y;
            cOff = Columns.offsetInImage(g.cOut, pOut, grp * cog, q0);
            ldc = pOut;
        } else {
            c = s.aux(cog * nq);
            cOff = 0;
            ldc = nq;
        }
        Gemm.gemm(cog, nq, kDim, w, grp * cog * kDim, kDim, 1, b, bOff, ldb, false, c, cOff, ldc, false, s.gemm);
        if (bias != null) {
            for (int co = 0; co < cog; co++) {
                addConstant(c, cOff + co * ldc, nq, bias[grp * cog + co]);
            }
        }
        if (!one) {
            Columns.scatter(c, y, g.cOut, pOut, grp * cog, cog, q0, nq);
        }
    }

    private static void addConstant(float[] c, int off, int n, float v) {
        for (int j = off; j < off + n; j++) {
            c[j] += v;
        }
    }
}
