package org.conv4j.cpu;

import org.bytedeco.javacpp.Loader;
import org.conv4j.BackendUnavailableException;

/**
 * Loading of the cpu backend's native library, once per process: the OpenBLAS kernel request, the JNI
 * library, the C API version check and OpenBLAS kept single-threaded (the Winograd mode is per backend and
 * per call: {@link CpuBackend#withPrecision}). {@link CpuBackend} calls {@link #load()} before its first native call.
 */
final class CpuLibrary {
    private static final System.Logger LOG = System.getLogger("org.conv4j.cpu");
    /** Version of conv4j_cpu.h this class was written against. */
    private static final int API_VERSION = 6;

    private CpuLibrary() {
    }

    private static volatile boolean loaded;

    /**
     * Loads the native library once.
     *
     * @throws BackendUnavailableException with the reason when it cannot be loaded on this platform
     */
    static synchronized void load() {
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
        applyIsaProperty();
        String core = CpuNative.c4j_cpu_blas_core_name().getString();
        blasCore = core + " (" + describeCoreChoice(requestedCore, coreStatus, core) + ")";
        LOG.log(System.Logger.Level.DEBUG, "cpu backend: OpenBLAS kernels {0}", blasCore);
        loaded = true;
    }

    /** -Dconv4j.cpu.isa=auto|avx512|avx2|scalar (see CpuBackend.isa); anything else warns and keeps auto. */
    private static void applyIsaProperty() {
        String isa = System.getProperty("conv4j.cpu.isa", "auto").trim();
        if (!setIsa(isa)) {
            LOG.log(System.Logger.Level.WARNING, "-Dconv4j.cpu.isa=" + isa
                    + " ignored: expected auto, avx512, avx2, neon or scalar");
        }
    }

    /** The ISA names of conv4j_cpu.h's C4J_ISA_* codes, by code. */
    static final String[] ISA_NAMES = {"scalar", "avx2", "avx512", "neon"};

    static boolean setIsa(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        int code = n.equals("auto") ? 100 : java.util.Arrays.asList(ISA_NAMES).indexOf(n);
        return code >= 0 && CpuNative.c4j_cpu_set_isa(code) == 0;
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

    /** See {@link CpuBackend#openBlasCore()}. */
    static String openBlasCore() {
        load();
        return blasCore;
    }
}
