package org.conv4j.nn;

import java.util.Arrays;
import org.conv4j.Tensor;
import org.conv4j.spi.TensorAccess;

/**
 * A trainable tensor: its current value and the gradient of the loss with respect to it, both of the
 * same fixed shape, kept on the Java heap.
 *
 * <p>Layers add into the gradient during {@code backward}; {@link #zeroGrad()} clears it. An optimizer
 * such as {@link SGD} reads the gradient and replaces the value. Not thread-safe.
 */
public final class Parameter {
    private final String name;
    private final int[] shape;
    private final float[] value;
    private final float[] grad;
    /** Immutable snapshot of {@link #value}, rebuilt after each change. */
    private Tensor valueTensor;

    /**
     * A parameter named {@code name} holding a copy of {@code initial}, with a zero gradient.
     *
     * @param name    used in error messages, e.g. {@code "weight"}
     * @param initial the initial value, any shape; copied (also from native or GPU memory)
     * @throws IllegalArgumentException if either argument is null
     */
    public Parameter(String name, Tensor initial) {
        if (name == null || initial == null) {
            throw new IllegalArgumentException("Parameter: " + (name == null ? "name" : "initial value") + " is null");
        }
        this.name = name;
        this.shape = initial.shape();
        this.value = initial.toArray();
        this.grad = new float[value.length];
        this.valueTensor = Tensor.of(value, shape);
    }

    /**
     * The name given at construction.
     *
     * @return the name given at construction
     */
    public String name() {
        return name;
    }

    /**
     * A copy of the shape.
     *
     * @return a copy of the shape
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * Number of scalar values.
     *
     * @return number of scalar values
     */
    public int size() {
        return value.length;
    }

    /**
     * The current value as an immutable heap tensor (a snapshot: later updates do not change it).
     *
     * @return the current value as an immutable heap tensor (a snapshot: later updates do not change it)
     */
    public Tensor value() {
        return valueTensor;
    }

    /**
     * The accumulated gradient as a new heap tensor (a snapshot).
     *
     * @return the accumulated gradient as a new heap tensor (a snapshot)
     */
    public Tensor grad() {
        return Tensor.of(grad, shape);
    }

    /**
     * Replaces the value.
     *
     * @param v a tensor of exactly this parameter's shape (copied)
     * @throws IllegalArgumentException if {@code v} is null or shaped differently, naming both shapes
     */
    public void set(Tensor v) {
        checkShape("set", v);
        TensorAccess.storage(v).copyTo(value, 0);
        valueTensor = Tensor.of(value, shape);
    }

    /**
     * Adds {@code g} into the gradient, element by element.
     *
     * @param g a tensor of exactly this parameter's shape
     * @throws IllegalArgumentException if {@code g} is null or shaped differently, naming both shapes
     */
    public void accumulateGrad(Tensor g) {
        checkShape("accumulateGrad", g);
        float[] add = g.toArray();
        for (int i = 0; i < grad.length; i++) {
            grad[i] += add[i];
        }
    }

    /** Sets every gradient value to zero. */
    public void zeroGrad() {
        Arrays.fill(grad, 0f);
    }

    /**
     * One plain gradient-descent update, {@code value -= learningRate * grad}, computed in float32 like
     * the frameworks do. Used by {@link SGD}; the gradient is left as it is.
     *
     * @param learningRate the step size, finite
     * @throws IllegalArgumentException if {@code learningRate} is NaN or infinite
     */
    public void descend(double learningRate) {
        if (!Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("Parameter " + name + ": learning rate must be finite, got " + learningRate);
        }
        float lr = (float) learningRate;
        for (int i = 0; i < value.length; i++) {
            value[i] -= lr * grad[i];
        }
        valueTensor = Tensor.of(value, shape);
    }

    /** For optimizers in this package: the live value array (call {@link #valueChanged()} after writing). */
    float[] valueArray() {
        return value;
    }

    /** For optimizers in this package: the live gradient array. */
    float[] gradArray() {
        return grad;
    }

    /** Publishes a new snapshot after the value array was changed in place. */
    void valueChanged() {
        valueTensor = Tensor.of(value, shape);
    }

    private void checkShape(String op, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException("Parameter " + name + "." + op + ": tensor is null");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("Parameter " + name + "." + op + ": got shape "
                    + Arrays.toString(t.shape()) + " but the parameter has shape " + Arrays.toString(shape));
        }
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + " = " + valueTensor;
    }
}
