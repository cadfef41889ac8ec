package org.conv4j.cpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.conv4j.Backend;
import org.conv4j.BackendUnavailableException;
import org.conv4j.ConvParams;
import org.conv4j.IntTensor;
import org.conv4j.MaxPoolResult;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.conv4j.internal.Parallel;
import org.conv4j.java.JavaBackend;
import org.conv4j.spi.BaseBackend;
import org.conv4j.spi.ConvGeometry;
import org.conv4j.spi.AdaptivePoolGeometry;
import org.conv4j.spi.IndexGeometry;
import org.conv4j.spi.PoolGeometry;
import org.conv4j.spi.SmallProblemRouting;

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
 * gets {@link #forAuto()}, the same backend except that operations with at most {@link #smallWork()}
 * multiply-adds (convolutions; four per window element for pooling; {@code -Dconv4j.cpu.smallWork=N}
 * overrides the measured default, 0 disables routing) run on the {@code java} backend, because a JNI call
 * plus a native result costs more than the whole computation there. Those results are heap tensors
 * ({@code location() == "heap"}). {@link #lastRoute()} tells which way the calling thread's last operation
 * went, {@code toString()} states the threshold, and each decision is logged at {@code DEBUG} on the
 * {@code org.conv4j.cpu} logger.
 */
public final class CpuBackend extends BaseBackend implements SmallProblemRouting {
    private static final System.Logger LOG = System.getLogger("org.conv4j.cpu");
    /** Version of conv4j_cpu.h this class was written against. */
    private static final int API_VERSION = 5;
    /**
     * Default routing threshold in multiply-adds (convolutions; pooling counts four per window element):
     * measured on a 2-core Zen3 (see native/README.md), where the native path costs about 2 to 4
     * microseconds of fixed overhead (JNI call, native result allocation and JavaCPP's deallocator
     * bookkeeping) and the java backend overtakes it below about 3,000 multiply-adds or 1,200 window elements.
     */
    public static final long DEFAULT_SMALL_WORK = 4096;
    /** Work of one parallel chunk worth handing to another thread (about 20 microseconds on one core). */
    private static final double MIN_CHUNK_FLOPS = 2e6;

    private static final ThreadLocal<String> LAST_ROUTE = new ThreadLocal<>();

    private final long smallWork;
    private final boolean pinHeapInputs;

    private CpuBackend(long smallWork, boolean pinHeapInputs) {
        this.smallWork = smallWork;
        this.pinHeapInputs = pinHeapInputs;
    }

    /**
     * Loads the native library and returns the backend (every operation native). Called by
     * {@link org.conv4j.Backends} through reflection; users should call {@link org.conv4j.Backends#cpu()}.
     *
     * @throws BackendUnavailableException with the reason when the native library (or the OpenBLAS it
     *                                     needs) cannot be loaded on this platform
     */
    public static Backend create() {
        return create(0, !"copy".equalsIgnoreCase(System.getProperty("conv4j.cpu.heapInputs", "pin")));
    }

    private volatile CpuBackend routed;

    /**
     * This backend with small problems routed to the java kernels (what {@code Backends.auto()} returns):
     * threshold {@code -Dconv4j.cpu.smallWork} or {@link #DEFAULT_SMALL_WORK} multiply-adds.
     */
    @Override
    public Backend forAuto() {
        if (smallWork > 0) {
            return this;
        }
        CpuBackend r = routed;
        if (r == null) {
            r = new CpuBackend(Long.getLong("conv4j.cpu.smallWork", DEFAULT_SMALL_WORK), pinHeapInputs);
            routed = r;
        }
        return r;
    }

    /**
     * A backend with an explicit routing threshold and heap-input policy (tests and benchmarks).
     *
     * @param smallWork     operations with at most this much work run on the java backend; 0 never routes
     * @param pinHeapInputs true to pin all-heap inputs for the call, false to copy them to native memory
     * @throws BackendUnavailableException as {@link #create()}
     */
    public static CpuBackend create(long smallWork, boolean pinHeapInputs) {
        if (smallWork < 0) {
            throw new IllegalArgumentException("CpuBackend: smallWork must be at least 0, got " + smallWork);
        }
        load();
        return new CpuBackend(smallWork, pinHeapInputs);
    }

    private static volatile boolean loaded;

    private static synchronized void load() {
        if (loaded) {
            return;
        }
        String platform = Loader.getPlatform();
        String requestedCore = System.getProperty("conv4j.cpu.openblasCore", "auto").trim();
        int coreStatus = prepareBlasCore(requestedCore);
        try {
            Loader.load(CpuNative.class);
        } catch (Throwable t) {
            // UnsatisfiedLinkError (no natives for this platform, missing classifier jar), NoClassDefFoundError
            // (JavaCPP or the openblas presets absent), or a loader error: the backend is unavailable.
            throw new BackendUnavailableException("cannot load the cpu backend's native library for platform "
                    + platform + " (is org.conv4j:conv4j:" + platform + " on the class path?): " + t, t);
        }
        int v = CpuNative.c4j_cpu_api_version();
        if (v != API_VERSION) {
            throw new BackendUnavailableException("cpu backend native library speaks C API version " + v
                    + " but this jar expects " + API_VERSION + "; the main and the " + platform
                    + " jar come from different conv4j builds");
        }
        // conv4j splits every GEMM into tasks for its own pool; an OpenBLAS thread pool on top of that
        // would oversubscribe the cores (notably with several Java threads calling at once).
        CpuNative.c4j_cpu_set_blas_threads(1);
        applyWinogradProperty();
        String core = CpuNative.c4j_cpu_blas_core_name().getString();
        blasCore = core + " (" + describeCoreChoice(requestedCore, coreStatus, core) + ")";
        LOG.log(System.Logger.Level.DEBUG, "cpu backend: OpenBLAS kernels {0}", blasCore);
        loaded = true;
    }

    /** -Dconv4j.cpu.winograd=auto|always|off (see {@link #winograd(String)}); anything else warns and keeps auto. */
    private static void applyWinogradProperty() {
        String mode = System.getProperty("conv4j.cpu.winograd", "auto").trim();
        if (!setWinograd(mode)) {
            LOG.log(System.Logger.Level.WARNING, "-Dconv4j.cpu.winograd=" + mode
                    + " ignored: expected auto, always or off");
        }
    }

    private static boolean setWinograd(String mode) {
        switch (mode.toLowerCase(java.util.Locale.ROOT)) {
            case "off":
                CpuNative.c4j_cpu_set_winograd(0);
                return true;
            case "auto":
                CpuNative.c4j_cpu_set_winograd(1);
                return true;
            case "always":
                CpuNative.c4j_cpu_set_winograd(2);
                return true;
            default:
                return false;
        }
    }

    /**
     * For tests and benchmarks: when 3x3, stride-1, undilated convolutions (forward and backward data) use
     * Winograd F(2x2, 3x3) rather than im2col + GEMM. {@code "auto"} (the default, or
     * {@code -Dconv4j.cpu.winograd}) where it measured faster, {@code "always"} wherever it applies,
     * {@code "off"} never. Process-wide; change it only while no convolution runs.
     *
     * @throws IllegalArgumentException for any other mode
     */
    static void winograd(String mode) {
        load();
        if (!setWinograd(mode)) {
            throw new IllegalArgumentException("winograd mode must be auto, always or off, got " + mode);
        }
    }

    /** Directions of {@link #usesWinograd}: the C API's codes. */
    static final int FORWARD = 0, BACKWARD_DATA = 1, BACKWARD_WEIGHTS = 2;

    /** For tests: whether a convolution of this geometry runs the Winograd path now in that direction. */
    static boolean usesWinograd(ConvGeometry g, int direction) {
        load();
        return CpuNative.c4j_conv2d_uses_winograd(g.toDescriptor(), direction, Parallel.threads()) == 1;
    }

    private static final int CORE_NOT_ASKED = -100;
    private static final int CORE_NO_LIBRARY = -101;
    private static final int CORE_BAD_NAME = -102;
    private static volatile String blasCore;

    /**
     * Sets OPENBLAS_CORETYPE before OpenBLAS loads when {@code -Dconv4j.cpu.openblasCore=NAME} asks for a
     * core (see conv4j_blas_core.h). Never fatal: on any problem OpenBLAS keeps its own choice and
     * {@link #openBlasCore()} says so.
     */
    private static int prepareBlasCore(String requested) {
        if (requested.isEmpty() || requested.equalsIgnoreCase("auto")) {
            return CORE_NOT_ASKED;
        }
        if (!requested.matches("[A-Za-z0-9]+")) {
            LOG.log(System.Logger.Level.WARNING, "-Dconv4j.cpu.openblasCore=" + requested
                    + " ignored: expected auto or an OpenBLAS core name such as COOPERLAKE, SKYLAKEX or HASWELL");
            return CORE_BAD_NAME;
        }
        try {
            Loader.load(BlasCoreNative.class);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "-Dconv4j.cpu.openblasCore=" + requested
                    + " ignored: the core-request library did not load: " + t);
            return CORE_NO_LIBRARY;
        }
        return BlasCoreNative.c4j_blas_core_request(requested);
    }

    private static String describeCoreChoice(String requested, int status, String core) {
        String env = System.getenv("OPENBLAS_CORETYPE"); // the JVM's start-up environment, not ours
        boolean envSet = env != null && !env.isEmpty();
        String own = envSet ? "OPENBLAS_CORETYPE=" + env + " from the environment" : "OpenBLAS's own CPU detection";
        switch (status) {
            case 1: { // C4J_BLAS_CORE_SET
                String why = requested + " from -Dconv4j.cpu.openblasCore"
                        + (envSet ? ", over OPENBLAS_CORETYPE=" + env + " in the environment" : "");
                return core.equalsIgnoreCase(requested) ? why
                        : why + ", but OpenBLAS was already loaded in this process or does not know that name,"
                        + " so it runs " + core;
            }
            case CORE_NOT_ASKED:
                return own;
            case CORE_BAD_NAME:
                return own + "; -Dconv4j.cpu.openblasCore=" + requested + " is not a core name";
            case CORE_NO_LIBRARY:
                return own + "; the core-request library did not load";
            default:
                return own + "; OPENBLAS_CORETYPE could not be set";
        }
    }

    /**
     * The OpenBLAS kernel family the cpu backend's {@code sgemm} runs, and where the choice came from,
     * e.g. {@code "Cooperlake (OpenBLAS's own CPU detection)"} or
     * {@code "Haswell (OPENBLAS_CORETYPE=Haswell from the environment)"}.
     *
     * <p>OpenBLAS picks its kernels once, when it loads: from the environment variable
     * {@code OPENBLAS_CORETYPE} if set, from CPUID otherwise. Machine images sometimes set that variable for
     * every process as a workaround for virtual CPUs, which can cost half the GEMM speed (on this project's
     * AVX-512 build machines, which set {@code Haswell}: about 100 against 200 GFLOP/s on one core).
     * {@code -Dconv4j.cpu.openblasCore=NAME} (an OpenBLAS core name such as {@code COOPERLAKE},
     * {@code SKYLAKEX} or {@code HASWELL}) makes the cpu backend set the variable itself before it loads
     * OpenBLAS, replacing the environment's value for this process; the default, {@code auto}, leaves the
     * choice to the environment and OpenBLAS. A request has no effect if OpenBLAS was loaded before the
     * cpu backend, and the description then says so.
     *
     * @throws BackendUnavailableException if the native library cannot be loaded
     */
    public static String openBlasCore() {
        load();
        return blasCore;
    }

    @Override
    public String name() {
        return "cpu";
    }

    /** {@code "cpu"}, plus the routing threshold when small problems go to java. */
    @Override
    public String toString() {
        return smallWork == 0 ? "cpu" : "cpu (problems of at most " + smallWork + " multiply-adds run on java)";
    }

    /** The routing threshold: operations with at most this much work run on the java backend. */
    public long smallWork() {
        return smallWork;
    }

    /**
     * Which way the calling thread's last operation on any {@code CpuBackend} went: {@code "native"},
     * {@code "java"} (small problem), or {@code null} before the first one.
     */
    public static String lastRoute() {
        return LAST_ROUTE.get();
    }

    /** Whether the AVX2+FMA pooling kernels are in use (CPUID says yes), rather than the portable ones. */
    public static boolean usesAvx2() {
        load();
        return (CpuNative.c4j_cpu_features() & 1) != 0;
    }

    /** OpenBLAS's thread count, asked through the same library binding conv4j's sgemm calls use (1). */
    public static int blasThreads() {
        load();
        return CpuNative.c4j_cpu_blas_threads();
    }

    /** For tests: non-zero forces the portable scalar pooling kernels even where AVX2 is available. */
    static void forceScalar(boolean force) {
        load();
        CpuNative.c4j_cpu_force_scalar(force ? 1 : 0);
    }

    private boolean small(double work, String op, Object geometry) {
        boolean route = work <= smallWork;
        LAST_ROUTE.set(route ? "java" : "native");
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "conv4j cpu: " + op + " " + geometry + " -> "
                    + (route ? "java (work " + (long) work + " <= " + smallWork + ")" : "native"));
        }
        return route;
    }

    private static ConvParams params(ConvGeometry g) {
        return ConvParams.defaults().stride(g.sh, g.sw).padding(g.padTop, g.padBottom, g.padLeft, g.padRight)
                .dilation(g.dh, g.dw).groups(g.groups);
    }

    private static PoolParams params(PoolGeometry g) {
        // ceil mode is not in the geometry; it only matters when it changes the output size
        boolean ceil = g.hOut != (g.h + 2 * g.ph - g.kh) / g.sh + 1 || g.wOut != (g.w + 2 * g.pw - g.kw) / g.sw + 1;
        return PoolParams.of(g.kh, g.kw).stride(g.sh, g.sw).padding(g.ph, g.pw).countIncludePad(g.countIncludePad)
                .ceilMode(ceil);
    }

    /** Native inputs of one call: pointers to use, temporaries to free afterwards. */
    private static final class Inputs implements AutoCloseable {
        private final List<FloatPointer> temps = new ArrayList<>(2);

        FloatPointer of(Tensor t) {
            if (t == null) {
                return null;
            }
            if (t.storage() instanceof NativeStorage) {
                return ((NativeStorage) t.storage()).pointer();
            }
            FloatPointer p = new FloatPointer(heap(t));
            temps.add(p);
            return p;
        }

        @Override
        public void close() {
            for (FloatPointer p : temps) {
                p.close();
            }
        }
    }

    /** True when every non-null tensor is a heap tensor and heap inputs are pinned rather than copied. */
    private boolean pinAll(Tensor... ts) {
        if (!pinHeapInputs) {
            return false;
        }
        for (Tensor t : ts) {
            if (t != null && t.storage().heapArray() == null) {
                return false;
            }
        }
        return true;
    }

    private static float[] arr(Tensor t) {
        return t == null ? null : t.storage().heapArray();
    }

    /** A native task range body: returns the C status. */
    @FunctionalInterface
    private interface TaskBody {
        int run(int from, int to);
    }

    /** Runs tasks [0, tasks) on conv4j's pool in chunks of at least MIN_CHUNK_FLOPS work each. */
    private static void runTasks(String op, Object geometry, int tasks, double work, TaskBody body) {
        if (tasks < 1) {
            throw new IllegalStateException(op + ": the native library refused the validated geometry " + geometry);
        }
        int maxChunks = (int) Math.max(1, Math.min(tasks, work / MIN_CHUNK_FLOPS));
        int grain = Math.max(1, tasks / maxChunks);
        Parallel.forRange(tasks, grain, (from, to) -> check(op, geometry, body.run(from, to)));
    }

    private static void check(String op, Object geometry, int status) {
        switch (status) {
            case 0:
                return;
            case 3:
                throw new OutOfMemoryError(op + ": native workspace allocation failed for " + geometry);
            default:
                throw new IllegalStateException(op + ": native status " + status + " for the validated geometry "
                        + geometry + " (a conv4j bug; please report it)");
        }
    }

    private static Tensor result(NativeStorage out, int... shape) {
        return Tensor.wrap(out, shape);
    }

    @Override
    protected Tensor doConv2d(ConvGeometry g, Tensor x, Tensor w, Tensor bias) {
        if (small(g.flops() / 2, "conv2d", g)) {
            return JavaBackend.INSTANCE.conv2d(x, w, bias, params(g));
        }
        int[] desc = g.toDescriptor();
        int parts = Parallel.threads();
        int tasks = CpuNative.c4j_conv2d_forward_tasks(desc, parts);
        NativeStorage y = NativeStorage.allocate(g.n * g.cOut * g.hOut * g.wOut);
        try {
            FloatPointer yp = y.pointer();
            if (pinAll(x, w, bias)) {
                float[] xa = arr(x), wa = arr(w), ba = arr(bias);
                runTasks("conv2d", g, tasks, g.flops(),
                        (from, to) -> CpuNative.c4j_conv2d_forward(desc, xa, wa, ba, yp, parts, from, to));
            } else {
                try (Inputs in = new Inputs()) {
                    FloatPointer xp = in.of(x), wp = in.of(w), bp = in.of(bias);
                    runTasks("conv2d", g, tasks, g.flops(),
                            (from, to) -> CpuNative.c4j_conv2d_forward(desc, xp, wp, bp, yp, parts, from, to));
                }
            }
        } catch (RuntimeException | Error e) {
            y.close();
            throw e;
        }
        return result(y, g.outputShape());
    }

    @Override
    protected Tensor doConv2dBackwardData(ConvGeometry g, Tensor dy, Tensor w) {
        if (small(g.flops() / 2, "conv2dBackwardData", g)) {
            return JavaBackend.INSTANCE.conv2dBackwardData(dy, w, g.inputShape(), params(g));
        }
        int[] desc = g.toDescriptor();
        int parts = Parallel.threads();
        int tasks = CpuNative.c4j_conv2d_backward_data_tasks(desc, parts);
        NativeStorage dx = NativeStorage.allocate(g.n * g.cIn * g.h * g.w);
        try {
            FloatPointer dxp = dx.pointer();
            if (pinAll(dy, w)) {
                float[] dya = arr(dy), wa = arr(w);
                runTasks("conv2dBackwardData", g, tasks, g.flops(),
                        (from, to) -> CpuNative.c4j_conv2d_backward_data(desc, dya, wa, dxp, parts, from, to));
            } else {
                try (Inputs in = new Inputs()) {
                    FloatPointer dyp = in.of(dy), wp = in.of(w);
                    runTasks("conv2dBackwardData", g, tasks, g.flops(),
                            (from, to) -> CpuNative.c4j_conv2d_backward_data(desc, dyp, wp, dxp, parts, from, to));
                }
            }
        } catch (RuntimeException | Error e) {
            dx.close();
            throw e;
        }
        return result(dx, g.inputShape());
    }

    @Override
    protected Tensor doConv2dBackwardWeights(ConvGeometry g, Tensor dy, Tensor x) {
        if (small(g.flops() / 2, "conv2dBackwardWeights", g)) {
            return JavaBackend.INSTANCE.conv2dBackwardWeights(dy, x, g.weightShape(), params(g));
        }
        int[] desc = g.toDescriptor();
        int parts = Parallel.threads();
        int tasks = CpuNative.c4j_conv2d_backward_weights_tasks(desc, parts);
        int[] wShape = g.weightShape();
        NativeStorage dw = NativeStorage.allocate(wShape[0] * wShape[1] * wShape[2] * wShape[3]);
        try {
            FloatPointer dwp = dw.pointer();
            if (pinAll(dy, x)) {
                float[] dya = arr(dy), xa = arr(x);
                runTasks("conv2dBackwardWeights", g, tasks, g.flops(),
                        (from, to) -> CpuNative.c4j_conv2d_backward_weights(desc, dya, xa, dwp, parts, from, to));
            } else {
                try (Inputs in = new Inputs()) {
                    FloatPointer dyp = in.of(dy), xp = in.of(x);
                    runTasks("conv2dBackwardWeights", g, tasks, g.flops(),
                            (from, to) -> CpuNative.c4j_conv2d_backward_weights(desc, dyp, xp, dwp, parts, from, to));
                }
            }
        } catch (RuntimeException | Error e) {
            dw.close();
            throw e;
        }
        return result(dw, wShape);
    }

    @Override
    protected Tensor doConv2dBackwardBias(Tensor dy) {
        int[] s = dy.shape();
        int n = s[0], c = s[1], hw = s[2] * s[3];
        double work = (double) n * c * hw;
        if (small(work, "conv2dBackwardBias", Arrays.toString(s))) {
            return JavaBackend.INSTANCE.conv2dBackwardBias(dy);
        }
        NativeStorage db = NativeStorage.allocate(c);
        try {
            FloatPointer dbp = db.pointer();
            String what = "dy " + Arrays.toString(s);
            if (pinAll(dy)) {
                float[] dya = arr(dy);
                runTasks("conv2dBackwardBias", what, c, work,
                        (from, to) -> CpuNative.c4j_conv2d_backward_bias(n, c, hw, dya, dbp, from, to));
            } else {
                try (Inputs in = new Inputs()) {
                    FloatPointer dyp = in.of(dy);
                    runTasks("conv2dBackwardBias", what, c, work,
                            (from, to) -> CpuNative.c4j_conv2d_backward_bias(n, c, hw, dyp, dbp, from, to));
                }
            }
        } catch (RuntimeException | Error e) {
            db.close();
            throw e;
        }
        return result(db, c);
    }

    /** Pooling work in flop-like units for chunking: about four instructions per window element. */
    private static double poolWork(PoolGeometry g) {
        return 4 * g.windowOps();
    }

    /** One pooling forward kernel, as JavaCPP binds it for pinned heap arrays. */
    @FunctionalInterface
    private interface PoolForwardOnArray {
        int run(int[] desc, float[] x, FloatPointer y, int from, int to);
    }

    /** The same kernel for native (or copied) inputs. */
    @FunctionalInterface
    private interface PoolForwardOnPointer {
        int run(int[] desc, FloatPointer x, FloatPointer y, int from, int to);
    }

    /** Max or average pooling forward: small problems on java, else the native kernel over conv4j's pool. */
    private Tensor poolForward(String op, PoolGeometry g, Tensor x, PoolForwardOnArray onArray,
                               PoolForwardOnPointer onPointer, java.util.function.Supplier<Tensor> onJava) {
        if (small(poolWork(g), op, g)) {
            return onJava.get();
        }
        int[] desc = g.toDescriptor();
        NativeStorage y = NativeStorage.allocate(g.n * g.c * g.hOut * g.wOut);
        try {
            FloatPointer yp = y.pointer();
            int tasks = CpuNative.c4j_pool2d_tasks(desc);
            if (pinAll(x)) {
                float[] xa = arr(x);
                runTasks(op, g, tasks, poolWork(g), (from, to) -> onArray.run(desc, xa, yp, from, to));
            } else {
                try (Inputs in = new Inputs()) {
                    FloatPointer xp = in.of(x);
                    runTasks(op, g, tasks, poolWork(g), (from, to) -> onPointer.run(desc, xp, yp, from, to));
                }
            }
        } catch (RuntimeException | Error e) {
            y.close();
            throw e;
        }
        return result(y, g.outputShape());
    }

    @Override
    protected Tensor doMaxPool2d(PoolGeometry g, Tensor x) {
        return poolForward("maxPool2d", g, x, CpuNative::c4j_max_pool2d_forward, CpuNative::c4j_max_pool2d_forward,
                () -> JavaBackend.INSTANCE.maxPool2d(x, params(g)));
    }

    @Override
    protected Tensor doMaxPool2dBackward(PoolGeometry g, Tensor dy, Tensor x) {
        if (small(poolWork(g), "maxPool2dBackward", g)) {
            return JavaBackend.INSTANCE.maxPool2dBackward(dy, x, params(g));
        }
        int[] desc = g.toDescriptor();
        NativeStorage dx = NativeStorage.allocate(g.n * g.c * g.h * g.w);
        try {
            FloatPointer dxp = dx.pointer();
            int tasks = CpuNative.c4j_pool2d_tasks(desc);
            if (pinAll(dy, x)) {
                float[] dya = arr(dy), xa = arr(x);
                runTasks("maxPool2dBackward", g, tasks, poolWork(g),
                        (from, to) -> CpuNative.c4j_max_pool2d_backward(desc, dya, xa, dxp, from, to));
            } else {
                try (Inputs in = new Inputs()) {
                    FloatPointer dyp = in.of(dy), xp = in.of(x);
                    runTasks("maxPool2dBackward", g, tasks, poolWork(g),
                            (from, to) -> CpuNative.c4j_max_pool2d_backward(desc, dyp, xp, dxp, from, to));
                }
            }
        } catch (RuntimeException | Error e) {
            dx.close();
            throw e;
        }
        return result(dx, g.inputShape());
    }

    @Override
    protected Tensor doAvgPool2d(PoolGeometry g, Tensor x) {
        return poolForward("avgPool2d", g, x, CpuNative::c4j_avg_pool2d_forward, CpuNative::c4j_avg_pool2d_forward,
                () -> JavaBackend.INSTANCE.avgPool2d(x, params(g)));
    }

    @Override
    protected Tensor doAvgPool2dBackward(PoolGeometry g, Tensor dy) {
        if (small(poolWork(g), "avgPool2dBackward", g)) {
            return JavaBackend.INSTANCE.avgPool2dBackward(dy, g.inputShape(), params(g));
        }
        int[] desc = g.toDescriptor();
        NativeStorage dx = NativeStorage.allocate(g.n * g.c * g.h * g.w);
        try {
            FloatPointer dxp = dx.pointer();
            int tasks = CpuNative.c4j_pool2d_tasks(desc);
            if (pinAll(dy)) {
                float[] dya = arr(dy);
                runTasks("avgPool2dBackward", g, tasks, poolWork(g),
                        (from, to) -> CpuNative.c4j_avg_pool2d_backward(desc, dya, dxp, from, to));
            } else {
                try (Inputs in = new Inputs()) {
                    FloatPointer dyp = in.of(dy);
                    runTasks("avgPool2dBackward", g, tasks, poolWork(g),
                            (from, to) -> CpuNative.c4j_avg_pool2d_backward(desc, dyp, dxp, from, to));
                }
            }
        } catch (RuntimeException | Error e) {
            dx.close();
            throw e;
        }
        return result(dx, g.inputShape());
    }

    /**
     * One native kernel with one float input and one native float output: {@code inArray} (a pinned heap
     * array) or {@code inPointer} (native or copied) is non-null, never both.
     */
    @FunctionalInterface
    private interface OneInputKernel {
        int run(float[] inArray, FloatPointer inPointer, FloatPointer out, int from, int to);
    }

    /** Runs {@code kernel} over tasks [0, tasks) into a fresh native tensor of {@code outShape}. */
    private Tensor oneInput(String op, Object g, int tasks, double work, Tensor in, int[] outShape,
                            OneInputKernel kernel) {
        int size = 1;
        for (int d : outShape) {
            size *= d; // validated by the geometry: fits in an int
        }
        NativeStorage y = NativeStorage.allocate(size);
        try {
            FloatPointer yp = y.pointer();
            if (pinAll(in)) {
                float[] a = arr(in);
                runTasks(op, g, tasks, work, (from, to) -> kernel.run(a, null, yp, from, to));
            } else {
                try (Inputs ins = new Inputs()) {
                    FloatPointer p = ins.of(in);
                    runTasks(op, g, tasks, work, (from, to) -> kernel.run(null, p, yp, from, to));
                }
            }
        } catch (RuntimeException | Error e) {
            y.close();
            throw e;
        }
        return result(y, outShape);
    }

    /** Work of an index-driven operation: a store per pooled value plus clearing the big planes. */
    private static double indexWork(IndexGeometry g) {
        return 4.0 * g.n * g.c * ((double) g.hs * g.ws + (double) g.hb * g.wb);
    }

    @Override
    protected MaxPoolResult doMaxPool2dWithIndices(PoolGeometry g, Tensor x) {
        if (small(poolWork(g), "maxPool2dWithIndices", g)) {
            return JavaBackend.INSTANCE.maxPool2dWithIndices(x, params(g));
        }
        int[] desc = g.toDescriptor();
        int[] idx = new int[g.n * g.c * g.hOut * g.wOut];
        Tensor y = oneInput("maxPool2dWithIndices", g, CpuNative.c4j_pool2d_tasks(desc), poolWork(g), x,
                g.outputShape(), (a, p, out, from, to) -> a != null
                        ? CpuNative.c4j_max_pool2d_forward_indices(desc, a, out, idx, from, to)
                        : CpuNative.c4j_max_pool2d_forward_indices(desc, p, out, idx, from, to));
        return new MaxPoolResult(y, IntTensor.wrap(idx, g.outputShape()));
    }

    @Override
    protected Tensor doMaxPool2dBackwardIndices(IndexGeometry g, Tensor dy, IntTensor indices) {
        if (small(indexWork(g), "maxPool2dBackward", g)) {
            return JavaBackend.INSTANCE.maxPool2dBackward(dy, indices, g.bigShape());
        }
        int[] desc = g.toDescriptor();
        int[] idx = indices.array();
        return oneInput("maxPool2dBackward", g, CpuNative.c4j_index_tasks(desc), indexWork(g), dy, g.bigShape(),
                (a, p, out, from, to) -> a != null
                        ? CpuNative.c4j_max_pool2d_backward_indices(desc, a, idx, out, from, to)
                        : CpuNative.c4j_max_pool2d_backward_indices(desc, p, idx, out, from, to));
    }

    @Override
    protected Tensor doMaxUnpool2d(IndexGeometry g, Tensor x, IntTensor indices) {
        if (small(indexWork(g), "maxUnpool2d", g)) {
            return JavaBackend.INSTANCE.maxUnpool2d(x, indices, g.bigShape());
        }
        int[] desc = g.toDescriptor();
        int[] idx = indices.array();
        return oneInput("maxUnpool2d", g, CpuNative.c4j_index_tasks(desc), indexWork(g), x, g.bigShape(),
                (a, p, out, from, to) -> a != null
                        ? CpuNative.c4j_max_unpool2d(desc, a, idx, out, from, to)
                        : CpuNative.c4j_max_unpool2d(desc, p, idx, out, from, to));
    }

    @Override
    protected Tensor doAdaptiveAvgPool2d(AdaptivePoolGeometry g, Tensor x) {
        if (small(4 * g.windowOps(), "adaptiveAvgPool2d", g)) {
            return JavaBackend.INSTANCE.adaptiveAvgPool2d(x, g.hOut, g.wOut);
        }
        int[] desc = g.toDescriptor();
        return oneInput("adaptiveAvgPool2d", g, CpuNative.c4j_adaptive_pool2d_tasks(desc), 4 * g.windowOps(), x,
                g.outputShape(), (a, p, out, from, to) -> a != null
                        ? CpuNative.c4j_adaptive_avg_pool2d_forward(desc, a, out, from, to)
                        : CpuNative.c4j_adaptive_avg_pool2d_forward(desc, p, out, from, to));
    }

    @Override
    protected Tensor doAdaptiveAvgPool2dBackward(AdaptivePoolGeometry g, Tensor dy) {
        if (small(4 * g.windowOps(), "adaptiveAvgPool2dBackward", g)) {
            return JavaBackend.INSTANCE.adaptiveAvgPool2dBackward(dy, g.inputShape());
        }
        int[] desc = g.toDescriptor();
        return oneInput("adaptiveAvgPool2dBackward", g, CpuNative.c4j_adaptive_pool2d_tasks(desc), 4 * g.windowOps(),
                dy, g.inputShape(), (a, p, out, from, to) -> a != null
                        ? CpuNative.c4j_adaptive_avg_pool2d_backward(desc, a, out, from, to)
                        : CpuNative.c4j_adaptive_avg_pool2d_backward(desc, p, out, from, to));
    }

    @Override
    protected Tensor doAdaptiveMaxPool2d(AdaptivePoolGeometry g, Tensor x) {
        if (small(4 * g.windowOps(), "adaptiveMaxPool2d", g)) {
            return JavaBackend.INSTANCE.adaptiveMaxPool2d(x, g.hOut, g.wOut);
        }
        return adaptiveMax("adaptiveMaxPool2d", g, x, null);
    }

    @Override
    protected MaxPoolResult doAdaptiveMaxPool2dWithIndices(AdaptivePoolGeometry g, Tensor x) {
        if (small(4 * g.windowOps(), "adaptiveMaxPool2dWithIndices", g)) {
            return JavaBackend.INSTANCE.adaptiveMaxPool2dWithIndices(x, g.hOut, g.wOut);
        }
        int[] idx = new int[g.n * g.c * g.hOut * g.wOut];
        return new MaxPoolResult(adaptiveMax("adaptiveMaxPool2dWithIndices", g, x, idx),
                IntTensor.wrap(idx, g.outputShape()));
    }

    private Tensor adaptiveMax(String op, AdaptivePoolGeometry g, Tensor x, int[] idx) {
        int[] desc = g.toDescriptor();
        return oneInput(op, g, CpuNative.c4j_adaptive_pool2d_tasks(desc), 4 * g.windowOps(), x, g.outputShape(),
                (a, p, out, from, to) -> a != null
                        ? CpuNative.c4j_adaptive_max_pool2d_forward(desc, a, out, idx, from, to)
                        : CpuNative.c4j_adaptive_max_pool2d_forward(desc, p, out, idx, from, to));
    }
}
