package org.conv4j.examples;

import java.util.Locale;
import java.util.Random;
import org.conv4j.Backend;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;
import org.conv4j.nn.AvgPool2D;
import org.conv4j.nn.Conv2D;
import org.conv4j.nn.Flatten;
import org.conv4j.nn.Initializer;
import org.conv4j.nn.Layer;
import org.conv4j.nn.Linear;
import org.conv4j.nn.MaxPool2D;
import org.conv4j.nn.ReLU;
import org.conv4j.nn.Sequential;
import org.conv4j.nn.Sigmoid;

/**
 * The book's LeNet-5 for 28x28 gray images and ten classes, layer for layer as its PyTorch {@code nn.Sequential}
 * (so parameter names and indices match PyTorch's {@code state_dict}):
 * conv 1->6 5x5 pad 2, act, pool 2x2 s2, conv 6->16 5x5, act, pool 2x2 s2, flatten, linear 400->120, act,
 * linear 120->84, act, linear 84->10.
 */
public final class LeNet {
    private LeNet() {
    }

    /** Activation and pooling of the network. */
    public enum Variant {
        /** The book's: sigmoid and average pooling, Xavier-uniform weights; trained with lr 0.9. */
        SIGMOID("sigmoid", 0.9),
        /** The modern one: ReLU and max pooling, He-uniform weights; trained with lr 0.1. */
        RELU("relu", 0.1);

        private final String id;
        private final double learningRate;

        Variant(String id, double learningRate) {
            this.id = id;
            this.learningRate = learningRate;
        }

        /** {@code "sigmoid"} or {@code "relu"}, as stored in saved weights. */
        public String id() {
            return id;
        }

        /** The default SGD learning rate of this variant. */
        public double learningRate() {
            return learningRate;
        }

        /**
         * The variant named {@code id}.
         *
         * @throws IllegalArgumentException for any name other than {@code sigmoid} or {@code relu}
         */
        public static Variant of(String id) {
            for (Variant v : values()) {
                if (v.id.equals(id.toLowerCase(Locale.ROOT))) {
                    return v;
                }
            }
            throw new IllegalArgumentException("LeNet variant must be sigmoid or relu, got " + id);
        }
    }

    /**
     * A freshly initialised network on {@code backend}. Weights: Xavier uniform (SIGMOID, the book's
     * {@code nn.init.xavier_uniform_}) or He uniform (RELU); biases uniform in {@code [-1/sqrt(fanIn), 1/sqrt(fanIn))}
     * as PyTorch's default. All drawn from one {@code Random(seed)} in layer order.
     */
    public static Sequential create(Variant variant, Backend backend, long seed) {
        Random rnd = new Random(seed);
        Initializer w = variant == Variant.SIGMOID ? Initializer.xavierUniform(rnd) : Initializer.heUniform(rnd);
        PoolParams pool = PoolParams.of(2, 2);
        return new Sequential(
                conv(1, 6, 5, 2, w, rnd, backend),
                act(variant),
                pool(variant, pool, backend),
                conv(6, 16, 5, 0, w, rnd, backend),
                act(variant),
                pool(variant, pool, backend),
                new Flatten(),
                linear(16 * 5 * 5, 120, w, rnd, backend),
                act(variant),
                linear(120, 84, w, rnd, backend),
                act(variant),
                linear(84, 10, w, rnd, backend));
    }

    private static Conv2D conv(int in, int out, int k, int pad, Initializer w, Random rnd, Backend b) {
        return Conv2D.builder(in, out, k, k).params(ConvParams.defaults().padding(pad, pad)).backend(b)
                .weightInit(w).biasInit(Initializer.uniform(1 / Math.sqrt(in * k * k), rnd)).build();
    }

    private static Linear linear(int in, int out, Initializer w, Random rnd, Backend b) {
        return Linear.builder(in, out).backend(b).weightInit(w).biasInit(Initializer.uniform(1 / Math.sqrt(in), rnd))
                .build();
    }

    private static Layer act(Variant v) {
        return v == Variant.SIGMOID ? new Sigmoid() : new ReLU();
    }

    private static Layer pool(Variant v, PoolParams p, Backend b) {
        return v == Variant.SIGMOID ? new AvgPool2D(p, b) : new MaxPool2D(p, b);
    }
}
