package org.conv4j;

/**
 * Which algorithms a backend may use, by their accuracy contract (see {@code docs/accuracy.md}). Ask a
 * backend for one with {@link Backend#withPrecision(Precision)}; {@link Backends#auto()} and
 * {@link Backends#cpu()} give {@link #ACCURATE}.
 *
 * <p>Notation: {@code u = 2^-24} (float32 unit roundoff); an output {@code y = sum of m terms t_k} (products
 * {@code x * w} and the bias).
 */
public enum Precision {
    /**
     * Every output is a float32 sum, in some order, of the exact products of its definition (direct loops,
     * im2col + GEMM, implicit GEMM): {@code |y_computed - y| <= (m + 1) u sum|t_k|} for any data, and results
     * are exact whenever every partial sum is representable (e.g. small integers). The default. Every backend
     * supports it (java and cuda have no other algorithms).
     */
    ACCURATE,
    /**
     * Additionally allows algorithms that trade accuracy on adversarial data for speed: on the cpu backend,
     * Winograd F(2x2, 3x3) for 3x3 stride-1 undilated forward and backward-data convolutions and
     * F(3x3, 2x2) for their weight gradient, where they measured faster. Their error is bounded by the
     * tile's magnitudes rather than the output's own terms, e.g. forward
     * {@code |y_computed - y| <= 4 (C + 12) u (sum over channels c of sum|x tile_c| * sum|w_c| + |bias|)}
     * with {@code C} summed channels and {@code x tile_c} the 4x4 input tile of the output; on typical network
     * data (normal or ReLU activations, He-initialised weights) that is within the {@link #ACCURATE} bound as
     * well, but data spanning many binades can exceed it by orders of magnitude, and an infinity in a tile can
     * turn the tile's other outputs into NaN. Backends without such algorithms ignore it.
     */
    FASTEST
}
