package org.conv4j.java;

import org.conv4j.internal.Parallel;
import org.conv4j.spi.ConvGeometry;

/**
 * Input gradient as GEMM + col2im per group: {@code dcol_g[K x Q] = W_g^T dY_g}, then col2im adds each
 * column back onto the input positions it was read from.
 *
 * <p>Threads own disjoint (image block, channel block) pairs, so col2im never races and the result does not
 * depend on the thread count. Within a pair, positions are processed in bounded chunks in order. The 1x1,
 * stride-1, unpadded case writes {@code W_g^T dY_g} straight into the input planes (no col2im).
 * Depthwise-style groups ({@code cIn/g == 1}) go to {@link DepthwiseConv}.
 */
final class ConvBackwardData {
    private ConvBackwardData() {
    }

    static float[] run(ConvGeometry g, float[] dy, float[] w) {
        float[] dx = new float[g.n * g.cIn * g.h * g.w];
        if (g.groups > 1 && g.cInPerGroup() == 1) {
            DepthwiseConv.backwardData(g, dy, w, dx);
            return dx;
        }
        if (ConvForward.isPointwise(g)) {
            pointwise(g, dy, w, dx);
            return dx;
        }
        int cig = g.cInPerGroup();
        int threads = Scratch.threadsFor(g.flops() / 2);
        int imageBlocks = Math.min(g.n, threads);
        int channelBlocks = Math.min(cig, (threads + imageBlocks - 1) / imageBlocks);
        int cb = (cig + channelBlocks - 1) / channelBlocks;
        int cBlocks = (cig + cb - 1) / cb;
        int perGroup = imageBlocks * cBlocks;
        Parallel.forPieces(g.groups * perGroup, threads == 1 ? Integer.MAX_VALUE : 1, (from, to) -> {
            Scratch s = Scratch.get();
            for (int it = from; it < to; it++) {
                int grp = it / perGroup;
                int r = it % perGroup;
                int ib = r / cBlocks;
                int c0 = (r % cBlocks) * cb;
                int i0 = (int) ((long) g.n * ib / imageBlocks);
                int i1 = (int) ((long) g.n * (ib + 1) / imageBlocks);
                item(g, dy, w, dx, grp, i0, i1, c0, Math.min(cb, cig - c0), s);
            }
            s.trim();
        });
        return dx;
    }

    /** Images {@code [i0, i1)}, channels {@code c0 .. c0+channels} of group {@code grp}. */
    private static void item(ConvGeometry g, float[] dy, float[] w, float[] dx, int grp, int i0, int i1, int c0,
                             int channels, Scratch s) {
        int pOut = g.hOut * g.wOut;
        int cig = g.cInPerGroup();
        int cog = g.cOutPerGroup();
        int taps = g.kh * g.kw;
        int kDim = cig * taps;
        int rows = channels * taps;
        long qStart = (long) i0 * pOut;
        long qEnd = (long) i1 * pOut;
        int qc = (int) Math.max(1, Math.min(qEnd - qStart, Scratch.blockFloats / Math.max(rows, cog)));
        for (long q0 = qStart; q0 < qEnd; q0 += qc) {
            int nq = (int) Math.min(qc, qEnd - q0);
            float[] b;
            int bOff;
            int ldb;
            if (Columns.oneImage(pOut, q0, nq)) {
                b = dy;
                bOff = Columns.offsetInImage(g.cOut, pOut, grp * cog, q0);
                ldb = pOut;
            } else {
                b = s.aux(cog * nq);
                Columns.gather(dy, g.cOut, pOut, grp * cog, cog, q0, nq, b);
                bOff = 0;
                ldb = nq;
            }
            float[] col = s.col(rows * nq);
            // A(r, co) = W[grp*cog + co][c0*taps + r]: W_g transposed.
            Gemm.gemm(rows, nq, cog, w, grp * cog * kDim + c0 * taps, 1, kDim, b, bOff, ldb, false,
                    col, 0, nq, false, s.gemm);
            Im2Col.col2im(g, col, grp * cig + c0, channels, q0, nq, dx);
        }
    }

    /** {@code dx_g = W_g^T dY_g} directly on the planes, chunks of positions in parallel. */
    private static void pointwise(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        int pOut = g.hOut * g.wOut;
        int cig = g.cInPerGroup();
        int cog = g.cOutPerGroup();
        long total = (long) g.n * pOut;
        int threads = Scratch.threadsFor(g.flops() / 2);
        int qc = Columns.chunkSize(total, Scratch.blockFloats / Math.max(cig, cog), Math.max(1, threads / g.groups));
        int chunks = (int) ((total + qc - 1) / qc);
        Parallel.forPieces(g.groups * chunks, threads == 1 ? Integer.MAX_VALUE : 1, (from, to) -> {
            Scratch s = Scratch.get();
            for (int it = from; it < to; it++) {
                int grp = it / chunks;
                long q0 = (long) (it % chunks) * qc;
                int nq = (int) Math.min(qc, total - q0);
                int aOff = grp * cog * cig;
                if (Columns.oneImage(pOut, q0, nq)) {
                    Gemm.gemm(cig, nq, cog, w, aOff, 1, cig, dy, Columns.offsetInImage(g.cOut, pOut, grp * cog, q0),
                            pOut, false, dx, Columns.offsetInImage(g.cIn, pOut, grp * cig, q0), pOut, false, s.gemm);
                } else {
                    float[] b = s.aux(cog * nq);
                    Columns.gather(dy, g.cOut, pOut, grp * cog, cog, q0, nq, b);
                    float[] c = s.col(cig * nq);
                    Gemm.gemm(cig, nq, cog, w, aOff, 1, cig, b, 0, nq, false, c, 0, nq, false, s.gemm);
                    Columns.scatter(c, dx, g.cIn, pOut, grp * cig, cig, q0, nq);
                }
            }
            s.trim();
        });
    }
}
