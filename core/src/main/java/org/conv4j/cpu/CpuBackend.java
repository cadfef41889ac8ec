package org.conv4j.cpu;

import org.conv4j.Backend;
import org.conv4j.BackendUnavailableException;
import org.conv4j.Precision;
import org.conv4j.IntTensor;
import org.conv4j.MaxPoolResult;
import org.conv4j.Tensor;
import org.conv4j.internal.Parallel;
import org.conv4j.java.JavaBackend;
import org.bytedeco.javacpp.IntPointer;
import org.conv4j.spi.AdaptivePoolGeometry;
import org.conv4j.spi.BaseBackend;
import org.conv4j.spi.IndexGeometry;
import org.conv4j.spi.ConvGeometry;
import org.conv4j.spi.PoolGeometry;
import org.conv4j.spi.SmallProblemRouter;
import org.conv4j.spi.SmallProblemRouting;
import org.conv4j.spi.TensorAccess;

/**
 * The {@code cpu} backend: conv4j's C++ kernels through JavaCPP (im2col + OpenBLAS {@code sgemm} from
 * {@code org.bytedeco:openblas}, direct loops for depthwise-like convolutions, AVX2 or scalar pooling
 * chosen by CPUID).
 *
 * <p><b>Memory.</b> Results live in native memory ({@link NativeStorage}, {@code location() == "native"});
 * close them when done, or let the garbage collector free them. Native inputs are used in place;
 * heap inputs are pinned for the call ({@code GetPrimitiveArrayCritical}, no copy) when every input of
 * the operation is on the heap, and copied to native memory once otherwise (mixed inputs); GPU inputs
 * are copied through {@code toArray()}. The heap policy can be switched to always copy with
 * {@code -Dconv4j.cpu.heapInputs=copy}.
 *
 * <p><b>Threads.</b> {@link org.conv4j.Conv4j#setThreads} is the only knob. Each operation is cut into
 * independent native tasks (blocks of output columns, of channels, or of planes) which run on conv4j's
 * one bounded pool ({@link Parallel}); OpenBLAS itself is kept single-threaded, so one operation uses
 * at most {@code threads()} cores for its GEMMs and its own loops alike, and many Java threads calling
 * at once never multiply OpenBLAS threads on top of conv4j's.
 *
 * <p><b>Small problems.</b> {@code Backends.cpu()} runs everything natively. {@code Backends.auto()}
 * gets {@link #forAuto()}, a {@link SmallProblemRouter} in front of this backend: operations with at most
 * {@link #DEFAULT_SMALL_WORK}
 * multiply-adds (convolutions; four per window element for pooling; {@code -Dconv4j.cpu.smallWork=N}
 * overrides the measured default, 0 disables routing) run on the {@code java} backend, because a JNI call
 * plus a native result costs more than the whole computation there. Those results are heap tensors
 * ({@code location() == "heap"}). {@link #lastRoute()} tells which way the calling thread's last routed
 * operation went, the router's {@code toString()} states the threshold, and each decision is logged at
 * {@code DEBUG} on the {@code org.conv4j.cpu} logger.
 */
public final class CpuBackend extends BaseBackend implements SmallProblemRouting {
    /**
     * Default routing threshold of {@link #forAuto()} in multiply-adds (convolutions; pooling counts four per
     * window element): the native path costs about 2 to 4 microseconds of fixed overhead (JNI call, native
     * result allocation and JavaCPP's deallocator bookkeeping), and the java backend is faster below about
     * 3,000 multiply-adds or 1,200 window elements (see native/README.md).
     */
    public static final long DEFAULT_SMALL_WORK = 4096;

    /** Winograd modes of the descriptor's C4J_CONV_ALGO field (conv4j_types.h). */
    private static final int WINOGRAD_OFF = 0, WINOGRAD_AUTO = 1, WINOGRAD_ALWAYS = 2;

    private final boolean pinHeapInputs;
    /** This backend's Winograd mode, passed with every convolution (no process-wide state). */
    private final int winograd;
    private volatile Backend routed;

    private CpuBackend(boolean pinHeapInputs, int winograd) {
        this.pinHeapInputs = pinHeapInputs;
        this.winograd = winograd;
    }

    /**
     * Loads the native library and returns the backend (every operation native). Called by
     * {@link org.conv4j.Backends} through reflection; users should call {@link org.conv4j.Backends#cpu()}.
     *
     * @return the backend, heap inputs pinned unless {@code -Dconv4j.cpu.heapInputs=copy}
     * @throws BackendUnavailableException with the reason when the native library (or the OpenBLAS it
     *                                     needs) cannot be loaded on this platform
     */
    public static Backend create() {
        CpuBackend b = create(!"copy".equalsIgnoreCase(System.getProperty("conv4j.cpu.heapInputs", "pin")));
        String mode = System.getProperty("conv4j.cpu.winograd", "off").trim();
        Integer m = winogradMode(mode);
        if (m == null) {
            System.getLogger("org.conv4j.cpu").log(System.Logger.Level.WARNING, "-Dconv4j.cpu.winograd=" + mode
                    + " ignored: expected off, auto or always");
            return b;
        }
        return new CpuBackend(b.pinHeapInputs, m);
    }

    private static Integer winogradMode(String mode) {
        switch (mode.toLowerCase(java.util.Locale.ROOT)) {
            case "off":
                return WINOGRAD_OFF;
            case "auto":
                return WINOGRAD_AUTO;
            case "always":
                return WINOGRAD_ALWAYS;
            default:
                return null;
        }
    }

    /**
     * A backend with an explicit heap-input policy (tests and benchmarks); every operation runs natively.
     *
     * @param pinHeapInputs true to pin all-heap inputs for the call, false to copy them to native memory
     * @return the backend
     * @throws BackendUnavailableException as {@link #create()}
     */
    public static CpuBackend create(boolean pinHeapInputs) {
        CpuLibrary.load();
        return new CpuBackend(pinHeapInputs, WINOGRAD_OFF);
    }

    /**
     * The accuracy contract of this backend's algorithms.
     *
     * @return {@link Precision#FASTEST} when this backend may use Winograd, else {@link Precision#ACCURATE}
     */
    @Override
    public Precision precision() {
        return winograd == WINOGRAD_OFF ? Precision.ACCURATE : Precision.FASTEST;
    }

    /**
     * This backend with the algorithms of {@code precision}: {@link Precision#ACCURATE} never uses Winograd
     * (im2col + GEMM, implicit GEMM and direct loops: every output a float32 sum of its exact products);
     * {@link Precision#FASTEST} uses Winograd F(2x2, 3x3) / F(3x3, 2x2) for 3x3 stride-1 undilated
     * convolutions where it measured faster (see {@code docs/accuracy.md} for both error bounds). The
     * setting travels with every call of the returned backend; other backends are unaffected.
     *
     * @param precision the contract
     * @return this backend if it already has that precision, else a variant (same heap-input policy)
     * @throws IllegalArgumentException if {@code precision} is null
     */
    @Override
    public Backend withPrecision(Precision precision) {
        if (precision == null) {
            throw new IllegalArgumentException("withPrecision: precision is null");
        }
        if (precision == precision()) {
            return this;
        }
        return new CpuBackend(pinHeapInputs, precision == Precision.ACCURATE ? WINOGRAD_OFF : WINOGRAD_AUTO);
    }

    /**
     * For tests and benchmarks: this backend with an explicit Winograd mode for 3x3, stride-1, undilated
     * convolutions: {@code "off"} never ({@link Precision#ACCURATE}), {@code "auto"} where it measured faster
     * ({@link Precision#FASTEST}), {@code "always"} wherever it applies (3x3, stride 1, dilation 1, at least
     * 8 summed channels; at least 64 output positions for the weight gradient).
     *
     * @param mode off, auto or always
     * @return a variant of this backend (same heap-input policy)
     * @throws IllegalArgumentException for any other mode
     */
    public CpuBackend withWinograd(String mode) {
        Integer m = mode == null ? null : winogradMode(mode.trim());
        if (m == null) {
            throw new IllegalArgumentException("winograd mode must be off, auto or always, got " + mode);
        }
        return new CpuBackend(pinHeapInputs, m);
    }

    /** The descriptor of one convolution call: the geometry plus this backend's Winograd mode. */
    private int[] descriptor(ConvGeometry g) {
        int[] d = g.toDescriptor();
        d[ConvGeometry.ALGO] = winograd;
        return d;
    }

    /**
     * This backend behind a {@link SmallProblemRouter} that sends small problems to the java kernels (what
     * {@code Backends.auto()} returns): threshold {@code -Dconv4j.cpu.smallWork} or {@link #DEFAULT_SMALL_WORK}
     * multiply-adds; 0 routes nothing.
     *
     * @return the routing variant, the same instance on every call
     */
    @Override
    public Backend forAuto() {
        Backend r = routed;
        if (r == null) {
            long work = Long.getLong("conv4j.cpu.smallWork", DEFAULT_SMALL_WORK);
            r = work == 0 ? this : new SmallProblemRouter(this, JavaBackend.INSTANCE, work);
            routed = r;
        }
        return r;
    }

    /** Directions of {@link #usesWinograd}: the C API's codes. */
    static final int FORWARD = 0, BACKWARD_DATA = 1, BACKWARD_WEIGHTS = 2;

    /** For tests: whether a convolution of this geometry runs the Winograd path on this backend in that direction. */
    boolean usesWinograd(ConvGeometry g, int direction) {
        return CpuNative.c4j_conv2d_uses_winograd(descriptor(g), direction, Parallel.threads()) == 1;
    }

    /**
     * The OpenBLAS kernel family the cpu backend's {@code sgemm} runs, and where the choice came from,
     * e.g. {@code "Cooperlake (OpenBLAS's own CPU detection)"} or
     * {@code "Haswell (OPENBLAS_CORETYPE=Haswell from the environment)"}.
     *
     * <p>OpenBLAS picks its kernels once, when it loads: from the environment variable
     * {@code OPENBLAS_CORETYPE} if set, from CPUID otherwise. Machine images sometimes set that variable for
     * every process as a workaround for virtual CPUs, which can cost half the GEMM speed.
     * {@code -Dconv4j.cpu.openblasCore=NAME} (an OpenBLAS core name such as {@code COOPERLAKE},
     * {@code SKYLAKEX} or {@code HASWELL}) makes the cpu backend set the variable itself before it loads
     * OpenBLAS, replacing the environment's value for this process; the default, {@code auto}, leaves the
     * choice to the environment and OpenBLAS. A request has no effect if OpenBLAS was loaded before the
     * cpu backend, and the description then says so.
     *
     * @return the kernel family and the origin of the choice
     * @throws BackendUnavailableException if the native library cannot be loaded
     */
    public static String openBlasCore() {
        return CpuLibrary.openBlasCore();
    }

    /**
     * The convolution implementations of a direction, in the order the cpu backend prefers them (the first that
     * picks a geometry runs it), e.g. {@code winograd_f2x3__avx512}, {@code grouped_direct__scalar},
     * {@code igemm_rows__avx512}, {@code pointwise__avx512}, {@code im2col_sgemm}. The suffix names the instruction
     * set. A call runs another one when the system property {@link ConvDirection#property()} (for example
     * {@code -Dconv4j.cpu.impl.forward=im2col_sgemm}) names it; a call whose geometry it does not apply to then
     * throws {@link IllegalArgumentException}.
     *
     * @param d the direction
     * @return the names, in preference order
     * @throws BackendUnavailableException if the native library cannot be loaded
     */
    public static java.util.List<String> implementations(ConvDirection d) {
        CpuLibrary.load();
        return ConvImplementations.names(d);
    }

    /**
     * The implementation a convolution of this geometry runs on this backend in direction {@code d} (the list's
     * choice under the current ISA cap and this backend's Winograd mode; a forcing property is not consulted).
     *
     * @param d the direction
     * @param g the validated geometry (see {@link ConvGeometry#forward} and friends)
     * @return its name, one of {@link #implementations(ConvDirection)}
     * @throws BackendUnavailableException if the native library cannot be loaded
     */
    public String implementation(ConvDirection d, ConvGeometry g) {
        return ConvImplementations.names(d).get(CpuNative.c4j_conv2d_impl_select(descriptor(g), d.code()));
    }

    /**
     * The implementations that can compute a convolution of this geometry in direction {@code d} on this backend
     * (under the current ISA cap; Winograd only where this backend's mode allows it): those a forcing property may
     * name.
     *
     * @param d the direction
     * @param g the validated geometry
     * @return their names, in preference order
     * @throws BackendUnavailableException if the native library cannot be loaded
     */
    public java.util.List<String> applicableImplementations(ConvDirection d, ConvGeometry g) {
        return ConvImplementations.applicable(d, descriptor(g));
    }

    /**
     * The widest instruction set the cpu kernels use now: {@code "avx512"}, {@code "avx2"} (with FMA),
     * {@code "neon"} (arm64) or {@code "scalar"}. It is what CPUID reports, capped by
     * {@code -Dconv4j.cpu.isa=auto|avx512|avx2|neon|scalar}
     * (read when the library loads; {@code auto} is the default, a cap above the CPU's runs what the CPU has).
     * The cap governs conv4j's own kernels and the choice among them; the OpenBLAS kernels that the
     * {@code im2col_sgemm} implementation calls are OpenBLAS's own choice ({@link #openBlasCore()}).
     *
     * @return the ISA name
     * @throws BackendUnavailableException if the native library cannot be loaded
     */
    public static String isa() {
        CpuLibrary.load();
        return CpuLibrary.ISA_NAMES[CpuNative.c4j_cpu_isa()];
    }

    /**
     * For tests and benchmarks: caps the ISA as {@code -Dconv4j.cpu.isa} does. Call it only while no operation
     * runs.
     *
     * @param name {@code auto}, {@code avx512}, {@code avx2}, {@code neon} or {@code scalar}
     * @throws IllegalArgumentException for another name
     */
    static void isa(String name) {
        CpuLibrary.load();
        if (!CpuLibrary.setIsa(name)) {
            throw new IllegalArgumentException("ISA cap must be auto, avx512, avx2, neon or scalar, got " + name);
        }
    }

    /**
     * Says what runs: the name, the ISA of conv4j's kernels, OpenBLAS's kernels and the Winograd mode, e.g.
     * {@code "cpu: ISA avx2, OpenBLAS Zen (OpenBLAS's own CPU detection), winograd off"}.
     *
     * @return the description
     * @throws BackendUnavailableException if the native library cannot be loaded
     */
    public String description() {
        return "cpu: ISA " + isa() + ", OpenBLAS " + openBlasCore() + ", winograd "
                + (winograd == WINOGRAD_OFF ? "off" : winograd == WINOGRAD_AUTO ? "auto" : "always");
    }

    /**
     * The backend's name.
     *
     * @return {@code "cpu"}
     */
    @Override
    public String name() {
        return "cpu";
    }

    /**
     * The name, and the Winograd mode unless it is off.
     *
     * @return e.g. {@code "cpu"} or {@code "cpu (winograd auto)"}
     */
    @Override
    public String toString() {
        return winograd == WINOGRAD_OFF ? "cpu" : "cpu (winograd " + (winograd == WINOGRAD_AUTO ? "auto" : "always") + ")";
    }

    /**
     * Which way the calling thread's last operation through {@link #forAuto()} went.
     *
     * @return {@code "native"}, {@code "java"} (small problem), or {@code null} before the first one
     */
    public static String lastRoute() {
        return SmallProblemRouter.lastRoute();
    }

    /**
     * Whether the AVX2+FMA pooling kernels are in use (CPUID says yes), rather than the portable ones.
     *
     * @return true where CPUID reports AVX2 and FMA and the scalar kernels are not forced
     * @throws BackendUnavailableException if the native library cannot be loaded
     */
    public static boolean usesAvx2() {
        CpuLibrary.load();
        return (CpuNative.c4j_cpu_features() & 1) != 0;
    }

    /**
     * The processor architecture and the instruction set of conv4j's own kernels in this process, for logs
     * and bug reports: {@code "x86_64 AVX-512"}, {@code "x86_64 AVX2+FMA"}, {@code "x86_64 scalar"},
     * {@code "arm64 NEON"}, {@code "arm64 scalar"}, and so on. The architecture is that of the native library
     * JavaCPP loaded ({@code org.conv4j:conv4j:<platform>}, e.g. {@code linux-arm64}); the instruction set is
     * the best kernel family the CPU supports and the scalar switch allows. GEMMs outside conv4j's own
     * kernels run OpenBLAS, whose choice {@link #openBlasCore()} describes.
     *
     * @return architecture and instruction set, separated by one space
     * @throws BackendUnavailableException if the native library cannot be loaded
     */
    public static String describeIsa() {
        CpuLibrary.load();
        String platform = org.bytedeco.javacpp.Loader.getPlatform();
        int f = CpuNative.c4j_cpu_features();
        String set = (f & 2) != 0 ? "AVX-512" : (f & 1) != 0 ? "AVX2+FMA" : (f & 4) != 0 ? "NEON" : "scalar";
        return platform.substring(platform.indexOf('-') + 1) + " " + set;
    }

    /**
     * OpenBLAS's thread count, asked through the same library binding conv4j's sgemm calls use.
     *
     * @return 1: conv4j runs GEMM tasks on its own pool
     * @throws BackendUnavailableException if the native library cannot be loaded
     */
    public static int blasThreads() {
        CpuLibrary.load();
        return CpuNative.c4j_cpu_blas_threads();
    }

    /** For tests: non-zero forces the portable scalar pooling kernels even where AVX2 is available. */
    static void forceScalar(boolean force) {
        CpuLibrary.load();
        CpuNative.c4j_cpu_force_scalar(force ? 1 : 0);
    }

    private Tensor run(String op, Object what, int[] shape, int tasks, double work, Tensor[] ins,
                       NativeTasks.Kernel<float[]> onArrays, NativeTasks.Kernel<org.bytedeco.javacpp.FloatPointer> onPointer) {
        int length = 1;
        for (int d : shape) {
            length *= d;  // validated by the geometry: fits in an int
        }
        return TensorAccess.wrap(NativeTasks.run(op, what, length, tasks, work, pinHeapInputs, ins, onArrays, onPointer), shape);
    }

    @Override
    protected Tensor doConv2d(ConvGeometry g, Tensor x, Tensor w, Tensor bias) {
        int[] desc = descriptor(g);
        int parts = Parallel.threads();
        int impl = ConvImplementations.choose(ConvDirection.FORWARD, g, desc);
        return run("conv2d", g, g.outputShape(), CpuNative.c4j_conv2d_impl_tasks(desc, 0, impl, parts), g.flops(),
                new Tensor[] {x, w, bias},
                (a, y, from, to) -> CpuNative.c4j_conv2d_forward_impl(desc, impl, a[0], a[1], a[2], y, parts, from, to),
                (p, y, from, to) -> CpuNative.c4j_conv2d_forward_impl(desc, impl, p[0], p[1], p[2], y, parts, from, to));
    }

    @Override
    protected Tensor doConv2dBackwardData(ConvGeometry g, Tensor dy, Tensor w) {
        int[] desc = descriptor(g);
        int parts = Parallel.threads();
        int impl = ConvImplementations.choose(ConvDirection.BACKWARD_DATA, g, desc);
        return run("conv2dBackwardData", g, g.inputShape(), CpuNative.c4j_conv2d_impl_tasks(desc, 1, impl, parts),
                g.flops(), new Tensor[] {dy, w},
                (a, dx, from, to) -> CpuNative.c4j_conv2d_backward_data_impl(desc, impl, a[0], a[1], dx, parts, from, to),
                (p, dx, from, to) -> CpuNative.c4j_conv2d_backward_data_impl(desc, impl, p[0], p[1], dx, parts, from, to));
    }

    @Override
    protected Tensor doConv2dBackwardWeights(ConvGeometry g, Tensor dy, Tensor x) {
        int[] desc = descriptor(g);
        int parts = Parallel.threads();
        int impl = ConvImplementations.choose(ConvDirection.BACKWARD_WEIGHTS, g, desc);
        return run("conv2dBackwardWeights", g, g.weightShape(), CpuNative.c4j_conv2d_impl_tasks(desc, 2, impl, parts),
                g.flops(), new Tensor[] {dy, x},
                (a, dw, from, to) -> CpuNative.c4j_conv2d_backward_weights_impl(desc, impl, a[0], a[1], dw, parts, from,
                        to),
                (p, dw, from, to) -> CpuNative.c4j_conv2d_backward_weights_impl(desc, impl, p[0], p[1], dw, parts, from,
                        to));
    }

    @Override
    protected Tensor doConv2dBackwardBias(Tensor dy) {
        int[] s = dy.shape();
        int n = s[0], c = s[1], hw = s[2] * s[3];
        return run("conv2dBackwardBias", "dy " + java.util.Arrays.toString(s), new int[] {c}, c, (double) n * c * hw,
                new Tensor[] {dy},
                (a, db, from, to) -> CpuNative.c4j_conv2d_backward_bias(n, c, hw, a[0], db, from, to),
                (p, db, from, to) -> CpuNative.c4j_conv2d_backward_bias(n, c, hw, p[0], db, from, to));
    }

    /**
     * Pooling work in flop-like units for chunking: about four instructions per window element, plus 16 per
     * element of x and y moved. The vector kernels make pooling memory-bound, so the window count alone
     * (2x2 windows: one element each) put a whole N8 C512 14x14 layer into one chunk on one thread.
     */
    private static double poolWork(PoolGeometry g) {
        double planes = (double) g.n * g.c;
        return 4 * g.windowOps() + 16 * planes * ((double) g.h * g.w + (double) g.hOut * g.wOut);
    }

    @Override
    protected Tensor doMaxPool2d(PoolGeometry g, Tensor x) {
        int[] desc = g.toDescriptor();
        return run("maxPool2d", g, g.outputShape(), CpuNative.c4j_pool2d_tasks(desc), poolWork(g), new Tensor[] {x},
                (a, y, from, to) -> CpuNative.c4j_max_pool2d_forward(desc, a[0], y, from, to),
                (p, y, from, to) -> CpuNative.c4j_max_pool2d_forward(desc, p[0], y, from, to));
    }

    @Override
    protected Tensor doMaxPool2dBackward(PoolGeometry g, Tensor dy, Tensor x) {
        int[] desc = g.toDescriptor();
        // the windows searched again, then the gradient gathered or scattered: about three forwards of work, so
        // small layers (N1 C832 7x7) still split over the threads
        return run("maxPool2dBackward", g, g.inputShape(), CpuNative.c4j_pool2d_tasks(desc), 3 * poolWork(g),
                new Tensor[] {dy, x},
                (a, dx, from, to) -> CpuNative.c4j_max_pool2d_backward(desc, a[0], a[1], dx, from, to),
                (p, dx, from, to) -> CpuNative.c4j_max_pool2d_backward(desc, p[0], p[1], dx, from, to));
    }

    @Override
    protected Tensor doAvgPool2d(PoolGeometry g, Tensor x) {
        int[] desc = g.toDescriptor();
        return run("avgPool2d", g, g.outputShape(), CpuNative.c4j_pool2d_tasks(desc), poolWork(g), new Tensor[] {x},
                (a, y, from, to) -> CpuNative.c4j_avg_pool2d_forward(desc, a[0], y, from, to),
                (p, y, from, to) -> CpuNative.c4j_avg_pool2d_forward(desc, p[0], y, from, to));
    }

    @Override
    protected Tensor doAvgPool2dBackward(PoolGeometry g, Tensor dy) {
        int[] desc = g.toDescriptor();
        return run("avgPool2dBackward", g, g.inputShape(), CpuNative.c4j_pool2d_tasks(desc), poolWork(g),
                new Tensor[] {dy},
                (a, dx, from, to) -> CpuNative.c4j_avg_pool2d_backward(desc, a[0], dx, from, to),
                (p, dx, from, to) -> CpuNative.c4j_avg_pool2d_backward(desc, p[0], dx, from, to));
    }

    /** Work of an index-driven operation: a store per pooled value plus writing the big planes. */
    private static double indexWork(IndexGeometry g) {
        return 4.0 * g.n * g.c * ((double) g.hs * g.ws + (double) g.hb * g.wb);
    }

    /** The indices a kernel wrote into {@code idx}, as a heap tensor of {@code shape}. */
    private static IntTensor indices(IntPointer idx, int[] shape) {
        int[] a = new int[(int) idx.limit()];
        idx.get(a);
        return IntTensor.wrap(a, shape);
    }

    /** A native block of {@code count} int32 for a kernel to fill. */
    private static IntPointer intBlock(int count) {
        IntPointer p = new IntPointer((long) count);
        p.limit(count);
        return p;
    }

    @Override
    protected MaxPoolResult doMaxPool2dWithIndices(PoolGeometry g, Tensor x) {
        int[] desc = g.toDescriptor();
        int[] idx = new int[g.n * g.c * g.hOut * g.wOut];  // written in place by the kernel (critical region)
        // an argmax per window (a compare, a max and an index blend per cell): about two forwards of work
        Tensor y = run("maxPool2dWithIndices", g, g.outputShape(), CpuNative.c4j_pool2d_tasks(desc), 2 * poolWork(g),
                new Tensor[] {x},
                (a, out, from, to) -> CpuNative.c4j_max_pool2d_forward_indices(desc, a[0], out, idx, from, to),
                (p, out, from, to) -> CpuNative.c4j_max_pool2d_forward_indices(desc, p[0], out, idx, from, to));
        return new MaxPoolResult(y, IntTensor.wrap(idx, g.outputShape()));
    }

    @Override
    protected Tensor doMaxPool2dBackwardIndices(IndexGeometry g, Tensor dy, IntTensor indices) {
        int[] desc = g.toDescriptor();
        int[] idx = indices.array();  // read in place (critical region), every index checked by the kernel
        return run("maxPool2dBackward", g, g.bigShape(), CpuNative.c4j_index_tasks(desc), indexWork(g),
                new Tensor[] {dy},
                (a, dx, from, to) -> CpuNative.c4j_max_pool2d_backward_indices(desc, a[0], idx, dx, from, to),
                (p, dx, from, to) -> CpuNative.c4j_max_pool2d_backward_indices(desc, p[0], idx, dx, from, to));
    }

    @Override
    protected Tensor doMaxUnpool2d(IndexGeometry g, Tensor x, IntTensor indices) {
        int[] desc = g.toDescriptor();
        int[] idx = indices.array();
        return run("maxUnpool2d", g, g.bigShape(), CpuNative.c4j_index_tasks(desc), indexWork(g), new Tensor[] {x},
                (a, y, from, to) -> CpuNative.c4j_max_unpool2d(desc, a[0], idx, y, from, to),
                (p, y, from, to) -> CpuNative.c4j_max_unpool2d(desc, p[0], idx, y, from, to));
    }

    @Override
    protected Tensor doAdaptiveAvgPool2d(AdaptivePoolGeometry g, Tensor x) {
        int[] desc = g.toDescriptor();
        return run("adaptiveAvgPool2d", g, g.outputShape(), CpuNative.c4j_adaptive_pool2d_tasks(desc),
                4 * g.windowOps(), new Tensor[] {x},
                (a, y, from, to) -> CpuNative.c4j_adaptive_avg_pool2d_forward(desc, a[0], y, from, to),
                (p, y, from, to) -> CpuNative.c4j_adaptive_avg_pool2d_forward(desc, p[0], y, from, to));
    }

    @Override
    protected Tensor doAdaptiveAvgPool2dBackward(AdaptivePoolGeometry g, Tensor dy) {
        int[] desc = g.toDescriptor();
        return run("adaptiveAvgPool2dBackward", g, g.inputShape(), CpuNative.c4j_adaptive_pool2d_tasks(desc),
                4 * g.windowOps(), new Tensor[] {dy},
                (a, dx, from, to) -> CpuNative.c4j_adaptive_avg_pool2d_backward(desc, a[0], dx, from, to),
                (p, dx, from, to) -> CpuNative.c4j_adaptive_avg_pool2d_backward(desc, p[0], dx, from, to));
    }

    @Override
    protected Tensor doAdaptiveMaxPool2d(AdaptivePoolGeometry g, Tensor x) {
        return adaptiveMax("adaptiveMaxPool2d", g, x, null);
    }

    @Override
    protected MaxPoolResult doAdaptiveMaxPool2dWithIndices(AdaptivePoolGeometry g, Tensor x) {
        try (IntPointer idx = intBlock(g.n * g.c * g.hOut * g.wOut)) {
            Tensor y = adaptiveMax("adaptiveMaxPool2dWithIndices", g, x, idx);
            return new MaxPoolResult(y, indices(idx, g.outputShape()));
        }
    }

    private Tensor adaptiveMax(String op, AdaptivePoolGeometry g, Tensor x, IntPointer idx) {
        int[] desc = g.toDescriptor();
        return run(op, g, g.outputShape(), CpuNative.c4j_adaptive_pool2d_tasks(desc), 4 * g.windowOps(),
                new Tensor[] {x},
                (a, y, from, to) -> CpuNative.c4j_adaptive_max_pool2d_forward(desc, a[0], y, idx, from, to),
                (p, y, from, to) -> CpuNative.c4j_adaptive_max_pool2d_forward(desc, p[0], y, idx, from, to));
    }
}
