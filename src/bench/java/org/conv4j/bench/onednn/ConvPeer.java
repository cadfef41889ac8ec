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
 * {@code conv2dBackwardWeights}). Symmetric padding, no dilation, groups 1: the bench shapes s1 to s8.
 */
public final class ConvPeer extends Peer {
    /** Which of the three convolution GEMM shapes. */
    public enum Op {
        FORWARD, BACKWARD_DATA, BACKWARD_WEIGHTS
    }

    private final primitive_desc_base pd;

    /**
     * Builds the primitive and its memories; {@link OneDnn#init(int)} must have run.
     *
     * @param x    input [n, cIn, h, w] (forward and backward-weights; ignored for backward-data)
     * @param w    weights [cOut, cIn, kh, kw] (forward and backward-data)
     * @param bias [cOut] (forward)
     * @param dy   output gradient [n, cOut, hOut, wOut] (backward operations)
     */
    public ConvPeer(Op op, Layout layout, int n, int cIn, int h, int wd, int cOut, int kh, int kw, int stride, int pad,
            float[] x, float[] w, float[] bias, float[] dy) {
        super(layout);
        int hOut = (h + 2 * pad - kh) / stride + 1;
        int wOut = (wd + 2 * pad - kw) / stride + 1;
        long[] srcDims = {n, cIn, h, wd};
        long[] weiDims = {cOut, cIn, kh, kw};
        long[] biasDims = {cOut};
        long[] dstDims = {n, cOut, hOut, wOut};
        long[] strides = {stride, stride};
        long[] pads = {pad, pad};
        memory.format_tag any = memory.format_tag.any;
        memory.desc srcAny = own(OneDnn.desc(srcDims, any));
        memory.desc weiAny = own(OneDnn.desc(weiDims, any));
        memory.desc biasAny = own(OneDnn.desc(biasDims, any));
        memory.desc dstAny = own(OneDnn.desc(dstDims, any));
        // The forward descriptor is also the hint the backward ones require.
        convolution_forward.primitive_desc fwd = own(new convolution_forward.primitive_desc(OneDnn.engine(),
                dnnl.prop_kind.forward_training, dnnl.algorithm.convolution_direct, srcAny, weiAny, biasAny, dstAny,
                strides, pads, pads));
        IntMemoryMap args = own(new IntMemoryMap());
        switch (op) {
            case FORWARD -> {
                pd = fwd;
                args.put(DNNL_ARG_SRC, input(srcDims, memory.format_tag.nchw, own(fwd.src_desc()), x));
                args.put(DNNL_ARG_WEIGHTS, input(weiDims, memory.format_tag.oihw, own(fwd.weights_desc()), w));
                args.put(DNNL_ARG_BIAS, input(biasDims, memory.format_tag.x, own(fwd.bias_desc()), bias));
                args.put(DNNL_ARG_DST, output(dstDims, memory.format_tag.nchw, own(fwd.dst_desc())));
                bind(new convolution_forward(fwd), args);
            }
            case BACKWARD_DATA -> {
                convolution_backward_data.primitive_desc bd = own(new convolution_backward_data.primitive_desc(
                        OneDnn.engine(), dnnl.algorithm.convolution_direct, srcAny, weiAny, dstAny, strides, pads, pads,
                        fwd));
                pd = bd;
                args.put(DNNL_ARG_DIFF_DST, input(dstDims, memory.format_tag.nchw, own(bd.diff_dst_desc()), dy));
                args.put(DNNL_ARG_WEIGHTS, input(weiDims, memory.format_tag.oihw, own(bd.weights_desc()), w));
                args.put(DNNL_ARG_DIFF_SRC, output(srcDims, memory.format_tag.nchw, own(bd.diff_src_desc())));
                bind(new convolution_backward_data(bd), args);
            }
            case BACKWARD_WEIGHTS -> {
                convolution_backward_weights.primitive_desc bw = own(new convolution_backward_weights.primitive_desc(
                        OneDnn.engine(), dnnl.algorithm.convolution_direct, srcAny, weiAny, dstAny, strides, pads, pads,
                        fwd));
                pd = bw;
                args.put(DNNL_ARG_SRC, input(srcDims, memory.format_tag.nchw, own(bw.src_desc()), x));
                args.put(DNNL_ARG_DIFF_DST, input(dstDims, memory.format_tag.nchw, own(bw.diff_dst_desc()), dy));
                args.put(DNNL_ARG_DIFF_WEIGHTS, output(weiDims, memory.format_tag.oihw, own(bw.diff_weights_desc())));
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
