package org.conv4j.bench.onednn;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.javacpp.Pointer;

/**
 * One oneDNN primitive bound to its tensors, run as a contender: {@link #run()} is the timed call. In
 * {@link Layout#NCHW} the inputs live in plain user memories and {@link #run()} reorders them into the
 * primitive's layout and the result back; in {@link Layout#BLOCKED} the inputs were reordered once at
 * construction and {@link #run()} is the primitive alone. {@link #result()} always returns plain NCHW/OIHW.
 */
public abstract class Peer implements AutoCloseable {
    private final Layout layout;
    private final List<reorder> pre = new ArrayList<>();
    private final List<memory> preFrom = new ArrayList<>();
    private final List<memory> preTo = new ArrayList<>();
    /** Everything native this peer created, kept reachable for its lifetime and freed by {@link #close()}. */
    private final List<Pointer> owned = new ArrayList<>();
    private primitive main;
    private IntMemoryMap args;
    private reorder post;
    private memory outUser;
    private memory outPrim;
    private int outSize;

    Peer(Layout layout) {
        this.layout = layout;
    }

    /** The layout variant of this peer. */
    public final Layout layout() {
        return layout;
    }

    <T extends Pointer> T own(T p) {
        owned.add(p);
        return p;
    }

    /** A plain user memory holding {@code data}, and the memory in {@code primDesc} the primitive reads. */
    final memory input(long[] dims, memory.format_tag plain, memory.desc primDesc, float[] data) {
        memory user = own(new memory(own(OneDnn.desc(dims, plain)), OneDnn.engine()));
        OneDnn.write(user, data);
        if (primDesc.equals(user.get_desc())) {
            return user;
        }
        memory prim = own(new memory(primDesc, OneDnn.engine()));
        if (layout == Layout.NCHW) {
            pre.add(own(new reorder(user, prim)));
            preFrom.add(user);
            preTo.add(prim);
        } else {
            OneDnn.reorderNow(user, prim);
        }
        return prim;
    }

    /** The memory in {@code primDesc} the primitive writes its result to (plain user copy made as needed). */
    final memory output(long[] dims, memory.format_tag plain, memory.desc primDesc) {
        outUser = own(new memory(own(OneDnn.desc(dims, plain)), OneDnn.engine()));
        long size = 1;
        for (long d : dims) {
            size *= d;
        }
        outSize = Math.toIntExact(size);
        if (primDesc.equals(outUser.get_desc())) {
            outPrim = outUser;
        } else {
            outPrim = own(new memory(primDesc, OneDnn.engine()));
            if (layout == Layout.NCHW) {
                post = own(new reorder(outPrim, outUser));
            }
        }
        return outPrim;
    }

    /** A scratch memory of the primitive's own (e.g. the max-pooling workspace), not reordered. */
    final memory scratch(memory.desc d) {
        return own(new memory(d, OneDnn.engine()));
    }

    final void bind(primitive p, IntMemoryMap a) {
        main = own(p);
        args = own(a);
    }

    /** The timed call: reorders in (NCHW only), the primitive, the reorder out (NCHW only), then waits. */
    public final void run() {
        for (int i = 0; i < pre.size(); i++) {
            pre.get(i).execute(OneDnn.stream(), preFrom.get(i), preTo.get(i));
        }
        main.execute(OneDnn.stream(), args);
        if (post != null) {
            post.execute(OneDnn.stream(), outPrim, outUser);
        }
        OneDnn.stream()._wait();
    }

    /** The last result in plain NCHW (OIHW for weight gradients); call after {@link #run()}. */
    public final float[] result() {
        if (outPrim != outUser && post == null) {
            OneDnn.reorderNow(outPrim, outUser);
        }
        return OneDnn.read(outUser, outSize);
    }

    /** Number of reorders {@link #run()} performs (0 in {@link Layout#BLOCKED}, or when oneDNN chose plain layouts). */
    public final int reordersPerCall() {
        return pre.size() + (post == null ? 0 : 1);
    }

    /** oneDNN's implementation name, e.g. {@code brg_conv_fwd:avx512_core}. */
    public abstract String implementation();

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }
}
