package org.conv4j.java;

import org.conv4j.internal.Parallel;
import org.conv4j.spi.IndexGeometry;

/**
 * The operations driven by saved max-pool indices, parallel over the {@code N*C} planes: the gradient
 * (one add per pooled output into its plane, in row-major order, so sums are reproducible) and
 * max-unpooling (one store per pooled value; the last in row-major order wins). The indices were
 * checked in range by {@link IndexGeometry}.
 */
final class IndexedPooling {
    private IndexedPooling() {
    }

    private static int grainPlanes(IndexGeometry g) {
        long perPlane = Math.max(1L, (long) g.hs * g.ws + (long) g.hb * g.wb);
        return (int) Math.max(1, Pooling.grainOps / perPlane);
    }

    static float[] backward(IndexGeometry g, float[] dy, int[] idx) {
        int big = g.hb * g.wb;
        int small = g.hs * g.ws;
        float[] dx = new float[g.n * g.c * big];
        Parallel.forPieces(g.n * g.c, grainPlanes(g), (from, to) -> {
            for (int p = from; p < to; p++) {
                int xb = p * big;
                int ys = p * small;
                for (int k = 0; k < small; k++) {
                    dx[xb + idx[ys + k]] += dy[ys + k];
                }
            }
        });
        return dx;
    }

    static float[] unpool(IndexGeometry g, float[] x, int[] idx) {
        int big = g.hb * g.wb;
        int small = g.hs * g.ws;
        float[] y = new float[g.n * g.c * big];
        Parallel.forPieces(g.n * g.c, grainPlanes(g), (from, to) -> {
            for (int p = from; p < to; p++) {
                int yb = p * big;
                int xs = p * small;
                for (int k = 0; k < small; k++) {
                    y[yb + idx[xs + k]] = x[xs + k];
                }
            }
        });
        return y;
    }
}
