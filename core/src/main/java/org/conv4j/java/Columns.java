package org.conv4j.java;

/**
 * Moves rows of an NCHW tensor between their natural place and a contiguous column block.
 *
 * <p>Positions of all images are numbered {@code q = image * P + p}; a block for {@code [q0, q0+nq)} and
 * channels {@code [ch0, ch0+rows)} is {@code buf[r * nq + (q - q0)] = t[image, ch0 + r, p]}. This lets one
 * GEMM cover several small images at once (wide enough for the vector loops) and still read/write NCHW.
 */
final class Columns {
    private Columns() {
    }

    /** {@code buf <- t} block, see the class comment; {@code channels} is C of {@code t}. */
    static void gather(float[] t, int channels, int pOut, int ch0, int rows, long q0, int nq, float[] buf) {
        for (int r = 0; r < rows; r++) {
            long q = q0;
            long qEnd = q0 + nq;
            int d = r * nq;
            while (q < qEnd) {
                int img = (int) (q / pOut);
                int p = (int) (q - (long) img * pOut);
                int cnt = (int) Math.min(pOut - p, qEnd - q);
                System.arraycopy(t, (img * channels + ch0 + r) * pOut + p, buf, d, cnt);
                d += cnt;
                q += cnt;
            }
        }
    }

    /** {@code t <- buf} block (overwrites), the inverse of {@link #gather}. */
    static void scatter(float[] buf, float[] t, int channels, int pOut, int ch0, int rows, long q0, int nq) {
        for (int r = 0; r < rows; r++) {
            long q = q0;
            long qEnd = q0 + nq;
            int s = r * nq;
            while (q < qEnd) {
                int img = (int) (q / pOut);
                int p = (int) (q - (long) img * pOut);
                int cnt = (int) Math.min(pOut - p, qEnd - q);
                System.arraycopy(buf, s, t, (img * channels + ch0 + r) * pOut + p, cnt);
                s += cnt;
                q += cnt;
            }
        }
    }

    /** Whether {@code [q0, q0+nq)} lies inside one image. */
    static boolean oneImage(int pOut, long q0, int nq) {
        return q0 / pOut == (q0 + nq - 1) / pOut;
    }

    /**
     * Offset of channel {@code c0} at flat position {@code q0} (image-major, {@code pOut} positions per plane)
     * in an NCHW tensor of {@code channels} channels: where a block that {@link #oneImage} accepts starts.
     */
    static int offsetInImage(int channels, int pOut, int c0, long q0) {
        int img = (int) (q0 / pOut);
        return (img * channels + c0) * pOut + (int) (q0 - (long) img * pOut);
    }

    /**
     * Chunk length for splitting {@code total} columns among {@code threads}: at most {@code maxChunk}
     * (memory bound, at least 1), and a chunk count that is a multiple of {@code threads} where possible so
     * every thread gets the same share.
     */
    static int chunkSize(long total, long maxChunk, int threads) {
        long max = Math.max(1, Math.min(maxChunk, total));
        long chunks = (total + max - 1) / max;
        chunks = Math.min(total, (chunks + threads - 1) / threads * threads);
        return (int) ((total + chunks - 1) / chunks);
    }
}
