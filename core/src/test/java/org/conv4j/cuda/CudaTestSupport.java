package org.conv4j.cuda;

import org.conv4j.Backend;
import org.conv4j.Backends;
import org.junit.jupiter.api.Assumptions;

/** Gives GPU tests the cuda backend, or skips them with the reason printed (so a CI log says why). */
final class CudaTestSupport {
    private CudaTestSupport() {
    }

    /** The cuda backend; a test calling this is skipped, with the reason printed, when there is no usable GPU. */
    static CudaBackend cudaOrSkip() {
        String reason = Backends.unavailableReason("cuda");
        if (reason != null) {
            System.out.println("SKIPPED (cuda backend unavailable here): " + reason);
        }
        Assumptions.assumeTrue(reason == null, () -> "cuda backend unavailable: " + reason);
        Backend b = Backends.cuda();
        return (CudaBackend) b;
    }

    /** True when the build said it produced the CUDA natives (surefire sets conv4j.cuda.natives=built). */
    static boolean nativesBuilt() {
        return "built".equals(System.getProperty("conv4j.cuda.natives"));
    }
}
