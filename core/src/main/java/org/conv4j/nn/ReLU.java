package org.conv4j.nn;

import java.util.List;
import org.conv4j.Tensor;

/**
 * The rectifier {@code y = max(x, 0)}, element by element, any shape. Backward: {@code dx = dy} where
 * {@code x > 0}, else 0 (also at exactly 0, as PyTorch). Computed on the Java heap (on conv4j's threads
 * for large tensors) whatever the input's location; results are heap tensors. No parameters. Not
 * thread-safe.
 */
public final class ReLU implements Layer {
    private float[] lastY;
    private int[] lastShape;

    /** A ReLU layer. */
    public ReLU() {
    }

    /**
     * {@code max(x, 0)} per element (NaN stays NaN); remembers the output for {@link #backward}.
     *
     * @param x any shape, any location
     * @return a heap tensor of the shape of {@code x}
     * @throws IllegalArgumentException if {@code x} is null
     */
    @Override
    public Tensor forward(Tensor x) {
        Elementwise.checkInput("ReLU", x);
        float[] in = Elementwise.values(x);
        float[] out = new float[in.length];
        Elementwise.loop(in.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                float v = in[i];
                out[i] = v > 0f || v != v ? v : 0f;
            }
        });
        lastY = out;
        lastShape = x.shape();
        return Elementwise.wrap(out, lastShape);
    }

    /**
     * {@code dy} where the last input was positive, 0 elsewhere.
     *
     * @param dy the shape of the last output
     * @return {@code dx}, a heap tensor of that shape
     * @throws IllegalStateException    if {@link #forward} was never called
     * @throws IllegalArgumentException if {@code dy} is null or shaped differently
     */
    @Override
    public Tensor backward(Tensor dy) {
        Elementwise.checkGradient("ReLU", dy, lastShape);
        float[] g = Elementwise.values(dy);
        float[] y = lastY;
        float[] dx = new float[g.length];
        Elementwise.loop(g.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                dx[i] = y[i] > 0f ? g[i] : 0f;
            }
        });
        return Elementwise.wrap(dx, lastShape);
    }

    /** None: an empty list. */
    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public String toString() {
        return "ReLU";
    }
}
