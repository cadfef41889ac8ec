package org.conv4j.java;

import org.conv4j.internal.Parallel;

/** Bias gradient: {@code db[c] = sum over n, h, w of dy[n, c, h, w]}, accumulated in double per channel. */
final class BiasGradient {
    private BiasGradient() {
    }

    static float[] run(float[] dy, int n, int c, int hw) {
        float[] db = new float[c];
        Parallel.forPieces(c, Math.max(1, (1 << 15) / Math.max(1, n * hw)), (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += sumRun(dy, (i * c + ch) * hw, hw);
                }
                db[ch] = (float) s;
            }
        });
        return db;
    }

    /** Sum of a run with four independent double accumulators (accurate and not one long dependency chain). */
    private static double sumRun(float[] a, int off, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < len; k += 4) {
            s0 += a[off + k];
            s1 += a[off + k + 1];
            s2 += a[off + k + 2];
            s3 += a[off + k + 3];
        }
        for (; k < len; k++) {
            s0 += a[off + k];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
