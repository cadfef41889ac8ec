package org.conv4j.spi;

import java.lang.ref.Reference;
import java.util.function.Supplier;
import org.conv4j.Backend;
import org.conv4j.ConvParams;
import org.conv4j.IntTensor;
import org.conv4j.MaxPoolResult;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.conv4j.internal.Check;

/**
 * Base of every backend: validates all arguments through {@link ConvGeometry} / {@link PoolGeometry}
 * (so every backend refuses exactly the same inputs with exactly the same messages, before any native
 * call) and hands the validated geometry to the implementation's {@code do*} methods.
 *
 * <p>The operand tensors stay reachable until the implementation returns ({@link Reference#reachabilityFence}),
 * so the garbage collector can never free the native or GPU memory of an input that a kernel still reads,
 * even when the caller holds no other reference to it.
 */
public abstract class BaseBackend implements Backend {

    @Override
    public final Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvParams p) {
        ConvGeometry g = ConvGeometry.forward(x, w, bias, p);
        return fenced(() -> doConv2d(g, x, w, bias), x, w, bias);
    }

    @Override
    public final Tensor conv2dBackwardData(Tensor dy, Tensor w, int[] xShape, ConvParams p) {
        ConvGeometry g = ConvGeometry.backwardData(dy, w, xShape, p);
        return fenced(() -> doConv2dBackwardData(g, dy, w), dy, w, null);
    }

    @Override
    public final Tensor conv2dBackwardWeights(Tensor dy, Tensor x, int[] wShape, ConvParams p) {
        ConvGeometry g = ConvGeometry.backwardWeights(dy, x, wShape, p);
        return fenced(() -> doConv2dBackwardWeights(g, dy, x), dy, x, null);
    }

    @Override
    public final Tensor conv2dBackwardBias(Tensor dy) {
        Check.notNull(dy, "conv2dBackwardBias", "dy");
        Check.rank4("conv2dBackwardBias", "dy", dy.shape(), "[N, C_out, H_out, W_out]");
        return fenced(() -> doConv2dBackwardBias(dy), dy, null, null);
    }

    @Override
    public final Tensor maxPool2d(Tensor x, PoolParams p) {
        PoolGeometry g = PoolGeometry.forward("maxPool2d", x, p);
        return fenced(() -> doMaxPool2d(g, x), x, null, null);
    }

    @Override
    public final Tensor maxPool2dBackward(Tensor dy, Tensor x, PoolParams p) {
        Check.notNull(x, "maxPool2dBackward", "x");
        PoolGeometry g = PoolGeometry.backward("maxPool2dBackward", dy, x.shape(), p);
        return fenced(() -> doMaxPool2dBackward(g, dy, x), dy, x, null);
    }

    @Override
    public final Tensor avgPool2d(Tensor x, PoolParams p) {
        PoolGeometry g = PoolGeometry.forward("avgPool2d", x, p);
        return fenced(() -> doAvgPool2d(g, x), x, null, null);
    }

    @Override
    public final Tensor avgPool2dBackward(Tensor dy, int[] xShape, PoolParams p) {
        PoolGeometry g = PoolGeometry.backward("avgPool2dBackward", dy, xShape, p);
        return fenced(() -> doAvgPool2dBackward(g, dy), dy, null, null);
    }

    @Override
    public final MaxPoolResult maxPool2dWithIndices(Tensor x, PoolParams p) {
        PoolGeometry g = PoolGeometry.forward("maxPool2dWithIndices", x, p);
        return fenced(() -> doMaxPool2dWithIndices(g, x), x, null, null);
    }

    @Override
    public final Tensor maxPool2dBackward(Tensor dy, IntTensor indices, int[] xShape) {
        IndexGeometry g = IndexGeometry.of("maxPool2dBackward", dy, "dy", indices, xShape, "xShape");
        return fenced(() -> doMaxPool2dBackwardIndices(g, dy, indices), dy, indices, null);
    }

    @Override
    public final Tensor maxUnpool2d(Tensor x, IntTensor indices, int[] outputShape) {
        IndexGeometry g = IndexGeometry.of("maxUnpool2d", x, "x", indices, outputShape, "outputShape");
        return fenced(() -> doMaxUnpool2d(g, x, indices), x, indices, null);
    }

    @Override
    public final Tensor adaptiveAvgPool2d(Tensor x, int hOut, int wOut) {
        AdaptivePoolGeometry g = AdaptivePoolGeometry.forward("adaptiveAvgPool2d", x, hOut, wOut);
        return fenced(() -> doAdaptiveAvgPool2d(g, x), x, null, null);
    }

    @Override
    public final Tensor adaptiveAvgPool2dBackward(Tensor dy, int[] xShape) {
        AdaptivePoolGeometry g = AdaptivePoolGeometry.backward("adaptiveAvgPool2dBackward", dy, xShape);
        return fenced(() -> doAdaptiveAvgPool2dBackward(g, dy), dy, null, null);
    }

    @Override
    public final Tensor adaptiveMaxPool2d(Tensor x, int hOut, int wOut) {
        AdaptivePoolGeometry g = AdaptivePoolGeometry.forward("adaptiveMaxPool2d", x, hOut, wOut);
        return fenced(() -> doAdaptiveMaxPool2d(g, x), x, null, null);
    }

    @Override
    public final MaxPoolResult adaptiveMaxPool2dWithIndices(Tensor x, int hOut, int wOut) {
        AdaptivePoolGeometry g = AdaptivePoolGeometry.forward("adaptiveMaxPool2dWithIndices", x, hOut, wOut);
        return fenced(() -> doAdaptiveMaxPool2dWithIndices(g, x), x, null, null);
    }

    /** Max pooling with argmax indices on validated operands. */
    protected abstract MaxPoolResult doMaxPool2dWithIndices(PoolGeometry g, Tensor x);

    /** Max pooling gradient from validated indices (every index already checked in range). */
    protected abstract Tensor doMaxPool2dBackwardIndices(IndexGeometry g, Tensor dy, IntTensor indices);

    /** Max unpooling from validated indices (every index already checked in range). */
    protected abstract Tensor doMaxUnpool2d(IndexGeometry g, Tensor x, IntTensor indices);

    /** Adaptive average pooling on validated operands. */
    protected abstract Tensor doAdaptiveAvgPool2d(AdaptivePoolGeometry g, Tensor x);

    /** Adaptive average pooling gradient on validated operands. */
    protected abstract Tensor doAdaptiveAvgPool2dBackward(AdaptivePoolGeometry g, Tensor dy);

    /** Adaptive max pooling on validated operands. */
    protected abstract Tensor doAdaptiveMaxPool2d(AdaptivePoolGeometry g, Tensor x);

    /** Adaptive max pooling with argmax indices on validated operands. */
    protected abstract MaxPoolResult doAdaptiveMaxPool2dWithIndices(AdaptivePoolGeometry g, Tensor x);

    /** Forward convolution on validated operands; {@code bias} may be null. */
    protected abstract Tensor doConv2d(ConvGeometry g, Tensor x, Tensor w, Tensor bias);

    /** Input gradient on validated operands. */
    protected abstract Tensor doConv2dBackwardData(ConvGeometry g, Tensor dy, Tensor w);

    /** Weight gradient on validated operands. */
    protected abstract Tensor doConv2dBackwardWeights(ConvGeometry g, Tensor dy, Tensor x);

    /** Bias gradient of a rank-4 {@code dy}. */
    protected abstract Tensor doConv2dBackwardBias(Tensor dy);

    /** Max pooling on validated operands. */
    protected abstract Tensor doMaxPool2d(PoolGeometry g, Tensor x);

    /** Max pooling gradient on validated operands. */
    protected abstract Tensor doMaxPool2dBackward(PoolGeometry g, Tensor dy, Tensor x);

    /** Average pooling on validated operands. */
    protected abstract Tensor doAvgPool2d(PoolGeometry g, Tensor x);

    /** Average pooling gradient on validated operands. */
    protected abstract Tensor doAvgPool2dBackward(PoolGeometry g, Tensor dy);

    /** The values of {@code t} as a heap array: the backing array for heap tensors (do not modify it), else a copy. */
    protected static float[] heap(Tensor t) {
        float[] a = TensorAccess.storage(t).heapArray();
        return a != null ? a : t.toArray();
    }

    /** Runs {@code op} and keeps {@code a}, {@code b} and {@code c} (the operands; null where unused) reachable until it returns. */
    private static <T> T fenced(Supplier<T> op, Object a, Object b, Object c) {
        try {
            return op.get();
        } finally {
            Reference.reachabilityFence(a);
            Reference.reachabilityFence(b);
            Reference.reachabilityFence(c);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
