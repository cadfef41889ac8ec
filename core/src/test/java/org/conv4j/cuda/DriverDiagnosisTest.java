package org.conv4j.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cuda backend's unavailable reason tells "no driver", "old driver" and "no GPU" apart; pure Java, any machine. */
class DriverDiagnosisTest {
    private static final String INSUFFICIENT =
            "device_count: cudaErrorInsufficientDriver (CUDA driver version is insufficient for CUDA runtime version)";

    @Test
    void insufficientDriverWithoutLibcudaIsNoDriverNotAnOldOne() {
        String r = DriverDiagnosis.reason(DriverDiagnosis.INSUFFICIENT_DRIVER, INSUFFICIENT,
                new DriverDiagnosis.Machine(false, false));
        assertTrue(r.startsWith("no NVIDIA driver: libcuda.so.1 is not installed"), r);
        assertFalse(r.contains("too old"), r);
        assertTrue(r.contains(INSUFFICIENT), r);
    }

    @Test
    void libcudaWithoutDeviceNodesIsNoDriverLoaded() {
        String r = DriverDiagnosis.reason(DriverDiagnosis.INSUFFICIENT_DRIVER, INSUFFICIENT,
                new DriverDiagnosis.Machine(true, false));
        assertTrue(r.startsWith("no NVIDIA driver loaded: libcuda.so.1 is installed but there are no /dev/nvidia*"), r);
        assertFalse(r.contains("too old"), r);
    }

    @Test
    void insufficientDriverWithDriverAndNodesIsAnOldDriver() {
        String r = DriverDiagnosis.reason(DriverDiagnosis.INSUFFICIENT_DRIVER, INSUFFICIENT,
                new DriverDiagnosis.Machine(true, true));
        assertTrue(r.startsWith("NVIDIA driver too old for conv4j's CUDA runtime: update the driver"), r);
        // unknown machine (not Linux): the CUDA code decides
        String unknown = DriverDiagnosis.reason(DriverDiagnosis.INSUFFICIENT_DRIVER, INSUFFICIENT,
                new DriverDiagnosis.Machine(null, null));
        assertTrue(unknown.startsWith("NVIDIA driver too old"), unknown);
    }

    @Test
    void noDeviceIsNoGpu() {
        String r = DriverDiagnosis.reason(DriverDiagnosis.NO_DEVICE, "device_count: cudaErrorNoDevice (no CUDA-capable "
                + "device is detected)", new DriverDiagnosis.Machine(true, true));
        assertTrue(r.startsWith("no GPU: the NVIDIA driver reports no CUDA device"), r);
    }

    @Test
    void stubLibraryAndOtherErrorsAreNamed() {
        String stub = DriverDiagnosis.reason(DriverDiagnosis.STUB_LIBRARY, "device_count: cudaErrorStubLibrary",
                new DriverDiagnosis.Machine(true, false));
        assertTrue(stub.contains("stub libcuda.so"), stub);
        String other = DriverDiagnosis.reason(999, "device_count: cudaErrorUnknown", new DriverDiagnosis.Machine(true, true));
        assertTrue(other.equals("no usable CUDA device: device_count: cudaErrorUnknown"), other);
    }

    @Test
    void driverLibraryIsFoundInTheLoaderCacheOrInAFolderButNotInStubs(@TempDir Path tmp) throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path cache = tmp.resolve("ld.so.cache");
        Files.write(cache, "glibc-ld.so.cache1.1 libcudart.so.13 libc.so.6".getBytes(StandardCharsets.US_ASCII));
        assertFalse(DriverDiagnosis.hasDriverLibrary(null, cache, root));

        Path stubs = Files.createDirectories(tmp.resolve("cuda/lib64/stubs"));
        Files.createFile(stubs.resolve("libcuda.so.1"));
        assertFalse(DriverDiagnosis.hasDriverLibrary(stubs.toString(), cache, root), "the toolkit's stub is no driver");

        Path custom = Files.createDirectories(tmp.resolve("opt/nvidia"));
        Files.createFile(custom.resolve("libcuda.so.1"));
        assertTrue(DriverDiagnosis.hasDriverLibrary("/nonexistent:" + custom, cache, root));

        Path lib = Files.createDirectories(root.resolve("usr/lib/x86_64-linux-gnu"));
        Files.createFile(lib.resolve("libcuda.so.1"));
        assertTrue(DriverDiagnosis.hasDriverLibrary(null, tmp.resolve("missing-cache"), root));

        Files.write(cache, "x libcuda.so.1 y".getBytes(StandardCharsets.US_ASCII));
        assertTrue(DriverDiagnosis.hasDriverLibrary(null, cache, tmp.resolve("empty")));
    }

    @Test
    void deviceNodesAreNvidiactlOrAGpuOrWslsDxg(@TempDir Path dev) throws IOException {
        assertFalse(DriverDiagnosis.hasDeviceNodes(dev));
        Files.createFile(dev.resolve("nvidiactl"));
        assertTrue(DriverDiagnosis.hasDeviceNodes(dev));
        Files.delete(dev.resolve("nvidiactl"));
        Files.createFile(dev.resolve("dxg"));
        assertTrue(DriverDiagnosis.hasDeviceNodes(dev));
    }
}
