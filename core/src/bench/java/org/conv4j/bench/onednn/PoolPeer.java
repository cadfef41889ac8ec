package org.conv4j.bench.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.primitive_desc_base;

/**
 * oneDNN max or average pooling (square window, square stride, symmetric padding; average counts the padding,
 * conv4j's default) forward or backward. Pooling sources cannot be {@code any}, so the oneDNN layout is the
 * blocked activation layout its convolutions use here: {@code nChw16c} with AVX-512 kernels, else {@code nChw8c}.
 *
 * <p>Forward is {@code forward_inference} (only {@code y}, as conv4j's forward). Max-pooling backward uses the
 * workspace (arg-max indices) of one {@code forward_training} run made at construction, outside the timing,
 * so oneDNN does not re-find the maxima that conv4j's backward (given {@code dy} and {@code x}) must re-find.
 */
public final class PoolPeer extends Peer {
    private final primitive_desc_base pd;

    /**
     * Builds the primitive and its memories; {@link OneDnn#init(int)} must have run.
     *
     * @param backward false for forward ({@code x} used), true for backward ({@code dy} used; {@code x} only
     *                 for the workspace of max pooling)
     */
    public PoolPeer(boolean backward, boolean max, Layout layout, int n, int c, int h, int w, int k, int stride,
            int pad, float[] x, float[] dy) {
        this(backward, max, false, true, layout, n, c, h, w, k, stride, pad, x, dy);
    }

    /**
     * As {@link #PoolPeer(boolean, boolean, Layout, int, int, int, int, int, int, int, float[], float[])}, plus:
     *
     * @param training   forward only: {@code forward_training}, which also writes max pooling's arg-max workspace
     *                   (oneDNN's counterpart of a forward that returns indices)
     * @param includePad average only: whether the divisor counts padded cells ({@code count_include_pad})
     */
    public PoolPeer(boolean backward, boolean max, boolean training, boolean includePad, Layout layout, int n, int c,
            int h, int w, int k, int stride, int pad, float[] x, float[] dy) {
        super(layout);
        int hOut = (h + 2 * pad - k) / stride + 1;
        int wOut = (w + 2 * pad - k) / stride + 1;
        long[] srcDims = {n, c, h, w};
        long[] dstDims = {n, c, hOut, wOut};
        long[] strides = {stride, stride};
        long[] kernel = {k, k};
        long[] dilation = {0, 0};
        long[] pads = {pad, pad};
        memory.format_tag blocked = blockedTag();
        memory.desc srcBlocked = own(OneDnn.desc(srcDims, blocked));
        memory.desc dstAny = own(OneDnn.desc(dstDims, memory.format_tag.any));
        dnnl.algorithm alg = max ? dnnl.algorithm.pooling_max
                : includePad ? dnnl.algorithm.pooling_avg_include_padding : dnnl.algorithm.pooling_avg_exclude_padding;
        IntMemoryMap args = own(new IntMemoryMap());
        if (!backward) {
            pooling_forward.primitive_desc fwd = own(new pooling_forward.primitive_desc(OneDnn.engine(),
                    training ? dnnl.prop_kind.forward_training : dnnl.prop_kind.forward_inference, alg, srcBlocked,
                    dstAny, strides, kernel, dilation, pads, pads));
            pd = fwd;
            args.put(DNNL_ARG_SRC, input(srcDims, memory.format_tag.nchw, own(fwd.src_desc()), x));
            args.put(DNNL_ARG_DST, output(dstDims, memory.format_tag.nchw, own(fwd.dst_desc())));
            if (training && max) {
                args.put(DNNL_ARG_WORKSPACE, scratch(own(fwd.workspace_desc())));
            }
            bind(new pooling_forward(fwd), args);
            return;
        }
        pooling_forward.primitive_desc train = own(new pooling_forward.primitive_desc(OneDnn.engine(),
                dnnl.prop_kind.forward_training, alg, srcBlocked, dstAny, strides, kernel, dilation, pads, pads));
        pooling_backward.primitive_desc bwd = own(new pooling_backward.primitive_desc(OneDnn.engine(), alg,
                srcBlocked, dstAny, strides, kernel, dilation, pads, pads, train));
        pd = bwd;
        args.put(DNNL_ARG_DIFF_DST, input(dstDims, memory.format_tag.nchw, own(bwd.diff_dst_desc()), dy));
        args.put(DNNL_ARG_DIFF_SRC, output(srcDims, memory.format_tag.nchw, own(bwd.diff_src_desc())));
        if (max) {
            // One untimed forward_training pass leaves the arg-max workspace the backward primitive reads.
            memory ws = scratch(own(train.workspace_desc()));
            memory src = scratch(own(train.src_desc()));
            memory srcUser = scratch(own(OneDnn.desc(srcDims, memory.format_tag.nchw)));
            OneDnn.write(srcUser, x);
            OneDnn.reorderNow(srcUser, src);
            memory dst = scratch(own(train.dst_desc()));
            IntMemoryMap fargs = own(new IntMemoryMap());
            fargs.put(DNNL_ARG_SRC, src);
            fargs.put(DNNL_ARG_DST, dst);
            fargs.put(DNNL_ARG_WORKSPACE, ws);
            own(new pooling_forward(train)).execute(OneDnn.stream(), fargs);
            OneDnn.stream()._wait();
            args.put(DNNL_ARG_WORKSPACE, ws);
        }
        bind(new pooling_backward(bwd), args);
    }

    /** The blocked layout pooling runs in here: {@code nChw16c} with AVX-512 kernels, else {@code nChw8c}. */
    public static memory.format_tag blockedTag() {
        return OneDnn.avx512() ? memory.format_tag.nChw16c : memory.format_tag.nChw8c;
    }

    /** {@link #blockedTag()} by its usual name ({@code nChw16c} or {@code nChw8c}). */
    public static String blockedLayoutName() {
        return OneDnn.avx512() ? "nChw16c" : "nChw8c";
    }

    @Override
    public String implementation() {
        return pd.impl_info_str().getString();
    }
}
