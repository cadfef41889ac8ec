package org.conv4j.nn;

import java.util.Arrays;
import java.util.Random;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.Tensor;

/**
 * The options every layer with a weight and an optional bias shares ({@link Conv2D.Builder},
 * {@link Linear.Builder}): whether there is a bias, how both are initialised, and the backend. Every setter
 * returns the concrete builder, so calls chain in any order.
 *
 * <p>Defaults: with a bias, weight uniform in {@code [-0.07, 0.07)} from an unseeded {@link Random}, bias
 * zero, backend {@link Backends#auto()} chosen at {@code build()}.
 *
 * @param <B> the concrete builder type
 */
public abstract class WeightedLayerBuilder<B extends WeightedLayerBuilder<B>> {
    private final String layer;
    private boolean bias = true;
    private Random random;
    private Initializer weightInit;
    private Initializer biasInit = Initializer.zeros();
    private Backend backend;

    /** @param layer the layer's class name, for messages ("Conv2D") */
    WeightedLayerBuilder(String layer) {
        this.layer = layer;
    }

    /**
     * This builder as its concrete type.
     *
     * @return {@code this}
     */
    abstract B self();

    /**
     * Whether the layer has a bias (default {@code true}).
     *
     * @param on {@code false} for a layer without a bias parameter
     * @return this builder
     */
    public B bias(boolean on) {
        this.bias = on;
        return self();
    }

    /**
     * Source of the default weight initializer (uniform in {@code [-0.07, 0.07)}); seed it for reproducible
     * runs. Ignored when {@link #weightInit} is set.
     *
     * @param r the random source of the weight initialiser
     * @return this builder
     * @throws IllegalArgumentException if {@code r} is null
     */
    public B random(Random r) {
        this.random = nonNull(r, "random");
        return self();
    }

    /**
     * How to make the initial weight (the layer's class comment gives its shape), e.g.
     * {@link Initializer#xavierUniform}; overrides {@link #random}.
     *
     * @param init called once at {@code build()} with the weight's shape
     * @return this builder
     * @throws IllegalArgumentException if {@code init} is null
     */
    public B weightInit(Initializer init) {
        this.weightInit = nonNull(init, "weightInit");
        return self();
    }

    /**
     * How to make the initial bias {@code [out]} (default zeros).
     *
     * @param init called once at {@code build()} with the shape {@code [out]}, if the layer has a bias
     * @return this builder
     * @throws IllegalArgumentException if {@code init} is null
     */
    public B biasInit(Initializer init) {
        this.biasInit = nonNull(init, "biasInit");
        return self();
    }

    /**
     * The backend computing forward and backward (default {@link Backends#auto()} at {@code build()}).
     *
     * @param b the backend the layer computes on
     * @return this builder
     * @throws IllegalArgumentException if {@code b} is null
     */
    public B backend(Backend b) {
        this.backend = nonNull(b, "backend");
        return self();
    }

    /** The backend set, or {@link Backends#auto()}'s choice. */
    Backend backendOrAuto() {
        return backend != null ? backend : Backends.auto();
    }

    /** A new weight parameter of {@code shape} from the initializer (or the default uniform one). */
    Parameter newWeight(int[] shape) {
        Initializer wi = weightInit != null ? weightInit
                : Initializer.uniform(0.07, random != null ? random : new Random());
        return new Parameter("weight", created("weight", wi, shape));
    }

    /** A new bias parameter {@code [out]}, or null for a layer built with {@code bias(false)}. */
    Parameter newBias(int out) {
        return bias ? new Parameter("bias", created("bias", biasInit, new int[] {out})) : null;
    }

    private Tensor created(String what, Initializer init, int[] shape) {
        Tensor t = init.create(shape.clone());
        if (t == null || !Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(layer + ": the " + what + " initializer returned "
                    + (t == null ? "null" : "shape " + Arrays.toString(t.shape())) + ", expected shape "
                    + Arrays.toString(shape));
        }
        return t;
    }

    private <T> T nonNull(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(layer + ".Builder: " + what + " is null");
        }
        return value;
    }
}
