package org.conv4j.nn;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.Tensor;
import org.conv4j.spi.TensorAccess;

/**
 * Layers applied one after the other; itself a {@link Layer}, so it nests.
 *
 * <pre>{@code
 * Sequential net = new Sequential(new Conv2D(1, 6, 5, 5), new Sigmoid(), new Flatten(), new Linear(3456, 10));
 * Tensor logits = net.forward(x);
 * net.backward(loss.gradient());         // frees the intermediate activations and gradients
 * }</pre>
 *
 * <p><b>Memory.</b> The activations between layers (which may hold native or GPU memory) stay alive from
 * {@link #forward} until {@link #backward} has used them, and are closed then; a forward that is not
 * followed by a backward (evaluation) has its activations closed at the next {@code forward} or by
 * {@link #release()}. Gradients between layers are closed as soon as the layer before has used them.
 * The input, the returned output, the {@code dy} given to {@code backward} and the returned {@code dx}
 * are never closed by the network (nor anything sharing their storage, such as a {@link Flatten} view);
 * the caller closes them.
 *
 * <p><b>Errors.</b> An exception in a layer is rethrown with the same type, prefixed with the layer's
 * position and description, e.g. {@code Sequential layer 7 (Linear(400 -> 120, backend cpu)).forward: ...},
 * with the original as its cause. Not thread-safe.
 */
public final class Sequential implements Layer {
    private final List<Layer> layers;
    private final List<Parameter> parameters;
    /** Outputs of every layer of the last forward; index i is the output of layer i. */
    private final List<Tensor> activations = new ArrayList<>();
    private Tensor lastInput;

    /**
     * A network of {@code layers}, in order.
     *
     * @param layers the layers; the output of each is the input of the next
     * @throws IllegalArgumentException if there are no layers, one is null, or a layer instance appears twice
     */
    public Sequential(Layer... layers) {
        if (layers == null || layers.length == 0) {
            throw new IllegalArgumentException("Sequential: give at least one layer");
        }
        List<Layer> copy = new ArrayList<>(layers.length);
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            if (l == null) {
                throw new IllegalArgumentException("Sequential: layer " + i + " is null");
            }
            for (Layer q : copy) {
                if (q == l) {
                    throw new IllegalArgumentException("Sequential: layer " + i + " (" + l + ") appears twice;"
                            + " a layer remembers one forward pass, so it cannot be used at two places");
                }
            }
            copy.add(l);
            ps.addAll(l.parameters());
        }
        this.layers = List.copyOf(copy);
        this.parameters = List.copyOf(ps);
    }

    /**
     * Runs the layers in order; keeps the intermediate activations for {@link #backward}.
     *
     * @param x the first layer's input (not closed by the network)
     * @return the last layer's output (the caller closes it)
     * @throws IllegalArgumentException if {@code x} is null, or as a layer throws it, naming the layer
     */
    @Override
    public Tensor forward(Tensor x) {
        if (x == null) {
            throw new IllegalArgumentException("Sequential.forward: x is null");
        }
        release();
        lastInput = x;
        Tensor h = x;
        for (int i = 0; i < layers.size(); i++) {
            try {
                h = layers.get(i).forward(h);
            } catch (RuntimeException e) {
                release();
                throw named(i, "forward", e);
            }
            activations.add(h);
        }
        return h;
    }

    /**
     * Back-propagates through every layer in reverse order, then closes the intermediate activations.
     *
     * @param dy gradient of the loss with respect to the last output (not closed by the network)
     * @return {@code dx}, the gradient with respect to the last input (the caller closes it)
     * @throws IllegalStateException    if there was no {@link #forward} since the last backward or release
     * @throws IllegalArgumentException if {@code dy} is null, or as a layer throws it, naming the layer
     */
    @Override
    public Tensor backward(Tensor dy) {
        if (activations.size() != layers.size()) {
            throw new IllegalStateException("Sequential.backward: call forward first (each forward allows one backward)");
        }
        if (dy == null) {
            throw new IllegalArgumentException("Sequential.backward: dy is null");
        }
        Tensor g = dy;
        try {
            for (int i = layers.size() - 1; i >= 0; i--) {
                Tensor next;
                try {
                    next = layers.get(i).backward(g);
                } catch (RuntimeException e) {
                    throw named(i, "backward", e);
                }
                if (g != dy && !shares(g, next) && !shares(g, dy)) {
                    g.close();
                }
                g = next;
            }
        } catch (RuntimeException e) {
            if (g != dy && !shares(g, dy)) {
                g.close();
            }
            release();
            throw e;
        }
        release(g);
        return g;
    }

    /**
     * As {@link #backward}, for training when the network's input is data that needs no gradient: the
     * parameter gradients are the same, but the first layer computes no {@code dx} where it can
     * (its {@link Layer#backwardParameters}: {@link Conv2D}, {@link Linear} or a nested {@code Sequential}),
     * which saves its backward-data product; nothing is returned.
     *
     * @throws IllegalStateException    if there was no {@link #forward} since the last backward or release
     * @throws IllegalArgumentException if {@code dy} is null, or as a layer throws it, naming the layer
     */
    @Override
    public void backwardParameters(Tensor dy) {
        if (activations.size() != layers.size()) {
            throw new IllegalStateException("Sequential.backwardParameters: call forward first (each forward allows one"
                    + " backward)");
        }
        if (dy == null) {
            throw new IllegalArgumentException("Sequential.backwardParameters: dy is null");
        }
        Tensor g = dy;
        try {
            for (int i = layers.size() - 1; i >= 0; i--) {
                Layer l = layers.get(i);
                Tensor next = null;
                try {
                    if (i > 0) {
                        next = l.backward(g);
                    } else {
                        l.backwardParameters(g);
                    }
                } catch (RuntimeException e) {
                    throw named(i, "backward", e);
                }
                if (g != dy && (next == null || !shares(g, next)) && !shares(g, dy)) {
                    g.close();
                }
                g = next;
            }
        } catch (RuntimeException e) {
            if (g != null && g != dy && !shares(g, dy)) {
                g.close();
            }
            release();
            throw e;
        }
        release();
    }

    /** Closes the activations kept from the last forward (never the input or the output's storage). */
    public void release() {
        release(null);
    }

    private void release(Tensor keep) {
        Tensor out = activations.isEmpty() ? null : activations.get(activations.size() - 1);
        for (int i = 0; i < activations.size() - 1; i++) {
            Tensor a = activations.get(i);
            if (!shares(a, lastInput) && !shares(a, out) && !shares(a, keep)) {
                a.close();
            }
        }
        activations.clear();
        lastInput = null;
    }

    private static boolean shares(Tensor a, Tensor b) {
        return b != null && TensorAccess.storage(a) == TensorAccess.storage(b);
    }

    private RuntimeException named(int i, String op, RuntimeException e) {
        String msg = "Sequential layer " + i + " (" + layers.get(i) + ")." + op + ": " + e.getMessage();
        RuntimeException r;
        if (e instanceof IllegalArgumentException) {
            r = new IllegalArgumentException(msg, e);
        } else if (e instanceof IllegalStateException) {
            r = new IllegalStateException(msg, e);
        } else if (e instanceof UnsupportedOperationException) {
            r = new UnsupportedOperationException(msg, e);
        } else {
            r = new RuntimeException(msg, e);
        }
        return r;
    }

    /**
     * The layers.
     *
     * @return the layers in order, unmodifiable
     */
    public List<Layer> layers() {
        return layers;
    }

    /** The parameters of all layers, in layer order (unmodifiable). */
    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Sequential(");
        for (int i = 0; i < layers.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(layers.get(i));
        }
        return sb.append(')').toString();
    }
}
