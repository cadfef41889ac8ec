package org.conv4j.nn;

import java.util.List;
import org.conv4j.Tensor;

/**
 * An activation whose gradient is a function of its output ({@link ReLU}, {@link Sigmoid}): forward maps
 * each element and remembers the output, backward combines {@code dy} with it element by element. Both run on
 * the Java heap, in parallel for large tensors, whatever the input's location; results are heap tensors. No
 * parameters. Not thread-safe.
 */
abstract class OutputActivation implements Layer {
    private final String name;
    private float[] lastY;
    private int[] lastShape;

    OutputActivation(String name) {
        this.name = name;
    }

    /** {@code out[i] = f(in[i])} for {@code i} in {@code [from, to)}. */
    abstract void forwardRange(float[] in, float[] out, int from, int to);

    /** {@code dx[i] = dy[i] * f'(x[i])}, written from the output {@code y}, for {@code i} in {@code [from, to)}. */
    abstract void backwardRange(float[] dy, float[] y, float[] dx, int from, int to);

    /**
     * The activation of every element (the class comment gives the function); remembers the output for
     * {@link #backward}.
     *
     * @param x any shape, any location
     * @return a heap tensor of the shape of {@code x}
     * @throws IllegalArgumentException if {@code x} is null
     */
    @Override
    public final Tensor forward(Tensor x) {
        Elementwise.checkInput(name, x);
        float[] in = Elementwise.values(x);
        float[] out = new float[in.length];
        Elementwise.loop(in.length, (from, to) -> forwardRange(in, out, from, to));
        lastY = out;
        lastShape = x.shape();
        return Elementwise.wrap(out, lastShape);
    }

    /**
     * {@code dx}: {@code dy} times the activation's derivative at the last input (the class comment gives it).
     *
     * @param dy the shape of the last output
     * @return {@code dx}, a heap tensor of that shape
     * @throws IllegalStateException    if {@link #forward} was never called
     * @throws IllegalArgumentException if {@code dy} is null or shaped differently
     */
    @Override
    public final Tensor backward(Tensor dy) {
        Elementwise.checkGradient(name, dy, lastShape);
        float[] g = Elementwise.values(dy);
        float[] y = lastY;
        float[] dx = new float[g.length];
        Elementwise.loop(g.length, (from, to) -> backwardRange(g, y, dx, from, to));
        return Elementwise.wrap(dx, lastShape);
    }

    /** None: an empty list. */
    @Override
    public final List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public final String toString() {
        return name;
    }
}
