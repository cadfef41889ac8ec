package org.conv4j.bench.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_desc_base;

/**
 * oneDNN convolution (algorithm {@code convolution_direct}, f32, every tensor descriptor {@code any} so oneDNN
 * picks its layouts) for one operation of a conv4j-style call: forward {@code y = x * w + bias}, backward-data
 * {@code dx = dy *^T w}, backward-weights {@code dw = dy *^T x} (no bias gradient, like conv4j's
 * {@code conv2dBackwardWeights}). Any stride, padding (top/bottom/left/right), dilation and groups: conv4j's
 * {@code [C_out, C_in / groups, kH, kW]} weights are oneDNN's {@code goihw} with the same memory order.
 */
public final class ConvPeer extends Peer {
    /** Which of the three convolution GEMM shapes. */
    public enum Op {
        FORWARD, BACKWARD_DATA, BACKWARD_WEIGHTS
    }

    private final primitive_desc_base pd;

    /** Convolution geometry beyond the tensor sizes: one stride, pads, one dilation (1 = none), groups. */
    public record Geometry(int stride, int padT, int padB, int padL, int padR, int dil, int groups) {
        /** Stride {@code stride}, symmetric padding {@code pad}, no dilation, one group. */
        public static Geometry dense(int stride, int pad) {
            return new Geometry(stride, pad, pad, pad, pad, 1, 1);
        }
    }

    /**
     * Builds the primitive and its memories; {@link OneDnn#init(int)} must have run.
     *
     * @param x    input [n, cIn, h, w] (forward and backward-weights; ignored for backward-data)
     * @param w    weights [cOut, cIn / groups, kh, kw] (forward and backward-data)
     * @param bias [cOut] (forward)
     * @param dy   output gradient [n, cOut, hOut, wOut] (backward operations)
     */
    public ConvPeer(Op op, Layout layout, int n, int cIn, int h, int wd, int cOut, int kh, int kw, Geometry geo,
            float[] x, float[] w, float[] bias, float[] dy) {
        super(layout);
        int g = geo.groups();
        int hOut = (h + geo.padT() + geo.padB() - geo.dil() * (kh - 1) - 1) / geo.stride() + 1;
        int wOut = (wd + geo.padL() + geo.padR() - geo.dil() * (kw - 1) - 1) / geo.stride() + 1;
        long[] srcDims = {n, cIn, h, wd};
        long[] weiDims = g == 1 ? new long[] {cOut, cIn, kh, kw} : new long[] {g, cOut / g, cIn / g, kh, kw};
        memory.format_tag weiTag = g == 1 ? memory.format_tag.oihw : memory.format_tag.goihw;
        long[] biasDims = {cOut};
        long[] dstDims = {n, cOut, hOut, wOut};
        long[] strides = {geo.stride(), geo.stride()};
        long[] dilates = {geo.dil() - 1, geo.dil() - 1};  // oneDNN counts the gaps: 0 = no dilation
        long[] padL = {geo.padT(), geo.padL()};
        long[] padR = {geo.padB(), geo.padR()};
        memory.format_tag any = memory.format_tag.any;
        memory.desc srcAny = own(OneDnn.desc(srcDims, any));
        memory.desc weiAny = own(OneDnn.desc(weiDims, any));
        memory.desc biasAny = own(OneDnn.desc(biasDims, any));
        memory.desc dstAny = own(OneDnn.desc(dstDims, any));
        // The forward descriptor is also the hint the backward ones require.
        convolution_forward.primitive_desc fwd = own(new convolution_forward.primitive_desc(OneDnn.engine(),
                dnnl.prop_kind.forward_training, dnnl.algorithm.convolution_direct, srcAny, weiAny, biasAny, dstAny,
                strides, dilates, padL, padR));
        IntMemoryMap args = own(new IntMemoryMap());
        switch (op) {
            case FORWARD -> {
                pd = fwd;
                args.put(DNNL_ARG_SRC, input(srcDims, memory.format_tag.nchw, own(fwd.src_desc()), x));
                args.put(DNNL_ARG_WEIGHTS, input(weiDims, weiTag, own(fwd.weights_desc()), w));
                args.put(DNNL_ARG_BIAS, input(biasDims, memory.format_tag.x, own(fwd.bias_desc()), bias));
                args.put(DNNL_ARG_DST, output(dstDims, memory.format_tag.nchw, own(fwd.dst_desc())));
                bind(new convolution_forward(fwd), args);
            }
            case BACKWARD_DATA -> {
                convolution_backward_data.primitive_desc bd = own(new convolution_backward_data.primitive_desc(
                        OneDnn.engine(), dnnl.algorithm.convolution_direct, srcAny, weiAny, dstAny, strides, dilates, padL,
                        padR, fwd));
                pd = bd;
                args.put(DNNL_ARG_DIFF_DST, input(dstDims, memory.format_tag.nchw, own(bd.diff_dst_desc()), dy));
                args.put(DNNL_ARG_WEIGHTS, input(weiDims, weiTag, own(bd.weights_desc()), w));
                args.put(DNNL_ARG_DIFF_SRC, output(srcDims, memory.format_tag.nchw, own(bd.diff_src_desc())));
                bind(new convolution_backward_data(bd), args);
            }
            case BACKWARD_WEIGHTS -> {
                convolution_backward_weights.primitive_desc bw = own(new convolution_backward_weights.primitive_desc(
                        OneDnn.engine(), dnnl.algorithm.convolution_direct, srcAny, weiAny, dstAny, strides, dilates, padL,
                        padR, fwd));
                pd = bw;
                args.put(DNNL_ARG_SRC, input(srcDims, memory.format_tag.nchw, own(bw.src_desc()), x));
                args.put(DNNL_ARG_DIFF_DST, input(dstDims, memory.format_tag.nchw, own(bw.diff_dst_desc()), dy));
                args.put(DNNL_ARG_DIFF_WEIGHTS, output(weiDims, weiTag, own(bw.diff_weights_desc())));
                bind(new convolution_backward_weights(bw), args);
            }
            default -> throw new IllegalArgumentException("op " + op);
        }
    }

    @Override
    public String implementation() {
        return pd.impl_info_str().getString();
    }
}
