package org.conv4j;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import org.conv4j.java.JavaBackend;

/**
 * Finds the backends that work here.
 *
 * <p>Native backends are loaded on first use, by reflection (so a missing native jar or GPU never
 * breaks class loading), and self-tested against the {@code java} backend on a small convolution and
 * pooling before they are handed out (lz4-java's pattern). The outcome, a backend or the reason it
 * cannot run, is cached for the life of the JVM.
 *
 * <p>The program-wide choice of {@link #auto()} can be forced with the system property
 * {@code conv4j.backend} or the environment variable {@code CONV4J_BACKEND} ({@code java}, {@code cpu},
 * {@code cuda}); the property wins.
 */
public final class Backends {
    private static final System.Logger LOG = System.getLogger("org.conv4j");
    /**
     * Native backends, best first, with the class whose static {@code create()} builds them and the JNI library
     * their natives jar holds (its presence tells a broken installation from a missing natives jar).
     */
    private static final String[][] NATIVE = {
        {"cuda", "org.conv4j.cuda.CudaBackend", "jniconv4j_cuda"},
        {"cpu", "org.conv4j.cpu.CpuBackend", "jniCpuNative"},
    };
    private static final ConcurrentHashMap<String, Outcome> LOADED = new ConcurrentHashMap<>();
    private static volatile Backend auto;

    private Backends() {
    }

    /** A backend, or why there is none. */
    record Outcome(Backend backend, String reason, Throwable cause, boolean selfTestFailed) {
        Outcome(Backend backend, String reason, Throwable cause) {
            this(backend, reason, cause, false);
        }
    }

    /**
     * The best backend that works here: {@code cuda}, then {@code cpu}, then {@code java}, unless
     * {@code conv4j.backend} / {@code CONV4J_BACKEND} names one. Its precision is {@link Precision#ACCURATE}
     * (every output a float32 sum of its exact products, error at most {@code (m + 1) u sum|term|}; see
     * {@code docs/accuracy.md}); {@code auto().withPrecision(Precision.FASTEST)} also allows the cpu backend's
     * Winograd algorithms. Logs (at DEBUG, once, logger {@code org.conv4j}) which one was chosen and why each
     * better one was skipped; a backend whose natives are present but fail to load or fail the self-test is
     * logged at WARNING. A native backend may hand out a variant of itself
     * that runs tiny problems on the java kernels, which beat any native call there (their results then
     * live on the heap); see {@link org.conv4j.spi.SmallProblemRouting}.
     *
     * @return the best backend that works here: {@code cuda}, then {@code cpu}, then {@code java}, unless {@code conv4j.backend} / {@code CONV4J_BACKEND} names one
     * @throws BackendUnavailableException if the override names a backend that cannot run here
     * @throws IllegalArgumentException    if the override names no backend
     */
    public static Backend auto() {
        Backend b = auto;
        if (b == null) {
            synchronized (Backends.class) {
                b = auto;
                if (b == null) {
                    b = chooseAuto();
                    auto = b;
                }
            }
        }
        return b;
    }

    private static Backend chooseAuto() {
        String forced = System.getProperty("conv4j.backend");
        String source = "system property conv4j.backend";
        if (forced == null || forced.isBlank()) {
            forced = System.getenv("CONV4J_BACKEND");
            source = "environment variable CONV4J_BACKEND";
        }
        if (forced != null && !forced.isBlank()) {
            Backend b = forAuto(byName(forced.trim().toLowerCase(Locale.ROOT), source));
            LOG.log(System.Logger.Level.DEBUG, "conv4j: using backend " + b + " (forced by " + source + ")");
            return b;
        }
        List<String> skipped = new ArrayList<>();
        for (String[] nat : NATIVE) {
            Outcome o = load(nat);
            if (o.backend != null) {
                Backend b = forAuto(o.backend);
                log(b, skipped);
                return b;
            }
            skipped.add(nat[0] + ": " + o.reason);
        }
        Backend j = java();
        log(j, skipped);
        return j;
    }

    /** The variant of {@code b} for auto(): native backends may route tiny problems to java (see SmallProblemRouting). */
    private static Backend forAuto(Backend b) {
        return b instanceof org.conv4j.spi.SmallProblemRouting ? ((org.conv4j.spi.SmallProblemRouting) b).forAuto() : b;
    }

    private static void log(Backend chosen, List<String> skipped) {
        LOG.log(System.Logger.Level.DEBUG, "conv4j: using backend " + chosen
                + (skipped.isEmpty() ? "" : "; skipped " + String.join("; ", skipped)));
    }

    private static Backend byName(String name, String source) {
        switch (name) {
            case "java":
                return java();
            case "cpu":
                return cpu();
            case "cuda":
                return cuda();
            default:
                throw new IllegalArgumentException("conv4j: unknown backend '" + name + "' in " + source
                        + "; expected one of java, cpu, cuda");
        }
    }

    /**
     * The pure-Java backend: always available, and the reference the others are tested against.
     *
     * @return the pure-Java backend: always available, and the reference the others are tested against
     */
    public static Backend java() {
        return JavaBackend.INSTANCE;
    }

    /**
     * The C++ backend (im2col + OpenBLAS through JavaCPP), with {@link Precision#ACCURATE} algorithms unless
     * {@code -Dconv4j.cpu.winograd=auto} (or {@code always}) says otherwise; {@code cpu().withPrecision(
     * Precision.FASTEST)} gives the variant that uses Winograd for 3x3 stride-1 convolutions where it is
     * faster, with its own, data-dependent error bound (see {@link Precision#FASTEST}).
     *
     * @return the C++ backend (im2col + OpenBLAS through JavaCPP)
     * @throws BackendUnavailableException with the reason when its native library cannot load here
     *                                     or fails its self-test
     */
    public static Backend cpu() {
        return require(NATIVE[1]);
    }

    /**
     * The CUDA backend.
     *
     * @return the CUDA backend
     * @throws BackendUnavailableException with the reason when there is no usable GPU (no device,
     *                                     insufficient driver) or its library cannot load
     */
    public static Backend cuda() {
        return require(NATIVE[0]);
    }

    /**
     * Names of the backends that work here, best first; always ends with {@code "java"}.
     *
     * @return names of the backends that work here, best first; always ends with {@code "java"}
     */
    public static List<String> available() {
        List<String> names = new ArrayList<>();
        for (String[] nat : NATIVE) {
            if (load(nat).backend != null) {
                names.add(nat[0]);
            }
        }
        names.add("java");
        return names;
    }

    /**
     * The backend of that name.
     *
     * @param name {@code "java"}, {@code "cpu"} or {@code "cuda"} (any case)
     * @return the backend of that name
     * @throws IllegalArgumentException    for a name other than java, cpu, cuda
     * @throws BackendUnavailableException when it cannot run here
     */
    public static Backend get(String name) {
        Check.notNull(name);
        return byName(name.toLowerCase(Locale.ROOT), "Backends.get");
    }

    /**
     * Why a backend is unavailable, or {@code null} when it works.
     *
     * @param name {@code java}, {@code cpu} or {@code cuda}
     * @return why a backend is unavailable, or {@code null} when it works
     */
    public static String unavailableReason(String name) {
        for (String[] nat : NATIVE) {
            if (nat[0].equals(name)) {
                return load(nat).reason;
            }
        }
        if ("java".equals(name)) {
            return null;
        }
        throw new IllegalArgumentException("conv4j: unknown backend '" + name + "'; expected one of java, cpu, cuda");
    }

    private static Backend require(String[] nat) {
        Outcome o = load(nat);
        if (o.backend == null) {
            throw new BackendUnavailableException(nat[0] + " backend unavailable: " + o.reason, o.cause);
        }
        return o.backend;
    }

    private static Outcome load(String[] nat) {
        return LOADED.computeIfAbsent(nat[0], k -> {
            Outcome o = tryLoad(nat[1]);
            if (o.backend == null && isFailure(nat[0], o, nativesPresent(nat[0], nat[2]))) {
                // once per JVM: this installation is broken, not merely without a GPU or a natives jar
                LOG.log(System.Logger.Level.WARNING, "conv4j: " + nat[0] + " backend failed: " + o.reason, o.cause);
            }
            return o;
        });
    }

    /**
     * Whether an unavailable backend is worth a WARNING: its self-test failed, or its natives are on the class
     * path but do not work (a missing natives jar, no driver or no GPU are normal and stay at DEBUG).
     */
    static boolean isFailure(String name, Outcome o, boolean nativesPresent) {
        if (o.selfTestFailed) {
            return true;
        }
        if (!nativesPresent) {
            return false;
        }
        // cpu natives that are present must load on any machine of their platform; the cuda backend reports
        // "no driver" / "no GPU" without a cause, a library that does not load with its LinkageError
        return "cpu".equals(name) || o.cause instanceof LinkageError;
    }

    /** Whether the natives jar of this platform holding {@code jniLibrary} is on the class path. */
    private static boolean nativesPresent(String name, String jniLibrary) {
        try {
            String platform = org.bytedeco.javacpp.Loader.getPlatform();
            return Backends.class.getResource("/org/conv4j/" + name + "/" + platform + "/"
                    + System.mapLibraryName(jniLibrary)) != null;
        } catch (LinkageError e) {
            return false;  // no JavaCPP: nothing native can be present
        }
    }

    private static Outcome tryLoad(String className) {
        Backend b;
        try {
            Class<?> c = Class.forName(className);
            Method create = c.getMethod("create");
            b = (Backend) create.invoke(null);
        } catch (ClassNotFoundException e) {
            return new Outcome(null, "not built into this conv4j jar (" + className + " is missing)", e);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            return new Outcome(null, describe(t), t);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return new Outcome(null, describe(e), e);
        }
        try {
            String mismatch = selfTest(b);
            if (mismatch != null) {
                return new Outcome(null, "self-test failed: " + mismatch, null, true);
            }
        } catch (RuntimeException | LinkageError e) {
            return new Outcome(null, "self-test threw " + describe(e), e, true);
        }
        return new Outcome(b, null, null);
    }

    private static String describe(Throwable t) {
        if (t instanceof BackendUnavailableException && t.getMessage() != null) {
            return t.getMessage();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** Runs a small strided, padded, grouped convolution and both poolings; returns a mismatch or null. */
    private static String selfTest(Backend b) {
        float[] xs = new float[2 * 4 * 5 * 6];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (i * 7 % 11) - 5;
        }
        float[] ws = new float[4 * 2 * 3 * 3];
        for (int i = 0; i < ws.length; i++) {
            ws[i] = (i * 5 % 7) - 3;
        }
        Tensor x = Tensor.of(xs, 2, 4, 5, 6);
        Tensor w = Tensor.of(ws, 4, 2, 3, 3);
        Tensor bias = Tensor.of(new float[] {1, -2, 3, 0}, 4);
        ConvParams cp = ConvParams.defaults().padding(1, 0, 1, 2).stride(1, 2).groups(2);
        PoolParams pp = PoolParams.of(3, 3).stride(2, 2).padding(1, 1);
        Backend ref = java();
        String m = compare("conv2d", ref.conv2d(x, w, bias, cp), b.conv2d(x, w, bias, cp));
        if (m == null) {
            m = compare("maxPool2d", ref.maxPool2d(x, pp), b.maxPool2d(x, pp));
        }
        if (m == null) {
            m = compare("avgPool2d", ref.avgPool2d(x, pp), b.avgPool2d(x, pp));
        }
        return m;
    }

    private static String compare(String op, Tensor expected, Tensor actual) {
        try (actual) {
            float[] e = expected.toArray();
            float[] a = actual.toArray();
            if (!Arrays.equals(expected.shape(), actual.shape())) {
                return op + " returned shape " + Arrays.toString(actual.shape()) + ", expected "
                        + Arrays.toString(expected.shape());
            }
            for (int i = 0; i < e.length; i++) {
                if (Math.abs(e[i] - a[i]) > 1e-3f * Math.max(1f, Math.abs(e[i]))) {
                    return op + " value " + i + " is " + a[i] + ", expected " + e[i];
                }
            }
            return null;
        }
    }

    /** Tiny null check without pulling internal helpers into the public signature. */
    private static final class Check {
        static void notNull(String name) {
            if (name == null) {
                throw new IllegalArgumentException("Backends.get: name is null");
            }
        }
    }
}
