package org.conv4j.java;

import org.conv4j.internal.Parallel;
import org.conv4j.spi.ConvGeometry;

/**
 * Weight gradient as GEMM per group: {@code dW_g[cOut/g x K] += dY_g[cOut/g x Q] col_g^T}, summed over all
 * output positions {@code Q} of the batch.
 *
 * <p>Positions are cut into bounded chunks; each thread slot sums its contiguous run of chunks into its own
 * partial buffer (slot 0 writes the result directly), and the partials are added in slot order, so the
 * result is deterministic for a given thread count. {@code col^T} is never materialised: the GEMM packs B
 * transposed from the column matrix. Depthwise-style groups go to {@link DepthwiseConv}.
 */
final class ConvBackwardWeights {
    private ConvBackwardWeights() {
    }

    static float[] run(ConvGeometry g, float[] dy, float[] x) {
        int cig = g.cInPerGroup();
        int cog = g.cOutPerGroup();
        int kDim = cig * g.kh * g.kw;
        float[] dw = new float[g.cOut * kDim];
        if (g.groups > 1 && cig == 1) {
            DepthwiseConv.backwardWeights(g, dy, x, dw);
            return dw;
        }
        int pOut = g.hOut * g.wOut;
        boolean pointwise = ConvForward.isPointwise(g);
        long total = (long) g.n * pOut;
        int threads = Scratch.threadsFor(g.flops() / 2);
        int qc = Columns.chunkSize(total, Scratch.blockFloats / Math.max(kDim, cog), threads);
        int chunks = (int) ((total + qc - 1) / qc);
        int slots = Math.min(threads, chunks);
        float[][] partial = new float[slots][];
        partial[0] = dw;
        Parallel.forRange(slots, threads == 1 ? Integer.MAX_VALUE : 1, (from, to) -> {
            Scratch s = Scratch.get();
            for (int slot = from; slot < to; slot++) {
                float[] acc = slot == 0 ? dw : new float[dw.length];
                partial[slot] = acc;
                int ch0 = (int) ((long) chunks * slot / slots);
                int ch1 = (int) ((long) chunks * (slot + 1) / slots);
                for (int ch = ch0; ch < ch1; ch++) {
                    long q0 = (long) ch * qc;
                    int nq = (int) Math.min(qc, total - q0);
                    for (int grp = 0; grp < g.groups; grp++) {
                        block(g, dy, x, acc, grp, q0, nq, pointwise, s);
                    }
                }
            }
            s.trim();
        });
        if (slots > 1) {
            Parallel.forRange(dw.length, 1 << 14, (from, to) -> {
                for (int slot = 1; slot < slots; slot++) {
                    float[] p = partial[slot];
                    for (int i = from; i < to; i++) {
                        dw[i] += p[i];
                    }
                }
            });
        }
        return dw;
    }

    private static void block(ConvGeometry g, float[] dy, float[] x, float[] acc, int grp, long q0, int nq,
                              boolean pointwise, Scratch s) {
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
        float[] a;
        int aOff;
        int aRs;
        if (one) {
            a = dy;
            aOff = Columns.offsetInImage(g.cOut, pOut, grp * cog, q0);
            aRs = pOut;
        } else {
            a = s.aux(cog * nq);
            Columns.gather(dy, g.cOut, pOut, grp * cog, cog, q0, nq, a);
            aOff = 0;
            aRs = nq;
        }
        // B(q, k) = col[k][q]: the column matrix read transposed.
        Gemm.gemm(cog, kDim, nq, a, aOff, aRs, 1, b, bOff, ldb, true, acc, grp * cog * kDim, kDim, true, s.gemm);
    }
}
