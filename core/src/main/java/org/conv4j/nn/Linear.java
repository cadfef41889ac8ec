package org.conv4j.nn;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.Tensor;

/**
 * A fully connected layer, {@code y = x W^T + b}: input {@code [N, in]}, weight {@code [out, in]} (PyTorch's
 * layout), bias {@code [out]}, output {@code [N, out]}.
 *
 * <p>The three matrix products run on the {@link Backend} as 1x1 convolutions with the batch laid out along
 * the image width: {@code x^T} is the one image {@code [1, in, 1, N]}, so the forward product, the input
 * gradient {@code W^T dy^T} and the weight gradient {@code dy^T x} are each one GEMM of the backend's 1x1 path
 * (OpenBLAS or conv4j's own kernels on {@code cpu}, the GPU on {@code cuda}). Laying the batch out as
 * {@code N} images of 1x1 pixels instead would make the backend run {@code N} matrix-vector products per
 * direction. The transposes around the calls are heap copies of the (small) activations; results are heap
 * tensors.
 *
 * <pre>{@code
 * Linear fc = Linear.builder(400, 120).weightInit(Initializer.xavierUniform(new Random(1))).build();
 * Tensor y = fc.forward(x);              // [256, 400] -> [256, 120]
 * Tensor dx = fc.backward(dy);           // adds dL/dW and dL/db into the parameters' gradients
 * }</pre>
 *
 * <p>Defaults: with a bias, weight uniform in {@code [-0.07, 0.07)} (as {@link Conv2D}) from an unseeded
 * {@link Random}, bias zero, backend {@link Backends#auto()}. Not thread-safe.
 */
public final class Linear implements Layer {
    private static final ConvParams ONE_BY_ONE = ConvParams.defaults();

    private final int inFeatures;
    private final int outFeatures;
    private final Backend backend;
    private final Parameter weight;
    private final Parameter bias;
    private final List<Parameter> parameters;
    /** Remembered by forward for backward: x^T as one image [1, in, 1, N] and the weight [out, in, 1, 1] used. */
    private Tensor lastXt;
    private Tensor lastW;
    private int lastN;

    /**
     * A layer with the defaults listed in the class comment.
     *
     * @param inFeatures  input features per sample (the {@code in} of {@code [N, in]}), at least 1
     * @param outFeatures output features per sample (the {@code out} of {@code [N, out]}), at least 1
     * @throws IllegalArgumentException if a feature count is below 1
     * @throws org.conv4j.BackendUnavailableException if {@code conv4j.backend} / {@code CONV4J_BACKEND}
     *                                  names a backend that cannot run here
     */
    public Linear(int inFeatures, int outFeatures) {
        this(builder(inFeatures, outFeatures));
    }

    private Linear(Builder b) {
        this.inFeatures = b.in;
        this.outFeatures = b.out;
        this.backend = b.backendOrAuto();
        this.weight = b.newWeight(new int[] {outFeatures, inFeatures});
        this.bias = b.newBias(outFeatures);
        this.parameters = bias == null ? List.of(weight) : List.of(weight, bias);
    }

    /**
     * A builder for a layer from {@code inFeatures} to {@code outFeatures}.
     *
     * @param inFeatures  input features per sample (the {@code in} of {@code [N, in]}), at least 1
     * @param outFeatures output features per sample (the {@code out} of {@code [N, out]}), at least 1
     * @return a builder with the defaults of the class comment
     * @throws IllegalArgumentException if a feature count is below 1
     */
    public static Builder builder(int inFeatures, int outFeatures) {
        return new Builder(inFeatures, outFeatures);
    }

    /** Options of a {@link Linear}; every setter returns this builder. */
    public static final class Builder extends WeightedLayerBuilder<Builder> {
        private final int in;
        private final int out;

        private Builder(int in, int out) {
            super("Linear");
            if (in < 1 || out < 1) {
                throw new IllegalArgumentException("Linear: feature counts must be positive, got in=" + in
                        + ", out=" + out);
            }
            this.in = in;
            this.out = out;
        }

        /**
         * The layer.
         *
         * @return a new layer with freshly initialised parameters
         * @throws IllegalArgumentException if an initializer returns null or a tensor of the wrong shape
         * @throws org.conv4j.BackendUnavailableException if no backend was set and {@code conv4j.backend} /
         *                                  {@code CONV4J_BACKEND} names a backend that cannot run here
         */
        public Linear build() {
            return new Linear(this);
        }

        @Override
        Builder self() {
            return this;
        }
    }

    /**
     * {@code x W^T + b}; remembers {@code x} (transposed) and the current weight for {@link #backward}.
     *
     * @param x {@code [N, in]}, any location
     * @return {@code [N, out]}, a heap tensor
     * @throws IllegalArgumentException if {@code x} is null or not {@code [N, in]}
     */
    @Override
    public Tensor forward(Tensor x) {
        if (x == null) {
            throw new IllegalArgumentException("Linear.forward: x is null");
        }
        if (x.rank() != 2 || x.dim(1) != inFeatures) {
            throw new IllegalArgumentException("Linear.forward: x has shape " + Arrays.toString(x.shape())
                    + ", expected [N, " + inFeatures + "] (use Flatten before a Linear layer)");
        }
        int n = x.dim(0);
        Tensor xt = Elementwise.wrap(Elementwise.transpose(Elementwise.values(x), n, inFeatures),
                new int[] {1, inFeatures, 1, n});
        Tensor w = weight.value().reshape(outFeatures, inFeatures, 1, 1);
        float[] yt;
        try (Tensor y = backend.conv2d(xt, w, bias == null ? null : bias.value(), ONE_BY_ONE)) {
            yt = Elementwise.values(y);
        }
        lastXt = xt;
        lastW = w;
        lastN = n;
        return Elementwise.wrap(Elementwise.transpose(yt, outFeatures, n), new int[] {n, outFeatures});
    }

    /**
     * Returns {@code dx = dy W} and adds {@code dL/dW = dy^T x} and {@code dL/db} (the column sums of
     * {@code dy}) into the parameters' gradients. Uses the weight of the last forward call.
     *
     * @param dy {@code [N, out]}, the shape of the last output
     * @return {@code dx}, {@code [N, in]}, a heap tensor
     * @throws IllegalStateException    if {@link #forward} was never called
     * @throws IllegalArgumentException if {@code dy} is null or not shaped like the last output
     */
    @Override
    public Tensor backward(Tensor dy) {
        Tensor dyt = parameterGradients("backward", dy);
        int n = lastN;
        float[] dxt;
        try (Tensor d = backend.conv2dBackwardData(dyt, lastW, new int[] {1, inFeatures, 1, n}, ONE_BY_ONE)) {
            dxt = Elementwise.values(d);
        }
        return Elementwise.wrap(Elementwise.transpose(dxt, inFeatures, n), new int[] {n, inFeatures});
    }

    /**
     * As {@link #backward} but without computing {@code dx}: only adds {@code dL/dW} and {@code dL/db} into the
     * parameters' gradients (for a first layer, whose input needs no gradient).
     *
     * @param dy {@code [N, out]}, the shape of the last output
     * @throws IllegalStateException    if {@link #forward} was never called
     * @throws IllegalArgumentException if {@code dy} is null or not shaped like the last output
     */
    @Override
    public void backwardParameters(Tensor dy) {
        parameterGradients("backwardParameters", dy);
    }

    /** Adds the weight and bias gradients; returns dy^T as the one image [1, out, 1, N]. */
    private Tensor parameterGradients(String op, Tensor dy) {
        if (lastXt == null) {
            throw new IllegalStateException("Linear." + op + ": call forward first");
        }
        int n = lastN;
        Elementwise.checkGradient("Linear", dy, new int[] {n, outFeatures});
        Tensor dyt = Elementwise.wrap(Elementwise.transpose(Elementwise.values(dy), n, outFeatures),
                new int[] {1, outFeatures, 1, n});
        try (Tensor dw = backend.conv2dBackwardWeights(dyt, lastXt, new int[] {outFeatures, inFeatures, 1, 1},
                ONE_BY_ONE)) {
            weight.accumulateGrad(dw.reshape(outFeatures, inFeatures));
        }
        if (bias != null) {
            try (Tensor db = backend.conv2dBackwardBias(dyt)) {
                bias.accumulateGrad(db);
            }
        }
        return dyt;
    }

    /**
     * The weight.
     *
     * @return the weight parameter, {@code [out, in]}
     */
    public Parameter weight() {
        return weight;
    }

    /**
     * The bias.
     *
     * @return the bias parameter {@code [out]}, or {@code null} for a layer built with {@code bias(false)}
     */
    public Parameter bias() {
        return bias;
    }

    /**
     * The trainable parameters.
     *
     * @return {@code [weight]} or {@code [weight, bias]}, unmodifiable
     */
    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /**
     * Input features.
     *
     * @return {@code in}, the width of the input {@code [N, in]}
     */
    public int inFeatures() {
        return inFeatures;
    }

    /**
     * Output features.
     *
     * @return {@code out}, the width of the output {@code [N, out]}
     */
    public int outFeatures() {
        return outFeatures;
    }

    /**
     * The backend computing this layer.
     *
     * @return the backend given to the builder, or the one {@link Backends#auto()} chose
     */
    public Backend backend() {
        return backend;
    }

    @Override
    public String toString() {
        return "Linear(" + inFeatures + " -> " + outFeatures + (bias == null ? ", no bias" : "") + ", backend "
                + backend.name() + ")";
    }
}
