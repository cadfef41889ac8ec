package org.conv4j.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Why {@code cudaGetDeviceCount} failed, in words a user can act on. The CUDA runtime reports a machine with no
 * NVIDIA driver at all as {@code cudaErrorInsufficientDriver}, the same code as a driver that is too old, so
 * that code alone would send a user without a GPU looking for a driver upgrade; the driver's library
 * ({@code libcuda.so.1}) and its device nodes ({@code /dev/nvidia*}) tell the cases apart.
 */
final class DriverDiagnosis {
    /** {@code cudaErrorInsufficientDriver}: the runtime found no driver, or one older than itself. */
    static final int INSUFFICIENT_DRIVER = 35;
    /** {@code cudaErrorStubLibrary}: the toolkit's stub {@code libcuda.so} was loaded instead of the driver's. */
    static final int STUB_LIBRARY = 34;
    /** {@code cudaErrorNoDevice}: a driver is installed but reports no CUDA-capable device. */
    static final int NO_DEVICE = 100;

    /** What the machine has; {@code null} where it cannot be told (e.g. not Linux). */
    record Machine(Boolean driverLibrary, Boolean deviceNodes) {
    }

    private DriverDiagnosis() {
    }

    /**
     * The reason the CUDA backend cannot run.
     *
     * @param cudaError the CUDA error code of the failed device count
     * @param detail    the C API's text for it (name and description of the CUDA error)
     * @param machine   whether the driver library and the device nodes exist
     */
    static String reason(int cudaError, String detail, Machine machine) {
        if (Boolean.FALSE.equals(machine.driverLibrary())) {
            return "no NVIDIA driver: libcuda.so.1 is not installed (the cuda backend needs an NVIDIA GPU and its "
                    + "driver; the CUDA runtime reports this as " + detail + ")";
        }
        if (Boolean.FALSE.equals(machine.deviceNodes()) && cudaError != STUB_LIBRARY) {
            return "no NVIDIA driver loaded: libcuda.so.1 is installed but there are no /dev/nvidia* device nodes "
                    + "(no GPU, or the nvidia kernel module is not loaded / the devices are not passed to this "
                    + "container); CUDA reports " + detail;
        }
        switch (cudaError) {
            case INSUFFICIENT_DRIVER:
                return "NVIDIA driver too old for conv4j's CUDA runtime: update the driver (" + detail + ")";
            case STUB_LIBRARY:
                return "the CUDA toolkit's stub libcuda.so was loaded instead of the NVIDIA driver's (remove the "
                        + "stubs folder from LD_LIBRARY_PATH): " + detail;
            case NO_DEVICE:
                return "no GPU: the NVIDIA driver reports no CUDA device (" + detail + ")";
            default:
                return "no usable CUDA device: " + detail;
        }
    }

    /** Looks at this machine; only Linux is inspected, elsewhere both answers are unknown. */
    static Machine probe() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            return new Machine(null, null);
        }
        return new Machine(hasDriverLibrary(System.getenv("LD_LIBRARY_PATH"), Path.of("/etc/ld.so.cache"),
                Path.of("/")), hasDeviceNodes(Path.of("/dev")));
    }

    /**
     * Whether the dynamic loader can find {@code libcuda.so.1}: named in its cache, or in a folder of
     * {@code LD_LIBRARY_PATH} or a usual library folder under {@code root}. A folder named {@code stubs} does not
     * count (the toolkit's stub only links).
     */
    static boolean hasDriverLibrary(String ldLibraryPath, Path ldCache, Path root) {
        try {
            if (Files.isReadable(ldCache) && contains(Files.readAllBytes(ldCache), "libcuda.so.1")) {
                return true;
            }
        } catch (IOException e) {
            // an unreadable cache: look in the folders below
        }
        List<Path> dirs = new ArrayList<>();
        if (ldLibraryPath != null) {
            for (String d : ldLibraryPath.split(":")) {
                if (!d.isEmpty() && !d.endsWith("stubs")) {
                    dirs.add(Path.of(d));
                }
            }
        }
        for (String d : new String[] {"usr/lib/x86_64-linux-gnu", "usr/lib/aarch64-linux-gnu", "usr/lib64", "usr/lib",
                "lib64", "lib", "usr/lib/wsl/lib"}) {
            dirs.add(root.resolve(d));
        }
        for (Path d : dirs) {
            if (Files.exists(d.resolve("libcuda.so.1"))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code dev} holds the NVIDIA control node, a GPU node, or WSL's GPU node {@code dxg}. */
    static boolean hasDeviceNodes(Path dev) {
        return Files.exists(dev.resolve("nvidiactl")) || Files.exists(dev.resolve("nvidia0"))
                || Files.exists(dev.resolve("dxg"));
    }

    private static boolean contains(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
