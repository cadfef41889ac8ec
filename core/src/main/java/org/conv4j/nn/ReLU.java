package org.conv4j.nn;

/**
 * The rectifier {@code y = max(x, 0)}, element by element, any shape. Backward: {@code dx = dy} where
 * {@code x > 0}, else 0 (also at exactly 0, as PyTorch). Computed on the Java heap (on conv4j's threads
 * for large tensors) whatever the input's location; results are heap tensors. No parameters. Not
 * thread-safe.
 */
public final class ReLU extends OutputActivation {
    /** A ReLU layer. */
    public ReLU() {
        super("ReLU");
    }

    /** {@code max(x, 0)}; NaN stays NaN. */
    @Override
    void forwardRange(float[] in, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = in[i];
            out[i] = v > 0f || v != v ? v : 0f;
        }
    }

    /** {@code dy} where the output (so the input) was positive, 0 elsewhere. */
    @Override
    void backwardRange(float[] dy, float[] y, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] = y[i] > 0f ? dy[i] : 0f;
        }
    }
}
