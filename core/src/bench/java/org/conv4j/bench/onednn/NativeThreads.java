package org.conv4j.bench.onednn;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Loader;

/**
 * Sets and reads the thread counts of the native libraries mapped into this JVM, by symbol, in the very copy
 * that is loaded: OpenMP ({@code libgomp.so.1} shipped with the dnnl presets, which oneDNN runs on) and every
 * mapped OpenBLAS ({@code libopenblas.so.0} and {@code libopenblas_nolapack.so.0} share a SONAME, so the
 * preset's own setter may not reach the copy in use; see /work/shared/notes/native-build.md).
 *
 * <p>JNA opens each library by the path JavaCPP loaded it from; {@code dlopen} of an already loaded path
 * returns the same handle, so the calls reach the live instance, not a second copy.
 */
public final class NativeThreads {
    private NativeThreads() {
    }

    /** Paths of the libraries JavaCPP has loaded whose file name contains {@code part}. */
    static List<String> loadedPaths(String part) {
        List<String> paths = new ArrayList<>();
        for (Map.Entry<String, String> e : Loader.getLoadedLibraries().entrySet()) {
            String path = e.getValue();
            if (path != null && path.startsWith("/") && fileName(path).contains(part) && !paths.contains(path)) {
                paths.add(path);
            }
        }
        return paths;
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static Function function(String libPath, String symbol) {
        return NativeLibrary.getInstance(libPath).getFunction(symbol);
    }

    /**
     * Calls {@code omp_set_num_threads(n)} in the OpenMP runtime oneDNN uses. oneDNN fixes its thread
     * count when a primitive is created, so call this before creating any primitive.
     *
     * @throws IllegalStateException if oneDNN's libgomp is not loaded yet (load {@code org.bytedeco.dnnl.global.dnnl} first)
     */
    public static void setOmpThreads(int n) {
        for (String path : gomp()) {
            function(path, "omp_set_num_threads").invoke(new Object[] {n});
        }
    }

    /** {@code omp_get_max_threads()} of oneDNN's OpenMP runtime. */
    public static int ompMaxThreads() {
        return function(gomp().get(0), "omp_get_max_threads").invokeInt(new Object[0]);
    }

    private static List<String> gomp() {
        List<String> p = loadedPaths("libgomp");
        if (p.isEmpty()) {
            throw new IllegalStateException("libgomp is not loaded; loaded libraries: " + Loader.getLoadedLibraries());
        }
        return p;
    }

    /**
     * {@code openblas_get_num_threads()} and {@code openblas_get_corename()} (the kernels it chose for this CPU)
     * of each mapped OpenBLAS copy, as "file=n (core kernels)" ("none loaded" when JavaCPP has loaded no OpenBLAS).
     */
    public static String openblasThreads() {
        StringBuilder sb = new StringBuilder();
        for (String path : loadedPaths("libopenblas")) {
            int n;
            try {
                n = function(path, "openblas_get_num_threads").invokeInt(new Object[0]);
            } catch (UnsatisfiedLinkError e) {
                n = -1;
            }
            String core;
            try {
                core = function(path, "openblas_get_corename").invokeString(new Object[0], false);
            } catch (UnsatisfiedLinkError e) {
                core = "?";
            }
            sb.append(sb.length() == 0 ? "" : ", ").append(fileName(path)).append('=').append(n).append(" (")
                    .append(core).append(" kernels)");
        }
        return sb.length() == 0 ? "none loaded" : sb.toString();
    }
}
