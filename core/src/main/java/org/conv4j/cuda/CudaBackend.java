package org.conv4j.cuda;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.conv4j.Backend;
import org.conv4j.BackendUnavailableException;
import org.conv4j.Tensor;
import org.conv4j.spi.BaseBackend;
import org.conv4j.spi.ConvGeometry;
import org.conv4j.spi.PoolGeometry;
import org.conv4j.spi.AdaptivePoolGeometry;
import org.conv4j.spi.IndexGeometry;
import org.conv4j.IntTensor;
import org.conv4j.MaxPoolResult;
import org.conv4j.spi.Storage;
import org.conv4j.spi.TensorAccess;

/**
 * The {@code cuda} backend: conv4j's own CUDA kernels (implicit-GEMM convolution, deterministic gradients,
 * pooling) through {@link CudaNative}, on device 0.
 *
 * <p>Results are tensors in GPU memory ({@link Tensor#location()} {@code "cuda"}) and stay there: feeding them to
 * the next operation makes no host round trip; {@link Tensor#toArray()} copies back. Heap inputs are uploaded
 * once per operation into temporary device buffers that are freed before the operation returns; use
 * {@link #toDevice(Tensor)} for an input (e.g. weights) reused by many operations. Close result tensors when
 * done; unclosed ones are freed when unreachable.
 *
 * <p>Every failure of a CUDA call becomes a {@link CudaException} naming the operation and the CUDA error
 * ({@link CudaOutOfMemoryException} when the device is full); a failed operation frees whatever it allocated.
 * Every operation gives identical bits on every run on the same GPU model.
 *
 * <p>Obtain it through {@link org.conv4j.Backends#cuda()}.
 */
public final class CudaBackend extends BaseBackend {
    private final String device;
    private final AtomicLong uploads = new AtomicLong();

    private CudaBackend(String device) {
        this.device = device;
    }

    /**
     * Loads the native library and opens device 0; called by {@link org.conv4j.Backends} through reflection.
     *
     * @return the backend on device 0
     * @throws BackendUnavailableException with the reason: the native library is missing or cannot load, there
     *                                     is no NVIDIA driver (no {@code libcuda.so.1} or no {@code /dev/nvidia*}
     *                                     device nodes), the driver is too old, or there is no GPU
     */
    public static Backend create() {
        try {
            CudaNative.load();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            throw new BackendUnavailableException("native library jniconv4j_cuda / conv4j_cuda cannot be loaded ("
                    + e + ")", e);
        }
        int[] count = new int[1];
        if (CudaNative.c4j_cuda_device_count(count) != CudaNative.OK) {
            throw new BackendUnavailableException(DriverDiagnosis.reason(CudaNative.c4j_cuda_last_cuda_error(),
                    CudaNative.c4j_cuda_last_error(), DriverDiagnosis.probe()));
        }
        if (count[0] < 1) {
            throw new BackendUnavailableException("no GPU: the NVIDIA driver reports 0 CUDA devices");
        }
        byte[] name = new byte[256];
        if (CudaNative.c4j_cuda_init(0, name, name.length) != CudaNative.OK) {
            throw new BackendUnavailableException("CUDA device 0 cannot be opened: " + CudaNative.c4j_cuda_last_error());
        }
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        return new CudaBackend(new String(name, 0, len, StandardCharsets.UTF_8));
    }

    @Override
    public String name() {
        return "cuda";
    }

    /** The GPU in use, e.g. {@code "NVIDIA H100 80GB HBM3 (sm_90, 81008 MiB)"}. */
    public String device() {
        return device;
    }

    /**
     * A copy of {@code t} in GPU memory (or {@code t} itself when it is there already), for inputs that many
     * operations reuse. The caller owns the result and should close it.
     *
     * @throws IllegalArgumentException if {@code t} is null
     * @throws CudaOutOfMemoryException if the device is full
     */
    public Tensor toDevice(Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException("toDevice: tensor is null");
        }
        if (TensorAccess.storage(t) instanceof CudaStorage) {
            return t;
        }
        uploads.incrementAndGet();
        return TensorAccess.wrap(CudaStorage.upload(heap(t), "toDevice"), t.shape());
    }

    /** Number of host-to-device uploads this backend made so far (tests check that device tensors cause none). */
    public long uploadCount() {
        return uploads.get();
    }

    /** Turns a status of the C API into an exception naming the operation and the CUDA error. */
    static void check(int status, String op) {
        if (status == CudaNative.OK) {
            return;
        }
        String msg = op + " on cuda: " + CudaNative.c4j_cuda_last_error();
        int err = CudaNative.c4j_cuda_last_cuda_error();
        switch (status) {
            case CudaNative.OUT_OF_MEMORY:
                throw new CudaOutOfMemoryException(msg, err);
            case CudaNative.DEVICE:
                throw new CudaException(msg, err);
            default:
                // the Java side validated everything: a refusal here is a conv4j bug, not a user error
                throw new IllegalStateException("conv4j internal error: " + msg);
        }
    }

    /** Device operands of one call: device tensors as they are, heap tensors uploaded into temporaries. */
    private final class Operands implements AutoCloseable {
        private final String op;
        private final CudaStorage[] temps = new CudaStorage[3];
        private int n;

        Operands(String op) {
            this.op = op;
        }

        long of(Tensor t) {
            if (t == null) {
                return 0L;
            }
            Storage s = TensorAccess.storage(t);
            if (s instanceof CudaStorage) {
                return ((CudaStorage) s).address();
            }
            CudaStorage tmp = CudaStorage.upload(heap(t), op);
            uploads.incrementAndGet();
            temps[n++] = tmp;
            return tmp.address();
        }

        @Override
        public void close() {
            for (int i = 0; i < n; i++) {
                temps[i].close();
            }
        }
    }

    /** Runs {@code call} writing into a fresh device tensor of {@code shape}; frees everything on failure. */
    private interface Call {
        int run(Operands in, long out);
    }

    private Tensor run(String op, int[] shape, Call call) {
        int size = 1;
        for (int d : shape) {
            size *= d;  // validated by the geometry: fits in an int
        }
        CudaStorage out = CudaStorage.allocate(size, op);
        try (Operands in = new Operands(op)) {
            check(call.run(in, out.address()), op);
            return TensorAccess.wrap(out, shape);
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }

    @Override
    protected Tensor doConv2d(ConvGeometry g, Tensor x, Tensor w, Tensor bias) {
        int[] desc = g.toDescriptor();
        return run("conv2d", g.outputShape(),
                (in, y) -> CudaNative.c4j_cuda_conv2d_forward(desc, in.of(x), in.of(w), in.of(bias), y));
    }

    @Override
    protected Tensor doConv2dBackwardData(ConvGeometry g, Tensor dy, Tensor w) {
        int[] desc = g.toDescriptor();
        return run("conv2dBackwardData", g.inputShape(),
                (in, dx) -> CudaNative.c4j_cuda_conv2d_backward_data(desc, in.of(dy), in.of(w), dx));
    }

    @Override
    protected Tensor doConv2dBackwardWeights(ConvGeometry g, Tensor dy, Tensor x) {
        int[] desc = g.toDescriptor();
        return run("conv2dBackwardWeights", g.weightShape(),
                (in, dw) -> CudaNative.c4j_cuda_conv2d_backward_weights(desc, in.of(dy), in.of(x), dw));
    }

    @Override
    protected Tensor doConv2dBackwardBias(Tensor dy) {
        int[] s = dy.shape();
        return run("conv2dBackwardBias", new int[] {s[1]},
                (in, db) -> CudaNative.c4j_cuda_conv2d_backward_bias(s[0], s[1], s[2], s[3], in.of(dy), db));
    }

    @Override
    protected Tensor doMaxPool2d(PoolGeometry g, Tensor x) {
        int[] desc = g.toDescriptor();
        return run("maxPool2d", g.outputShape(), (in, y) -> CudaNative.c4j_cuda_max_pool2d_forward(desc, in.of(x), y));
    }

    @Override
    protected Tensor doMaxPool2dBackward(PoolGeometry g, Tensor dy, Tensor x) {
        int[] desc = g.toDescriptor();
        return run("maxPool2dBackward", g.inputShape(),
                (in, dx) -> CudaNative.c4j_cuda_max_pool2d_backward(desc, in.of(dy), in.of(x), dx));
    }

    @Override
    protected Tensor doAvgPool2d(PoolGeometry g, Tensor x) {
        int[] desc = g.toDescriptor();
        return run("avgPool2d", g.outputShape(), (in, y) -> CudaNative.c4j_cuda_avg_pool2d_forward(desc, in.of(x), y));
    }

    @Override
    protected Tensor doAvgPool2dBackward(PoolGeometry g, Tensor dy) {
        int[] desc = g.toDescriptor();
        return run("avgPool2dBackward", g.inputShape(),
                (in, dx) -> CudaNative.c4j_cuda_avg_pool2d_backward(desc, in.of(dy), dx));
    }

    @Override
    protected MaxPoolResult doMaxPool2dWithIndices(PoolGeometry g, Tensor x) {
        int[] desc = g.toDescriptor();
        int[] idx = new int[g.n * g.c * g.hOut * g.wOut];
        Tensor y = run("maxPool2dWithIndices", g.outputShape(),
                (in, out) -> CudaNative.c4j_cuda_max_pool2d_forward_indices(desc, in.of(x), out, idx));
        return new MaxPoolResult(y, IntTensor.wrap(idx, g.outputShape()));
    }

    @Override
    protected Tensor doMaxPool2dBackwardIndices(IndexGeometry g, Tensor dy, IntTensor indices) {
        int[] desc = g.toDescriptor();
        int[] idx = indices.array();
        return run("maxPool2dBackward", g.bigShape(),
                (in, dx) -> CudaNative.c4j_cuda_max_pool2d_backward_indices(desc, in.of(dy), idx, dx));
    }

    @Override
    protected Tensor doMaxUnpool2d(IndexGeometry g, Tensor x, IntTensor indices) {
        int[] desc = g.toDescriptor();
        int[] idx = indices.array();
        return run("maxUnpool2d", g.bigShape(), (in, y) -> CudaNative.c4j_cuda_max_unpool2d(desc, in.of(x), idx, y));
    }

    @Override
    protected Tensor doAdaptiveAvgPool2d(AdaptivePoolGeometry g, Tensor x) {
        int[] desc = g.toDescriptor();
        return run("adaptiveAvgPool2d", g.outputShape(),
                (in, y) -> CudaNative.c4j_cuda_adaptive_avg_pool2d_forward(desc, in.of(x), y));
    }

    @Override
    protected Tensor doAdaptiveAvgPool2dBackward(AdaptivePoolGeometry g, Tensor dy) {
        int[] desc = g.toDescriptor();
        return run("adaptiveAvgPool2dBackward", g.inputShape(),
                (in, dx) -> CudaNative.c4j_cuda_adaptive_avg_pool2d_backward(desc, in.of(dy), dx));
    }

    @Override
    protected Tensor doAdaptiveMaxPool2d(AdaptivePoolGeometry g, Tensor x) {
        int[] desc = g.toDescriptor();
        return run("adaptiveMaxPool2d", g.outputShape(),
                (in, y) -> CudaNative.c4j_cuda_adaptive_max_pool2d_forward(desc, in.of(x), y, null));
    }

    @Override
    protected MaxPoolResult doAdaptiveMaxPool2dWithIndices(AdaptivePoolGeometry g, Tensor x) {
        int[] desc = g.toDescriptor();
        int[] idx = new int[g.n * g.c * g.hOut * g.wOut];
        Tensor y = run("adaptiveMaxPool2dWithIndices", g.outputShape(),
                (in, out) -> CudaNative.c4j_cuda_adaptive_max_pool2d_forward(desc, in.of(x), out, idx));
        return new MaxPoolResult(y, IntTensor.wrap(idx, g.outputShape()));
    }
}
