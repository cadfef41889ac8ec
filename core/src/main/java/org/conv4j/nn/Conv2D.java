package org.conv4j.nn;

import java.util.List;
import java.util.Random;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.Tensor;

/**
 * A 2-D convolution layer (cross-correlation, as in every deep-learning library and the book):
 * {@code y = conv2d(x, weight) + bias}, computed on a {@link Backend}.
 *
 * <p>Shapes: input {@code [N, C_in, H, W]}, weight {@code [C_out, C_in/groups, kH, kW]}, bias
 * {@code [C_out]}, output {@code [N, C_out, H_out, W_out]} with
 * {@code H_out = floor((H + padTop + padBottom - dilationH*(kH-1) - 1) / strideH) + 1} (same for W).
 *
 * <pre>{@code
 * // the book's "learning a kernel": 1 -> 1 channel, a 1x2 kernel, no bias
 * Conv2D conv = Conv2D.builder(1, 1, 1, 2).bias(false).random(new Random(0)).build();
 * Tensor yHat = conv.forward(x);                        // x: [1, 1, 6, 8] -> [1, 1, 6, 7]
 * conv.backward(SquaredError.gradient(yHat, y));        // adds d loss / d weight into weight().grad()
 * }</pre>
 *
 * <p>Defaults: stride 1, no padding ({@link ConvParams#defaults()}), with a bias, weights uniform in
 * {@code [-0.07, 0.07)} (MXNet's default initializer, which the book uses) from an unseeded
 * {@link Random}, bias zero, backend {@link Backends#auto()}. Not thread-safe.
 */
public final class Conv2D implements Layer {
    private final int inChannels;
    private final int outChannels;
    private final ConvParams params;
    private final Backend backend;
    private final Parameter weight;
    private final Parameter bias;
    private final List<Parameter> parameters;
    /** Remembered by forward for backward: the input and the exact weight used. */
    private Tensor lastX;
    private Tensor lastW;

    /**
     * A layer with the defaults listed in the class comment.
     *
     * @param inChannels  {@code C_in}, channels of the input
     * @param outChannels {@code C_out}, channels of the output (one kernel each)
     * @param kernelH     kernel height {@code kH}
     * @param kernelW     kernel width {@code kW}
     * @throws IllegalArgumentException if a channel count or kernel size is below 1
     */
    public Conv2D(int inChannels, int outChannels, int kernelH, int kernelW) {
        this(builder(inChannels, outChannels, kernelH, kernelW));
    }

    /**
     * A layer on {@link Backends#auto()} with weights uniform in {@code [-0.07, 0.07)} drawn from
     * {@code random} and a zero bias when {@code bias} is true.
     *
     * @param inChannels  {@code C_in}
     * @param outChannels {@code C_out}
     * @param kernelH     kernel height
     * @param kernelW     kernel width
     * @param bias        whether the layer adds a learned bias per output channel
     * @param random      source of the initial weights; seed it for reproducible runs
     * @param params stride, padding, dilation and groups; {@code groups} must divide both channel counts
     * @throws IllegalArgumentException if a size is below 1, {@code params} or {@code random} is null, or
     *                                  {@code groups} does not divide {@code inChannels} and {@code outChannels}
     */
    public Conv2D(int inChannels, int outChannels, int kernelH, int kernelW, ConvParams params, boolean bias,
                  Random random) {
        this(builder(inChannels, outChannels, kernelH, kernelW).params(params).bias(bias).random(random));
    }

    private Conv2D(Builder b) {
        if (b.params == null) {
            throw new IllegalArgumentException("Conv2D: params is null");
        }
        int g = b.params.groups();
        if (b.inChannels % g != 0 || b.outChannels % g != 0) {
            throw new IllegalArgumentException("Conv2D: groups=" + g + " must divide both the input channels ("
                    + b.inChannels + ") and the output channels (" + b.outChannels + ")");
        }
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.params = b.params;
        this.backend = b.backendOrAuto();
        this.weight = b.newWeight(new int[] {outChannels, inChannels / g, b.kernelH, b.kernelW});
        this.bias = b.newBias(outChannels);
        this.parameters = bias == null ? List.of(weight) : List.of(weight, bias);
    }

    /**
     * A builder for a layer from {@code inChannels} to {@code outChannels} with a {@code kernelH x kernelW} kernel.
     *
     * @param inChannels input channels {@code C_in}, at least 1
     * @param outChannels output channels {@code C_out}, at least 1
     * @param kernelH kernel height, at least 1
     * @param kernelW kernel width, at least 1
     * @return a builder with the defaults listed in the class comment
     * @throws IllegalArgumentException if any size is below 1
     */
    public static Builder builder(int inChannels, int outChannels, int kernelH, int kernelW) {
        return new Builder(inChannels, outChannels, kernelH, kernelW);
    }

    /** Options of a {@link Conv2D}; every setter returns this builder. */
    public static final class Builder extends WeightedLayerBuilder<Builder> {
        private final int inChannels;
        private final int outChannels;
        private final int kernelH;
        private final int kernelW;
        private ConvParams params = ConvParams.defaults();

        private Builder(int inChannels, int outChannels, int kernelH, int kernelW) {
            super("Conv2D");
            if (inChannels < 1 || outChannels < 1) {
                throw new IllegalArgumentException("Conv2D: channel counts must be positive, got in=" + inChannels
                        + ", out=" + outChannels);
            }
            if (kernelH < 1 || kernelW < 1) {
                throw new IllegalArgumentException("Conv2D: kernel must be positive, got (" + kernelH + ", "
                        + kernelW + ")");
            }
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.kernelH = kernelH;
            this.kernelW = kernelW;
        }

        /**
         * Stride, padding, dilation and groups (default {@link ConvParams#defaults()}).
         *
         * @param p the stride, padding, dilation and groups ({@link ConvParams#defaults()} for none)
         * @return this builder
         */
        public Builder params(ConvParams p) {
            if (p == null) {
                throw new IllegalArgumentException("Conv2D.Builder: params is null");
            }
            this.params = p;
            return this;
        }

        /**
         * The layer, with weights drawn now from the initialiser.
         *
         * @return the layer
         * @throws IllegalArgumentException if {@code groups} does not divide both channel counts, or an
         *                                  initializer returns a tensor of the wrong shape
         * @throws org.conv4j.BackendUnavailableException if no backend was set and {@code conv4j.backend} /
         *                                  {@code CONV4J_BACKEND} names one that cannot run here
         */
        public Conv2D build() {
            return new Conv2D(this);
        }

        @Override
        Builder self() {
            return this;
        }
    }

    /**
     * {@code conv2d(x, weight) + bias}; remembers {@code x} and the current weight for {@link #backward}.
     *
     * @param x {@code [N, C_in, H, W]}
     * @return {@code [N, C_out, H_out, W_out]}, possibly in the backend's memory
     * @throws IllegalArgumentException if {@code x} is null, not rank 4, has the wrong channel count, or
     *                                  is smaller than the dilated kernel after padding (message from the backend)
     */
    @Override
    public Tensor forward(Tensor x) {
        Tensor w = weight.value();
        Tensor y = backend.conv2d(x, w, bias == null ? null : bias.value(), params);
        lastX = x;
        lastW = w;
        return y;
    }

    /**
     * Returns {@code dx} and adds {@code dL/dweight} (summed over the batch) and {@code dL/dbias} (the sum of
     * {@code dy} over N, H, W) into the parameters' gradients. Uses the weight of the last forward call.
     *
     * @param dy {@code [N, C_out, H_out, W_out]}, the shape of the last output
     * @return {@code dx}, {@code [N, C_in, H, W]}, possibly in the backend's memory
     * @throws IllegalStateException    if {@link #forward} was never called
     * @throws IllegalArgumentException if {@code dy} is null or not shaped like the last output
     */
    @Override
    public Tensor backward(Tensor dy) {
        if (lastX == null) {
            throw new IllegalStateException("Conv2D.backward: call forward first");
        }
        Tensor dx = backend.conv2dBackwardData(dy, lastW, lastX.shape(), params);
        try (Tensor dw = backend.conv2dBackwardWeights(dy, lastX, weight.shape(), params)) {
            weight.accumulateGrad(dw);
        } catch (RuntimeException e) {
            dx.close();
            throw e;
        }
        if (bias != null) {
            try (Tensor db = backend.conv2dBackwardBias(dy)) {
                bias.accumulateGrad(db);
            }
        }
        return dx;
    }

    /**
     * As {@link #backward} but without computing {@code dx}: only adds {@code dL/dweight} and {@code dL/dbias}
     * into the parameters' gradients. For a first layer, whose input (the data) needs no gradient; it saves
     * the backward-data convolution.
     *
     * @param dy {@code [N, C_out, H_out, W_out]}, the shape of the last output
     * @throws IllegalStateException    if {@link #forward} was never called
     * @throws IllegalArgumentException if {@code dy} is null or not shaped like the last output
     */
    @Override
    public void backwardParameters(Tensor dy) {
        if (lastX == null) {
            throw new IllegalStateException("Conv2D.backwardParameters: call forward first");
        }
        try (Tensor dw = backend.conv2dBackwardWeights(dy, lastX, weight.shape(), params)) {
            weight.accumulateGrad(dw);
        }
        if (bias != null) {
            try (Tensor db = backend.conv2dBackwardBias(dy)) {
                bias.accumulateGrad(db);
            }
        }
    }

    /**
     * The weight {@code [C_out, C_in/groups, kH, kW]}.
     *
     * @return the weight {@code [C_out, C_in/groups, kH, kW]}
     */
    public Parameter weight() {
        return weight;
    }

    /**
     * The bias {@code [C_out]}, or {@code null} for a layer without one.
     *
     * @return the bias {@code [C_out]}, or {@code null} for a layer without one
     */
    public Parameter bias() {
        return bias;
    }

    /** {@code [weight]} or {@code [weight, bias]}. */
    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /**
     * Input channels.
     *
     * @return input channels
     */
    public int inChannels() {
        return inChannels;
    }

    /**
     * Output channels.
     *
     * @return output channels
     */
    public int outChannels() {
        return outChannels;
    }

    /**
     * Stride, padding, dilation and groups.
     *
     * @return stride, padding, dilation and groups
     */
    public ConvParams params() {
        return params;
    }

    /**
     * The backend computing this layer.
     *
     * @return the backend computing this layer
     */
    public Backend backend() {
        return backend;
    }

    @Override
    public String toString() {
        int[] s = weight.shape();
        return "Conv2D(" + inChannels + " -> " + outChannels + ", kernel " + s[2] + "x" + s[3] + ", " + params
                + (bias == null ? ", no bias" : "") + ", backend " + backend.name() + ")";
    }
}
