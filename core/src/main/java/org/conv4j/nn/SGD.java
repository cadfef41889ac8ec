package org.conv4j.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * Stochastic gradient descent. Plain by default: {@link #step(double) step(lr)} sets
 * {@code value -= lr * grad} for every parameter (float32 arithmetic), exactly the book's
 * {@code conv2d.weight.data()[:] -= lr * conv2d.weight.grad()}. With {@link #momentum(double)} and
 * {@link #weightDecay(double)} it follows PyTorch's {@code torch.optim.SGD} (no dampening, not Nesterov):
 * {@code g = grad + weightDecay * value}; {@code buf = g} at the first step, then {@code buf = momentum * buf + g};
 * {@code value -= lr * buf} (with momentum 0, {@code value -= lr * g}). Gradients are not cleared by
 * {@code step}; call {@link #zeroGrad()} before the next backward pass.
 *
 * <pre>{@code
 * SGD sgd = SGD.of(conv);
 * sgd.zeroGrad(); conv.backward(dLoss); sgd.step(3e-2);
 * SGD withMomentum = SGD.of(net).momentum(0.9).weightDecay(5e-4);
 * }</pre>
 */
public final class SGD {
    private final List<Parameter> parameters;
    private double momentum;
    private double weightDecay;
    /** Momentum buffers, one per parameter, created at the first step with momentum. */
    private float[][] buffers;

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
        if (momentum == 0 && weightDecay == 0) {
            for (Parameter p : parameters) {
                p.descend(learningRate);
            }
            return;
        }
        float lr = (float) learningRate, mu = (float) momentum, wd = (float) weightDecay;
        boolean first = false;
        if (momentum != 0 && buffers == null) {
            buffers = new float[parameters.size()][];
            first = true;
        }
        for (int k = 0; k < parameters.size(); k++) {
            Parameter p = parameters.get(k);
            float[] v = p.valueArray();
            float[] g = p.gradArray();
            if (momentum == 0) {
                for (int i = 0; i < v.length; i++) {
                    v[i] -= lr * (g[i] + wd * v[i]);
                }
            } else {
                if (first) {
                    buffers[k] = new float[v.length];
                }
                float[] b = buffers[k];
                for (int i = 0; i < v.length; i++) {
                    float d = g[i] + wd * v[i];
                    b[i] = first ? d : mu * b[i] + d;
                    v[i] -= lr * b[i];
                }
            }
            p.valueChanged();
        }
    }

    /**
     * Sets the momentum factor (PyTorch's {@code momentum}); 0, the default, is plain SGD. The velocity
     * buffers start at the first {@link #step} after this call.
     *
     * @param momentum in {@code [0, 1)}, e.g. 0.9
     * @return this optimizer
     * @throws IllegalArgumentException if {@code momentum} is outside {@code [0, 1)} or NaN
     */
    public SGD momentum(double momentum) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("SGD.momentum: must be in [0, 1), got " + momentum);
        }
        this.momentum = momentum;
        this.buffers = null;
        return this;
    }

    /**
     * Sets the L2 weight decay (PyTorch's {@code weight_decay}): {@code weightDecay * value} is added to every
     * gradient before the update (biases included, as PyTorch does by default); 0 is the default.
     *
     * @param weightDecay finite and at least 0, e.g. {@code 5e-4}
     * @return this optimizer
     * @throws IllegalArgumentException if {@code weightDecay} is negative, NaN or infinite
     */
    public SGD weightDecay(double weightDecay) {
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("SGD.weightDecay: must be finite and >= 0, got " + weightDecay);
        }
        this.weightDecay = weightDecay;
        return this;
    }

    /**
     * The momentum factor.
     *
     * @return the factor set by {@code momentum(...)}, 0 for none (the default)
     */
    public double momentum() {
        return momentum;
    }

    /**
     * The weight decay.
     *
     * @return the L2 factor set by {@code weightDecay(...)}, 0 for none (the default)
     */
    public double weightDecay() {
        return weightDecay;
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
