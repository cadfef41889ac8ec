package org.conv4j.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain stochastic gradient descent: {@link #step(double) step(lr)} sets {@code value -= lr * grad} for every
 * parameter (float32 arithmetic), exactly the book's {@code conv2d.weight.data()[:] -= lr * conv2d.weight.grad()}.
 * Gradients are not cleared by {@code step}; call {@link #zeroGrad()} before the next backward pass.
 *
 * <pre>{@code
 * SGD sgd = SGD.of(conv);
 * sgd.zeroGrad(); conv.backward(dLoss); sgd.step(3e-2);
 * }</pre>
 */
public final class SGD {
    private final List<Parameter> parameters;

    /**
     * An optimizer over {@code parameters}.
     *
     * @param parameters the parameters to update
     * @throws IllegalArgumentException if the list or one of its elements is null, or a parameter appears twice
     */
    public SGD(List<Parameter> parameters) {
        if (parameters == null) {
            throw new IllegalArgumentException("SGD: parameters is null");
        }
        List<Parameter> copy = new ArrayList<>(parameters.size());
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            if (p == null) {
                throw new IllegalArgumentException("SGD: parameter " + i + " is null");
            }
            for (Parameter q : copy) {
                if (q == p) {
                    throw new IllegalArgumentException("SGD: parameter " + i + " (" + p.name()
                            + ") is listed twice; it would be updated twice per step");
                }
            }
            copy.add(p);
        }
        this.parameters = List.copyOf(copy);
    }

    /**
     * An optimizer over the parameters of {@code layers}, in order.
     *
     * @param layers the layers whose parameters are updated
     * @return an optimizer over the parameters of {@code layers}, in order
     * @throws IllegalArgumentException if a layer is null or a parameter appears twice
     */
    public static SGD of(Layer... layers) {
        if (layers == null) {
            throw new IllegalArgumentException("SGD.of: layers is null");
        }
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] == null) {
                throw new IllegalArgumentException("SGD.of: layer " + i + " is null");
            }
            ps.addAll(layers[i].parameters());
        }
        return new SGD(ps);
    }

    /**
     * One update of every parameter: {@code value -= learningRate * grad}.
     *
     * @param learningRate finite and at least 0, e.g. {@code 3e-2} in the book
     * @throws IllegalArgumentException if {@code learningRate} is negative, NaN or infinite
     */
    public void step(double learningRate) {
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("SGD.step: learning rate must be finite and >= 0, got " + learningRate);
        }
        for (Parameter p : parameters) {
            p.descend(learningRate);
        }
    }

    /** Sets the gradient of every parameter to zero. */
    public void zeroGrad() {
        for (Parameter p : parameters) {
            p.zeroGrad();
        }
    }

    /**
     * The parameters updated, in order (unmodifiable).
     *
     * @return the parameters updated, in order (unmodifiable)
     */
    public List<Parameter> parameters() {
        return parameters;
    }
}
