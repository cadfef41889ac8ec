package org.conv4j.java;

import org.conv4j.IntTensor;
import org.conv4j.MaxPoolResult;
import org.conv4j.Tensor;
import org.conv4j.spi.AdaptivePoolGeometry;
import org.conv4j.spi.BaseBackend;
import org.conv4j.spi.ConvGeometry;
import org.conv4j.spi.HeapStorage;
import org.conv4j.spi.IndexGeometry;
import org.conv4j.spi.PoolGeometry;
import org.conv4j.spi.TensorAccess;

/**
 * The pure-Java backend: always available, the fallback when nothing native loads, and the reference
 * every other backend is tested against. Results are heap tensors.
 *
 * <p>Convolutions run as im2col + a cache-blocked GEMM written for the JIT's auto-vectorizer
 * ({@link ConvForward}, {@link ConvBackwardData}, {@link ConvBackwardWeights}; 1x1 convolutions skip
 * im2col; one-input-channel groups use {@link DepthwiseConv}); pooling has direct kernels ({@link Pooling}).
 * All work is split over the bounded pool of {@link org.conv4j.Conv4j#setThreads}. Convolution results
 * may differ from a literal loop by float rounding (summation order); max pooling is exact, average pooling within float rounding.
 *
 * <p>Non-finite values: zero padding takes part in the products as explicit zeros (as in every im2col
 * implementation, the native one included), so an infinite weight yields NaN at outputs whose window
 * touches the padding, where a loop that skips padded taps would give an infinity.
 */
public final class JavaBackend extends BaseBackend {
    /** The one instance. */
    public static final JavaBackend INSTANCE = new JavaBackend();

    private JavaBackend() {
    }

    @Override
    public String name() {
        return "java";
    }

    private static Tensor out(float[] data, int... shape) {
        return TensorAccess.wrap(new HeapStorage(data), shape);
    }

    @Override
    protected Tensor doConv2d(ConvGeometry g, Tensor x, Tensor w, Tensor bias) {
        return out(ConvForward.run(g, heap(x), heap(w), bias == null ? null : heap(bias)), g.outputShape());
    }

    @Override
    protected Tensor doConv2dBackwardData(ConvGeometry g, Tensor dy, Tensor w) {
        return out(ConvBackwardData.run(g, heap(dy), heap(w)), g.inputShape());
    }

    @Override
    protected Tensor doConv2dBackwardWeights(ConvGeometry g, Tensor dy, Tensor x) {
        return out(ConvBackwardWeights.run(g, heap(dy), heap(x)), g.weightShape());
    }

    @Override
    protected Tensor doConv2dBackwardBias(Tensor dy) {
        int c = dy.dim(1);
        return out(BiasGradient.run(heap(dy), dy.dim(0), c, dy.dim(2) * dy.dim(3)), c);
    }

    @Override
    protected Tensor doMaxPool2d(PoolGeometry g, Tensor x) {
        return out(Pooling.maxForward(g, heap(x)), g.outputShape());
    }

    @Override
    protected Tensor doMaxPool2dBackward(PoolGeometry g, Tensor dy, Tensor x) {
        return out(Pooling.maxBackward(g, heap(dy), heap(x)), g.inputShape());
    }

    @Override
    protected Tensor doAvgPool2d(PoolGeometry g, Tensor x) {
        return out(Pooling.avgForward(g, heap(x)), g.outputShape());
    }

    @Override
    protected Tensor doAvgPool2dBackward(PoolGeometry g, Tensor dy) {
        return out(Pooling.avgBackward(g, heap(dy)), g.inputShape());
    }

    @Override
    protected MaxPoolResult doMaxPool2dWithIndices(PoolGeometry g, Tensor x) {
        float[] y = new float[g.n * g.c * g.hOut * g.wOut];
        int[] idx = new int[y.length];
        Pooling.maxForwardWithIndices(g, heap(x), y, idx);
        return new MaxPoolResult(out(y, g.outputShape()), IntTensor.wrap(idx, g.outputShape()));
    }

    @Override
    protected Tensor doMaxPool2dBackwardIndices(IndexGeometry g, Tensor dy, IntTensor indices) {
        return out(IndexedPooling.backward(g, heap(dy), indices.array()), g.bigShape());
    }

    @Override
    protected Tensor doMaxUnpool2d(IndexGeometry g, Tensor x, IntTensor indices) {
        return out(IndexedPooling.unpool(g, heap(x), indices.array()), g.bigShape());
    }

    @Override
    protected Tensor doAdaptiveAvgPool2d(AdaptivePoolGeometry g, Tensor x) {
        return out(AdaptivePooling.avgForward(g, heap(x)), g.outputShape());
    }

    @Override
    protected Tensor doAdaptiveAvgPool2dBackward(AdaptivePoolGeometry g, Tensor dy) {
        return out(AdaptivePooling.avgBackward(g, heap(dy)), g.inputShape());
    }

    @Override
    protected Tensor doAdaptiveMaxPool2d(AdaptivePoolGeometry g, Tensor x) {
        return out(AdaptivePooling.maxForward(g, heap(x), null), g.outputShape());
    }

    @Override
    protected MaxPoolResult doAdaptiveMaxPool2dWithIndices(AdaptivePoolGeometry g, Tensor x) {
        int[] idx = new int[g.n * g.c * g.hOut * g.wOut];
        float[] y = AdaptivePooling.maxForward(g, heap(x), idx);
        return new MaxPoolResult(out(y, g.outputShape()), IntTensor.wrap(idx, g.outputShape()));
    }
}
