package org.conv4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad inputs, PyTorch {@code error_inputs} style: a table of calls, each with the message (or the part
 * of it that names the values) it must raise as an {@link IllegalArgumentException}, run on every
 * available backend. After each throwing call every input tensor must still hold its values: an
 * operation that throws has changed nothing. Shapes that would overflow {@code int} are refused from
 * their sizes alone, without allocating (inputs here are tiny).
 */
class ErrorInputsTest {

    /** A bad call: what it tests, the expected message fragment, the call, and the tensors it reads. */
    record Bad(String what, String message, Consumer<Backend> call, Tensor... inputs) {
        @Override
        public String toString() {
            return what;
        }
    }

    private static Tensor t(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i % 13 - 6;
        }
        return Tensor.of(v, shape);
    }

    private static final ConvParams D = ConvParams.defaults();
    private static final PoolParams P = PoolParams.of(2, 2);

    static List<Bad> table() {
        List<Bad> bad = new ArrayList<>();
        Tensor x = t(1, 4, 5, 5);
        Tensor x3 = t(1, 3, 5, 5);
        Tensor w = t(64, 3, 3, 3);
        Tensor w2 = t(2, 3, 3, 3);
        Tensor dy = t(1, 2, 3, 3);
        Tensor px = t(1, 2, 4, 4);
        Tensor pdy = t(1, 2, 2, 2);

        // nulls
        bad.add(new Bad("conv2d null x", "conv2d: x is null", b -> b.conv2d(null, w2, null, D), w2));
        bad.add(new Bad("conv2d null w", "conv2d: w is null", b -> b.conv2d(x3, null, null, D), x3));
        bad.add(new Bad("conv2d null params", "conv2d: params is null", b -> b.conv2d(x3, w2, null, null), x3, w2));
        bad.add(new Bad("backwardData null dy", "conv2dBackwardData: dy is null",
                b -> b.conv2dBackwardData(null, w2, x3.shape(), D), w2));
        bad.add(new Bad("backwardData null xShape", "conv2dBackwardData: xShape is null",
                b -> b.conv2dBackwardData(dy, w2, null, D), dy, w2));
        bad.add(new Bad("backwardWeights null x", "conv2dBackwardWeights: x is null",
                b -> b.conv2dBackwardWeights(dy, null, w2.shape(), D), dy));
        bad.add(new Bad("backwardWeights null wShape", "conv2dBackwardWeights: wShape is null",
                b -> b.conv2dBackwardWeights(dy, x3, null, D), dy, x3));
        bad.add(new Bad("backwardData null w", "conv2dBackwardData: w is null",
                b -> b.conv2dBackwardData(dy, null, x3.shape(), D), dy));
        bad.add(new Bad("backwardData null params", "conv2dBackwardData: params is null",
                b -> b.conv2dBackwardData(dy, w2, x3.shape(), null), dy, w2));
        bad.add(new Bad("backwardWeights null dy", "conv2dBackwardWeights: dy is null",
                b -> b.conv2dBackwardWeights(null, x3, w2.shape(), D), x3));
        bad.add(new Bad("backwardWeights null params", "conv2dBackwardWeights: params is null",
                b -> b.conv2dBackwardWeights(dy, x3, w2.shape(), null), dy, x3));
        bad.add(new Bad("backwardBias null dy", "conv2dBackwardBias: dy is null", b -> b.conv2dBackwardBias(null)));
        bad.add(new Bad("maxPool2d null x", "maxPool2d: x is null", b -> b.maxPool2d(null, P)));
        bad.add(new Bad("maxPool2d null params", "maxPool2d: params is null", b -> b.maxPool2d(px, null), px));
        bad.add(new Bad("maxPool2dBackward null x", "maxPool2dBackward: x is null",
                b -> b.maxPool2dBackward(pdy, null, P), pdy));
        bad.add(new Bad("maxPool2dBackward null dy", "maxPool2dBackward: dy is null",
                b -> b.maxPool2dBackward(null, px, P), px));
        bad.add(new Bad("maxPool2dBackward null params", "maxPool2dBackward: params is null",
                b -> b.maxPool2dBackward(pdy, px, null), pdy, px));
        bad.add(new Bad("avgPool2d null x", "avgPool2d: x is null", b -> b.avgPool2d(null, P)));
        bad.add(new Bad("avgPool2d null params", "avgPool2d: params is null", b -> b.avgPool2d(px, null), px));
        bad.add(new Bad("avgPool2dBackward null dy", "avgPool2dBackward: dy is null",
                b -> b.avgPool2dBackward(null, px.shape(), P), px));
        bad.add(new Bad("avgPool2dBackward null params", "avgPool2dBackward: params is null",
                b -> b.avgPool2dBackward(pdy, px.shape(), null), pdy));
        bad.add(new Bad("avgPool2dBackward null xShape", "avgPool2dBackward: xShape is null",
                b -> b.avgPool2dBackward(pdy, null, P), pdy));

        // wrong rank
        Tensor x3d = t(3, 5, 5);
        bad.add(new Bad("conv2d rank-3 x", "conv2d: x must have rank 4 [N, C_in, H, W], got shape [3, 5, 5]",
                b -> b.conv2d(x3d, w2, null, D), x3d, w2));
        Tensor w5d = t(2, 3, 3, 3, 1);
        bad.add(new Bad("conv2d rank-5 w", "conv2d: w must have rank 4 [C_out, C_in/groups, kH, kW], got shape [2, 3, 3, 3, 1]",
                b -> b.conv2d(x3, w5d, null, D), x3, w5d));
        bad.add(new Bad("backwardData rank-2 xShape", "conv2dBackwardData: x must have rank 4 [N, C_in, H, W], got shape [5, 5]",
                b -> b.conv2dBackwardData(dy, w2, new int[] {5, 5}, D), dy, w2));
        Tensor dy3 = t(2, 3, 3);
        bad.add(new Bad("backwardBias rank-3 dy", "conv2dBackwardBias: dy must have rank 4 [N, C_out, H_out, W_out], got shape [2, 3, 3]",
                b -> b.conv2dBackwardBias(dy3), dy3));
        Tensor px2 = t(4, 4);
        bad.add(new Bad("maxPool2d rank-2 x", "maxPool2d: x must have rank 4 [N, C, H, W], got shape [4, 4]",
                b -> b.maxPool2d(px2, P), px2));
        bad.add(new Bad("avgPool2dBackward rank-3 xShape", "avgPool2dBackward: x must have rank 4 [N, C, H, W], got shape [2, 4, 4]",
                b -> b.avgPool2dBackward(pdy, new int[] {2, 4, 4}, P), pdy));

        // max pooling with indices, gradient from indices, unpooling
        IntTensor pidx = IntTensor.of(new int[] {0, 1, 4, 5, 10, 11, 14, 15}, 1, 2, 2, 2);
        int[] pxs = {1, 2, 4, 4};
        bad.add(new Bad("maxPool2dWithIndices null x", "maxPool2dWithIndices: x is null",
                b -> b.maxPool2dWithIndices(null, P)));
        bad.add(new Bad("maxPool2dWithIndices rank-2 x", "maxPool2dWithIndices: x must have rank 4 [N, C, H, W], got shape [4, 4]",
                b -> b.maxPool2dWithIndices(px2, P), px2));
        bad.add(new Bad("maxPool2dWithIndices padding above half", "maxPool2dWithIndices: padding (2, 0) must be at most half the window 2x2",
                b -> b.maxPool2dWithIndices(px, PoolParams.of(2, 2).padding(2, 0)), px));
        bad.add(new Bad("maxPool2dBackward(indices) null indices", "maxPool2dBackward: indices is null",
                b -> b.maxPool2dBackward(pdy, (IntTensor) null, pxs), pdy));
        bad.add(new Bad("maxPool2dBackward(indices) null dy", "maxPool2dBackward: dy is null",
                b -> b.maxPool2dBackward(null, pidx, pxs)));
        bad.add(new Bad("maxPool2dBackward(indices) null xShape", "maxPool2dBackward: xShape is null",
                b -> b.maxPool2dBackward(pdy, pidx, null), pdy));
        bad.add(new Bad("maxPool2dBackward(indices) index too large",
                "maxPool2dBackward: indices[7] = 16 is outside the 4x4 plane of xShape (valid: 0 .. 15)",
                b -> b.maxPool2dBackward(pdy, IntTensor.of(new int[] {0, 1, 4, 5, 10, 11, 14, 16}, 1, 2, 2, 2), pxs), pdy));
        bad.add(new Bad("maxPool2dBackward(indices) negative index",
                "maxPool2dBackward: indices[0] = -1 is outside the 4x4 plane of xShape (valid: 0 .. 15)",
                b -> b.maxPool2dBackward(pdy, IntTensor.of(new int[] {-1, 1, 4, 5, 10, 11, 14, 15}, 1, 2, 2, 2), pxs), pdy));
        bad.add(new Bad("maxPool2dBackward(indices) indices of the wrong shape",
                "maxPool2dBackward: indices have shape [1, 2, 4] but dy has shape [1, 2, 2, 2] (they must agree)",
                b -> b.maxPool2dBackward(pdy, IntTensor.of(new int[8], 1, 2, 4), pxs), pdy));
        bad.add(new Bad("maxPool2dBackward(indices) channels differ",
                "maxPool2dBackward: dy has shape [1, 2, 2, 2] but xShape is [1, 3, 4, 4] (N and C must agree)",
                b -> b.maxPool2dBackward(pdy, pidx, new int[] {1, 3, 4, 4}), pdy));
        bad.add(new Bad("maxPool2dBackward(indices) rank-3 xShape",
                "maxPool2dBackward: xShape must have rank 4 [N, C, H, W], got shape [2, 4, 4]",
                b -> b.maxPool2dBackward(pdy, pidx, new int[] {2, 4, 4}), pdy));
        bad.add(new Bad("maxPool2dBackward(indices) rank-3 dy",
                "maxPool2dBackward: dy must have rank 4 [N, C, H_out, W_out], got shape [2, 3, 3]",
                b -> b.maxPool2dBackward(dy3, pidx, pxs), dy3));
        bad.add(new Bad("maxPool2dBackward(indices) zero in xShape",
                "maxPool2dBackward: shape [1, 2, 0, 4] has a dimension below 1",
                b -> b.maxPool2dBackward(pdy, pidx, new int[] {1, 2, 0, 4}), pdy));
        bad.add(new Bad("maxUnpool2d null x", "maxUnpool2d: x is null", b -> b.maxUnpool2d(null, pidx, pxs)));
        bad.add(new Bad("maxUnpool2d null outputShape", "maxUnpool2d: outputShape is null",
                b -> b.maxUnpool2d(pdy, pidx, null), pdy));
        bad.add(new Bad("maxUnpool2d index outside a smaller output",
                "maxUnpool2d: indices[4] = 10 is outside the 3x3 plane of outputShape (valid: 0 .. 8)",
                b -> b.maxUnpool2d(pdy, pidx, new int[] {1, 2, 3, 3}), pdy));
        bad.add(new Bad("maxUnpool2d indices of the wrong shape",
                "maxUnpool2d: indices have shape [1, 2, 2, 2] but x has shape [1, 2, 4, 4] (they must agree)",
                b -> b.maxUnpool2d(px, pidx, pxs), px));

        // adaptive pooling
        bad.add(new Bad("adaptiveAvgPool2d null x", "adaptiveAvgPool2d: x is null", b -> b.adaptiveAvgPool2d(null, 1, 1)));
        bad.add(new Bad("adaptiveAvgPool2d output 0", "adaptiveAvgPool2d: output size must be positive, got (0, 2)",
                b -> b.adaptiveAvgPool2d(px, 0, 2), px));
        bad.add(new Bad("adaptiveAvgPool2d rank-2 x", "adaptiveAvgPool2d: x must have rank 4 [N, C, H, W], got shape [4, 4]",
                b -> b.adaptiveAvgPool2d(px2, 1, 1), px2));
        bad.add(new Bad("adaptiveAvgPool2d output too large", "adaptiveAvgPool2d: the output [1, 2, 65536, 65536] would have 8589934592 elements, more than the 2147483647 an int can index",
                b -> b.adaptiveAvgPool2d(px, 65536, 65536), px));
        bad.add(new Bad("adaptiveAvgPool2dBackward null dy", "adaptiveAvgPool2dBackward: dy is null",
                b -> b.adaptiveAvgPool2dBackward(null, pxs)));
        bad.add(new Bad("adaptiveAvgPool2dBackward null xShape", "adaptiveAvgPool2dBackward: xShape is null",
                b -> b.adaptiveAvgPool2dBackward(pdy, null), pdy));
        bad.add(new Bad("adaptiveAvgPool2dBackward batch differs",
                "adaptiveAvgPool2dBackward: dy has shape [1, 2, 2, 2] but x is [2, 2, 4, 4] (N and C must agree)",
                b -> b.adaptiveAvgPool2dBackward(pdy, new int[] {2, 2, 4, 4}), pdy));
        bad.add(new Bad("adaptiveAvgPool2dBackward rank-3 dy",
                "adaptiveAvgPool2dBackward: dy must have rank 4 [N, C, H_out, W_out], got shape [2, 3, 3]",
                b -> b.adaptiveAvgPool2dBackward(dy3, pxs), dy3));
        bad.add(new Bad("adaptiveMaxPool2d negative output", "adaptiveMaxPool2d: output size must be positive, got (2, -1)",
                b -> b.adaptiveMaxPool2d(px, 2, -1), px));
        bad.add(new Bad("adaptiveMaxPool2dWithIndices null x", "adaptiveMaxPool2dWithIndices: x is null",
                b -> b.adaptiveMaxPool2dWithIndices(null, 1, 1)));
        bad.add(new Bad("adaptiveMaxPool2dWithIndices output 0", "adaptiveMaxPool2dWithIndices: output size must be positive, got (0, 0)",
                b -> b.adaptiveMaxPool2dWithIndices(px, 0, 0), px));

        // channels and groups
        bad.add(new Bad("one channel, singular", "conv2d: input has 1 channel but weight [2, 3, 3, 3] with groups=1 expects 3",
                b -> b.conv2d(t(1, 1, 5, 5), w2, null, D), w2));
        bad.add(new Bad("NHWC input gets a hint", "expects 3; the input's last dimension is 3: is it NHWC?",
                b -> b.conv2d(t(1, 5, 5, 3), w2, null, D), w2));
        bad.add(new Bad("channel mismatch", "conv2d: input has 4 channels but weight [64, 3, 3, 3] with groups=1 expects 3",
                b -> b.conv2d(x, w, null, D), x, w));
        bad.add(new Bad("groups do not divide C_in", "conv2d: groups=3 does not divide the 4 input channels",
                b -> b.conv2d(x, t(3, 1, 3, 3), null, D.groups(3)), x));
        Tensor w6 = t(6, 1, 3, 3);
        bad.add(new Bad("groups do not divide C_out", "conv2d: groups=4 does not divide the 6 output channels of weight [6, 1, 3, 3]",
                b -> b.conv2d(x, w6, null, D.groups(4)), x, w6));
        bad.add(new Bad("grouped channel mismatch", "conv2d: input has 4 channels but weight [4, 1, 3, 3] with groups=2 expects 2",
                b -> b.conv2d(x, t(4, 1, 3, 3), null, D.groups(2)), x));
        bad.add(new Bad("backwardWeights channel mismatch",
                "conv2dBackwardWeights: input has 3 channels but weight [2, 4, 3, 3] with groups=1 expects 4",
                b -> b.conv2dBackwardWeights(dy, x3, new int[] {2, 4, 3, 3}, D), dy, x3));

        // bias
        Tensor bias3 = t(3);
        bad.add(new Bad("bias of the wrong length", "conv2d: bias has shape [3] but weight [2, 3, 3, 3] has 2 output channels; expected [2]",
                b -> b.conv2d(x3, w2, bias3, D), x3, w2, bias3));
        Tensor bias2d = t(1, 2);
        bad.add(new Bad("bias of rank 2", "conv2d: bias has shape [1, 2]", b -> b.conv2d(x3, w2, bias2d, D), x3, w2, bias2d));

        // non-positive kernel, stride, dilation, groups; negative padding
        bad.add(new Bad("zero stride", "conv2d: stride must be positive, got (1, 0)",
                b -> b.conv2d(x3, w2, null, D.stride(1, 0)), x3, w2));
        bad.add(new Bad("negative stride", "conv2d: stride must be positive, got (-2, 1)",
                b -> b.conv2d(x3, w2, null, D.stride(-2, 1)), x3, w2));
        bad.add(new Bad("zero dilation", "conv2d: dilation must be positive, got (0, 1)",
                b -> b.conv2d(x3, w2, null, D.dilation(0, 1)), x3, w2));
        bad.add(new Bad("zero groups", "conv2d: groups must be positive, got 0",
                b -> b.conv2d(x3, w2, null, D.groups(0)), x3, w2));
        bad.add(new Bad("negative padding", "conv2d: padding must be non-negative, got (-1, 0)",
                b -> b.conv2d(x3, w2, null, D.padding(-1, 0)), x3, w2));
        bad.add(new Bad("negative asymmetric padding", "conv2d: padding must be non-negative, got (0, 0, 2, -3)",
                b -> b.conv2d(x3, w2, null, D.padding(0, 0, 2, -3)), x3, w2));
        bad.add(new Bad("zero kernel in wShape", "conv2dBackwardWeights: shape [2, 3, 0, 3] has a dimension below 1",
                b -> b.conv2dBackwardWeights(dy, x3, new int[] {2, 3, 0, 3}, D), dy, x3));
        bad.add(new Bad("negative dimension in xShape", "conv2dBackwardData: shape [1, 3, -5, 5] has a dimension below 1",
                b -> b.conv2dBackwardData(dy, w2, new int[] {1, 3, -5, 5}, D), dy, w2));
        bad.add(new Bad("zero pool window", "pool2d: kernel must be positive, got (0, 2)",
                b -> b.maxPool2d(px, PoolParams.of(0, 2)), px));
        bad.add(new Bad("zero pool stride", "pool2d: stride must be positive, got (2, 0)",
                b -> b.avgPool2d(px, P.stride(2, 0)), px));
        bad.add(new Bad("negative pool padding", "pool2d: padding must be non-negative, got (0, -1)",
                b -> b.maxPool2d(px, P.padding(0, -1)), px));
        bad.add(new Bad("pool padding above half the window",
                "maxPool2d: padding (2, 1) must be at most half the window 3x3, i.e. at most (1, 1)",
                b -> b.maxPool2d(px, PoolParams.of(3, 3).padding(2, 1)), px));
        bad.add(new Bad("avg pool padding above half the window",
                "avgPool2d: padding (0, 1) must be at most half the window 1x1, i.e. at most (0, 0)",
                b -> b.avgPool2d(px, PoolParams.of(1, 1).padding(0, 1)), px));
        bad.add(new Bad("pool backward padding above half the window",
                "maxPool2dBackward: padding (1, 2) must be at most half the window 2x3, i.e. at most (1, 1)",
                b -> b.maxPool2dBackward(pdy, px, PoolParams.of(2, 3).padding(1, 2)), pdy, px));

        // empty output
        Tensor tiny = t(1, 1, 2, 2);
        Tensor k5 = t(1, 1, 5, 5);
        bad.add(new Bad("kernel larger than input", "conv2d: padded input 2x2 is smaller than the dilated kernel 5x5",
                b -> b.conv2d(tiny, k5, null, D), tiny, k5));
        Tensor k3 = t(1, 1, 3, 3);
        bad.add(new Bad("dilated kernel larger than padded input",
                "conv2d: padded input 4x3 is smaller than the dilated kernel 5x5",
                b -> b.conv2d(tiny, k3, null, D.dilation(2, 2).padding(1, 1, 0, 1)), tiny, k3));
        bad.add(new Bad("pool window larger than input", "maxPool2d: padded input 4x4 is smaller than the window 5x5",
                b -> b.maxPool2d(px, PoolParams.of(5, 5)), px));

        // int overflow, refused from the sizes alone (nothing this large is ever allocated)
        Tensor one = t(1, 1, 1, 1);
        bad.add(new Bad("conv output overflows int",
                "conv2d: the output [1, 1, 100001, 100001] would have 10000200001 elements, more than the 2147483647",
                b -> b.conv2d(one, one, null, D.padding(50000, 50000)), one));
        bad.add(new Bad("backwardData xShape overflows int",
                "conv2dBackwardData: shape [1, 1, 65536, 65536] has 4294967296 elements, more than the 2147483647 an int can index",
                b -> b.conv2dBackwardData(one, one, new int[] {1, 1, 65536, 65536}, D), one));
        bad.add(new Bad("backwardWeights wShape overflows int",
                "conv2dBackwardWeights: shape [65536, 65536, 1, 1] has 4294967296 elements",
                b -> b.conv2dBackwardWeights(one, one, new int[] {65536, 65536, 1, 1}, D), one));
        bad.add(new Bad("backwardData output overflows int (huge x, tiny dy)",
                "conv2dBackwardData: the output [2, 1, 46340, 46340] would have 4294791200 elements, more than the 2147483647",
                b -> b.conv2dBackwardData(one, one, new int[] {2, 1, 46340, 23170}, D.padding(0, 0, 0, 23170)), one));
        bad.add(new Bad("pool output overflows int (huge xShape, tiny dy)",
                "avgPool2dBackward: the output [1, 1, 46341, 46341] would have 2147488281 elements, more than the 2147483647",
                b -> b.avgPool2dBackward(one, new int[] {1, 1, 46340, 46340}, PoolParams.of(2, 2).stride(1, 1).padding(1, 1)),
                one));

        // padded extents beyond int32 (native code indexes the padded input in int32)
        Tensor column = t(1, 1, 3, 1);
        bad.add(new Bad("padded height overflows int",
                "conv2d: padded input 2147483650x1 exceeds 2147483647 in a dimension",
                b -> b.conv2d(column, one, null, D.padding(0, Integer.MAX_VALUE, 0, 0).stride(1 << 30, 1)), column, one));
        bad.add(new Bad("pool padded height overflows int",
                "avgPool2dBackward: padded input 2147483649x1 exceeds 2147483647 in a dimension",
                b -> b.avgPool2dBackward(one, new int[] {1, 1, Integer.MAX_VALUE, 1}, PoolParams.of(2, 1).padding(1, 0)),
                one));

        // dy of the wrong shape
        bad.add(new Bad("backwardData dy shape", "conv2dBackwardData: dy has shape [1, 2, 3, 3] but the forward output is [1, 2, 4, 4]",
                b -> b.conv2dBackwardData(dy, w2, new int[] {1, 3, 6, 6}, D), dy, w2));
        Tensor dy3c = t(1, 3, 4, 4);
        bad.add(new Bad("backwardData dy channels", "conv2dBackwardData: dy has shape [1, 3, 4, 4] but the forward output is [1, 2, 4, 4]",
                b -> b.conv2dBackwardData(dy3c, w2, new int[] {1, 3, 6, 6}, D), dy3c, w2));
        bad.add(new Bad("backwardWeights dy shape", "conv2dBackwardWeights: dy has shape [1, 2, 3, 3] but the forward output is [1, 2, 2, 2]",
                b -> b.conv2dBackwardWeights(dy, x3, w2.shape(), D.stride(2, 2)), dy, x3));
        Tensor dyWrongC = t(1, 3, 3, 3);
        bad.add(new Bad("backwardWeights dy channels", "conv2dBackwardWeights: dy has shape [1, 3, 3, 3] but the forward output is [1, 2, 3, 3]",
                b -> b.conv2dBackwardWeights(dyWrongC, x3, w2.shape(), D), dyWrongC, x3));
        bad.add(new Bad("maxPool2dBackward dy shape", "maxPool2dBackward: dy has shape [1, 2, 2, 2] but the forward output is [1, 2, 3, 3]",
                b -> b.maxPool2dBackward(pdy, px, P.stride(1, 1)), pdy, px));
        bad.add(new Bad("avgPool2dBackward dy shape", "avgPool2dBackward: dy has shape [1, 2, 2, 2] but the forward output is [2, 2, 2, 2]",
                b -> b.avgPool2dBackward(pdy, new int[] {2, 2, 4, 4}, P), pdy));
        return bad;
    }

    static Stream<Backend> backends() {
        return Backends.available().stream().map(Backends::get);
    }

    static Stream<Arguments> cases() {
        List<Bad> table = table();
        return backends().flatMap(b -> table.stream().map(c -> Arguments.of(b, c)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void badInputIsRefusedAndChangesNothing(Backend backend, Bad bad) {
        float[][] before = new float[bad.inputs().length][];
        for (int i = 0; i < before.length; i++) {
            before[i] = bad.inputs()[i].toArray();
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bad.call().accept(backend),
                bad.what() + " must be refused");
        assertTrue(e.getMessage() != null && e.getMessage().contains(bad.message()),
                () -> bad.what() + ": message '" + e.getMessage() + "' should contain '" + bad.message() + "'");
        for (int i = 0; i < before.length; i++) {
            assertArrayEquals(before[i], bad.inputs()[i].toArray(), bad.what() + ": input " + i + " was modified");
        }
    }

    /** Tensor construction errors (backend-independent). */
    static Stream<Arguments> tensorCases() {
        return Stream.of(
                Arguments.of("Tensor.of: 12 values do not fill shape [2, 3, 4] (24 values)",
                        (Executable) () -> Tensor.of(new float[12], 2, 3, 4)),
                Arguments.of("Tensor.of: 25 values do not fill shape [2, 3, 4] (24 values)",
                        (Executable) () -> Tensor.of(new float[25], 2, 3, 4)),
                Arguments.of("Tensor.of: data is null", (Executable) () -> Tensor.of(null, 2)),
                Arguments.of("Tensor.of: shape is null", (Executable) () -> Tensor.of(new float[1], (int[]) null)),
                Arguments.of("Tensor.of: shape [2, 0, 3] has a dimension below 1",
                        (Executable) () -> Tensor.of(new float[0], 2, 0, 3)),
                Arguments.of("Tensor.zeros: shape [3, -1] has a dimension below 1", (Executable) () -> Tensor.zeros(3, -1)),
                Arguments.of("Tensor.zeros: shape [65536, 65536] has 4294967296 elements, more than the 2147483647 an int can index",
                        (Executable) () -> Tensor.zeros(65536, 65536)),
                Arguments.of("Tensor.zeros: shape [2147483647, 2147483647, 2147483647] has 9903520300447984150353281023 elements",
                        (Executable) () -> Tensor.zeros(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE)),
                Arguments.of("Tensor.of: shape [65536, 65536] has 4294967296 elements",
                        (Executable) () -> Tensor.of(new float[0], 65536, 65536)),
                Arguments.of("corr2d: kernel 3x3 is larger than the input 2x3",
                        (Executable) () -> Conv4j.corr2d(Backends.java(), Tensor.zeros(2, 3), Tensor.zeros(3, 3))),
                Arguments.of("corr2d: X and K must be rank 2, got X [1, 2, 3] and K [2, 2]",
                        (Executable) () -> Conv4j.corr2d(Backends.java(), Tensor.zeros(1, 2, 3), Tensor.zeros(2, 2))),
                Arguments.of("IntTensor.of: 3 values do not fill shape [2, 2] (4 values)",
                        (Executable) () -> IntTensor.of(new int[3], 2, 2)),
                Arguments.of("IntTensor.of: data is null", (Executable) () -> IntTensor.of(null, 2)),
                Arguments.of("IntTensor.wrap: shape [2, 0] has a dimension below 1",
                        (Executable) () -> IntTensor.wrap(new int[0], 2, 0)),
                Arguments.of("Backends.get: name is null", (Executable) () -> Backends.get(null)),
                Arguments.of("conv4j: unknown backend 'tpu'", (Executable) () -> Backends.get("tpu")));
    }

    /** Whole messages of the small cases that once read badly (grammar, a shape printed twice, no hint). */
    static Stream<Arguments> exactMessages() {
        Tensor oneChannel = t(1, 1, 5, 5);
        Tensor nhwc = t(1, 5, 5, 3);
        Tensor one = t(1, 1, 1, 1);
        return Stream.of(
                Arguments.of("conv2d: input has 1 channel but weight [2, 3, 3, 3] with groups=1 expects 3",
                        (Executable) () -> Backends.java().conv2d(oneChannel, t(2, 3, 3, 3), null, ConvParams.defaults())),
                Arguments.of("conv2d: groups=2 does not divide the 1 input channel",
                        (Executable) () -> Backends.java().conv2d(oneChannel, t(2, 1, 3, 3), null,
                                ConvParams.defaults().groups(2))),
                Arguments.of("conv2d: groups=2 does not divide the 1 output channel of weight [1, 1, 3, 3]",
                        (Executable) () -> Backends.java().conv2d(t(1, 2, 5, 5), t(1, 1, 3, 3), null,
                                ConvParams.defaults().groups(2))),
                Arguments.of("conv2d: the output [1, 1, 100001, 100001] would have 10000200001 elements, more than the"
                        + " 2147483647 an int can index",
                        (Executable) () -> Backends.java().conv2d(one, one, null, ConvParams.defaults().padding(50000, 50000))),
                Arguments.of("avgPool2dBackward: the output [1, 1, 46341, 46341] would have 2147488281 elements, more"
                        + " than the 2147483647 an int can index",
                        (Executable) () -> Backends.java().avgPool2dBackward(one, new int[] {1, 1, 46340, 46340},
                                PoolParams.of(2, 2).stride(1, 1).padding(1, 1))),
                Arguments.of("Tensor.dim: dimension 7 does not exist in shape [1, 3, 4, 4] (rank 4: dimensions 0 to 3)",
                        (Executable) () -> Tensor.zeros(1, 3, 4, 4).dim(7)),
                Arguments.of("Tensor.dim: dimension -1 does not exist in shape [2] (rank 1: dimensions 0 to 0)",
                        (Executable) () -> Tensor.zeros(2).dim(-1)),
                Arguments.of("conv2d: input has 5 channels but weight [8, 3, 3, 3] with groups=1 expects 3; the input's"
                        + " last dimension is 3: is it NHWC? conv4j expects NCHW [N, C, H, W] (move the channel axis to"
                        + " position 1)",
                        (Executable) () -> Backends.java().conv2d(nhwc, t(8, 3, 3, 3), null, ConvParams.defaults())),
                Arguments.of("conv2d: input has 4 channels but weight [64, 3, 3, 3] with groups=1 expects 3",
                        (Executable) () -> Backends.java().conv2d(t(1, 4, 5, 5), t(64, 3, 3, 3), null,
                                ConvParams.defaults())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exactMessages")
    void smallMessagesReadWell(String message, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tensorCases")
    void badTensorArgumentsAreRefused(String message, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(message), () -> "message '" + e.getMessage() + "' should contain '" + message + "'");
    }

    /** A refused call leaves the backend usable: the next good call gives the right answer. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void backendStillWorksAfterRefusals(Backend b) {
        for (Bad bad : table()) {
            assertThrows(IllegalArgumentException.class, () -> bad.call().accept(b));
        }
        try (Tensor y = b.conv2d(Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, 1, 1, 3, 3),
                Tensor.of(new float[] {0, 1, 2, 3}, 1, 1, 2, 2), null, ConvParams.defaults())) {
            assertArrayEquals(new float[] {19, 25, 37, 43}, y.toArray());
        }
    }
}
