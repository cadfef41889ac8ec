package org.conv4j.nn;

import java.util.List;
import org.conv4j.Tensor;

/**
 * The logistic function {@code y = 1 / (1 + exp(-x))}, element by element, any shape; the book's LeNet
 * activation. Backward: {@code dx = dy * y * (1 - y)}. Computed on the Java heap (on conv4j's threads
 * for large tensors) whatever the input's location; results are heap tensors. No parameters. Not
 * thread-safe.
 */
public final class Sigmoid implements Layer {
    private float[] lastY;
    private int[] lastShape;

    /** A sigmoid layer. */
    public Sigmoid() {
    }

    /**
     * {@code 1 / (1 + exp(-x))} per element; remembers the output for {@link #backward}.
     *
     * @param x any shape, any location
     * @return a heap tensor of the shape of {@code x}, values in {@code [0, 1]}
     * @throws IllegalArgumentException if {@code x} is null
     */
    @Override
    public Tensor forward(Tensor x) {
        Elementwise.checkInput("Sigmoid", x);
        float[] in = Elementwise.values(x);
        float[] out = new float[in.length];
        Elementwise.loop(in.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = (float) (1.0 / (1.0 + Math.exp(-in[i])));
            }
        });
        lastY = out;
        lastShape = x.shape();
        return Elementwise.wrap(out, lastShape);
    }

    /**
     * {@code dx = dy * y * (1 - y)} with {@code y} the last output.
     *
     * @param dy the shape of the last output
     * @return {@code dx}, a heap tensor of that shape
     * @throws IllegalStateException    if {@link #forward} was never called
     * @throws IllegalArgumentException if {@code dy} is null or shaped differently
     */
    @Override
    public Tensor backward(Tensor dy) {
        Elementwise.checkGradient("Sigmoid", dy, lastShape);
        float[] g = Elementwise.values(dy);
        float[] y = lastY;
        float[] dx = new float[g.length];
        Elementwise.loop(g.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                dx[i] = g[i] * (y[i] * (1f - y[i]));
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
        return "Sigmoid";
    }
}
