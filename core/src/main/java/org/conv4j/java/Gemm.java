package org.conv4j.java;

import java.util.Arrays;

/**
 * Single-threaded cache-blocked SGEMM on {@code float[]} with offsets and strides, shaped for HotSpot
 * C2's auto-vectorizer: {@code C[i][j] (+)= sum_k A(i,k) B(k,j)} for {@code i < m, j < n, k < kk}.
 *
 * <p>Operands: {@code A(i,k) = a[aOff + i*aRs + k*aCs]} (any strides, so W, W^T and dY all fit);
 * {@code B(k,j) = b[bOff + k*ldb + j]}, or with {@code transB} {@code b[bOff + j*ldb + k]};
 * {@code C(i,j) = c[cOff + i*ldc + j]}.
 *
 * <p>Why the packing: C2 (JDK 17) vectorizes {@code c[j] += a0*b0[j] + ...} only when every array
 * access in the loop has the same index expression; accesses with different loop-invariant offsets
 * ({@code c[co + j]}, {@code b[bo + j]}) stay scalar (measured: 10 vs 45 GFLOP/s on one core). So a
 * {@code KB x NB} block of B is copied into separate row arrays (the panel, L1-sized) and the C block
 * into separate row arrays (the tile, L2-sized), and the micro-kernel runs on rows indexed by plain
 * {@code j}. The micro-kernel updates one C row with four B rows per pass (one load/store of C per
 * four multiply-adds). Multi-threading is the caller's job: one {@link Workspace} per thread.
 */
final class Gemm {
    /** K block: panel rows; 32 rows x 256 floats = 32 KiB, about one L1. */
    static final int KB = 32;
    /** N block: columns of the panel and the tile. */
    static final int NB = 256;
    /** M block: rows of the C tile; 256 x 256 floats = 256 KiB, half an L2. */
    static final int MB = 256;

    private Gemm() {
    }

    /** Per-thread scratch: the packed B panel and the C tile. Not thread-safe; reuse within one thread. */
    static final class Workspace {
        final float[][] panel = new float[KB][NB];
        final float[][] tile = new float[MB][NB];
    }

    /**
     * {@code C = A B} ({@code accumulate == false}) or {@code C += A B}, see the class comment for the
     * operand layout. Sizes must be positive; indices are the caller's responsibility (all in {@code int}).
     */
    static void gemm(int m, int n, int kk,
                     float[] a, int aOff, int aRs, int aCs,
                     float[] b, int bOff, int ldb, boolean transB,
                     float[] c, int cOff, int ldc, boolean accumulate, Workspace ws) {
        if (kk == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        float[][] panel = ws.panel;
        float[][] tile = ws.tile;
        for (int j0 = 0; j0 < n; j0 += NB) {
            int nb = Math.min(NB, n - j0);
            for (int i0 = 0; i0 < m; i0 += MB) {
                int mb = Math.min(MB, m - i0);
                int c0 = cOff + i0 * ldc + j0;
                for (int i = 0; i < mb; i++) {
                    if (accumulate) {
                        System.arraycopy(c, c0 + i * ldc, tile[i], 0, nb);
                    } else {
                        Arrays.fill(tile[i], 0, nb, 0f);
                    }
                }
                for (int k0 = 0; k0 < kk; k0 += KB) {
                    int kb = Math.min(KB, kk - k0);
                    pack(b, bOff, ldb, transB, k0, kb, j0, nb, panel);
                    multiplyPanel(mb, kb, nb, a, aOff + i0 * aRs + k0 * aCs, aRs, aCs, panel, tile);
                }
                for (int i = 0; i < mb; i++) {
                    System.arraycopy(tile[i], 0, c, c0 + i * ldc, nb);
                }
            }
        }
    }

    /** Copies B rows {@code k0..k0+kb} columns {@code j0..j0+nb} into the panel rows. */
    private static void pack(float[] b, int bOff, int ldb, boolean transB, int k0, int kb, int j0, int nb,
                             float[][] panel) {
        if (!transB) {
            for (int k = 0; k < kb; k++) {
                System.arraycopy(b, bOff + (k0 + k) * ldb + j0, panel[k], 0, nb);
            }
            return;
        }
        // B(k,j) = b[bOff + j*ldb + k]: read each source row (fixed j) contiguously along k.
        for (int j = 0; j < nb; j++) {
            int src = bOff + (j0 + j) * ldb + k0;
            for (int k = 0; k < kb; k++) {
                panel[k][j] = b[src + k];
            }
        }
    }

    /** tile[i][0..nb) += sum over the kb panel rows of A(i, k) * panel[k]. */
    private static void multiplyPanel(int m, int kb, int nb, float[] a, int aOff, int aRs, int aCs,
                                      float[][] panel, float[][] tile) {
        int k4 = kb & ~3;
        for (int i = 0; i < m; i++) {
            float[] ct = tile[i];
            int ai = aOff + i * aRs;
            int k = 0;
            for (; k < k4; k += 4) {
                int ak = ai + k * aCs;
                axpy4(ct, a[ak], a[ak + aCs], a[ak + 2 * aCs], a[ak + 3 * aCs],
                        panel[k], panel[k + 1], panel[k + 2], panel[k + 3], nb);
            }
            for (; k < kb; k++) {
                axpy1(ct, a[ai + k * aCs], panel[k], nb);
            }
        }
    }

    /** The micro-kernel: {@code c[j] += a0 b0[j] + a1 b1[j] + a2 b2[j] + a3 b3[j]}; all indices plain {@code j}. */
    private static void axpy4(float[] c, float a0, float a1, float a2, float a3,
                              float[] b0, float[] b1, float[] b2, float[] b3, int n) {
        for (int j = 0; j < n; j++) {
            c[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
        }
    }

    private static void axpy1(float[] c, float a0, float[] b0, int n) {
        for (int j = 0; j < n; j++) {
            c[j] += a0 * b0[j];
        }
    }
}
