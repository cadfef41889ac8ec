package org.conv4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.conv4j.BackendUnavailableException;
import org.conv4j.Backends;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What every machine can check: with a GPU the cuda backend loads and is chosen first; without one the library
 * still loads (when this build produced it), {@code Backends.cuda()} throws with the CUDA reason, and
 * {@code Backends.auto()} falls back.
 */
class CudaAvailabilityTest {

    @Test
    void withoutAGpuCudaIsUnavailableWithAReasonAndAutoFallsBack() {
        String reason = Backends.unavailableReason("cuda");
        if (reason == null) {
            // A usable GPU: auto() must prefer it (unless a program-wide override names another backend).
            if (System.getProperty("conv4j.backend") == null && System.getenv("CONV4J_BACKEND") == null) {
                assertEquals("cuda", Backends.auto().name());
            }
            assertTrue(Backends.available().contains("cuda"));
            return;
        }
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, Backends::cuda);
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().startsWith("cuda backend unavailable: "), e.getMessage());
        assertNotEquals("cuda", Backends.auto().name());
        assertFalse(Backends.available().contains("cuda"));
        System.out.println("cuda backend unavailable here, as expected without a GPU: " + reason);
    }

    @Test
    void theNativeLibraryLoadsAndNamesTheCudaErrorWhenThereIsNoGpu() {
        if (!CudaTestSupport.nativesBuilt()) {
            // Build without nvcc: the reason must say the library is missing, not crash.
            String reason = Backends.unavailableReason("cuda");
            if (reason != null) {
                assertTrue(reason.contains("cannot be loaded") || reason.contains("not built"), reason);
            }
            System.out.println("SKIPPED (CUDA natives not built: no nvcc in this build): library-load checks");
            Assumptions.assumeTrue(false, "CUDA natives not built in this build (no nvcc)");
        }
        CudaNative.load();  // must not throw: cudart is linked statically, the driver is only needed at run time
        int[] count = {-1};
        int st = CudaNative.c4j_cuda_device_count(count);
        String reason = Backends.unavailableReason("cuda");
        if (st == CudaNative.OK && count[0] > 0) {
            assertEquals(null, reason, "a GPU is visible, so the cuda backend must work");
            return;
        }
        assertNotNull(reason);
        String msg = CudaNative.c4j_cuda_last_error();
        if (st != CudaNative.OK) {
            assertEquals(CudaNative.DEVICE, st);
            assertTrue(msg.startsWith("device_count: cudaError"), msg);
            assertTrue(reason.contains(msg), "reason '" + reason + "' should carry '" + msg + "'");
            assertNotEquals(0, CudaNative.c4j_cuda_last_cuda_error());
            // the reason is the diagnosis of this machine (no driver / old driver / no GPU), not the bare CUDA code
            assertEquals(DriverDiagnosis.reason(CudaNative.c4j_cuda_last_cuda_error(), msg, DriverDiagnosis.probe()),
                    reason);
        } else {
            assertTrue(reason.contains("reports 0 CUDA devices"), reason);
        }
    }

    @Test
    void deviceCallsWithoutAGpuFailCleanly() {
        boolean applies = CudaTestSupport.nativesBuilt() && Backends.unavailableReason("cuda") != null;
        if (!applies) {
            System.out.println("SKIPPED (needs the CUDA natives and NO usable GPU): clean failure of device calls");
        }
        Assumptions.assumeTrue(applies, "needs the CUDA natives and no usable GPU");
        long[] out = {123};
        int st = CudaNative.c4j_cuda_alloc(16, out);
        assertEquals(CudaNative.DEVICE, st);
        assertEquals(0, out[0]);
        CudaException e = assertThrows(CudaException.class, () -> CudaBackend.check(st, "conv2d"));
        assertTrue(e.getMessage().startsWith("conv2d on cuda: alloc") && e.getMessage().contains(": cudaError"),
                e.getMessage());
        assertNotEquals(0, e.cudaError());
        // A refused descriptor is a conv4j bug, reported as such, and checked before any device call.
        int bad = CudaNative.c4j_cuda_max_pool2d_forward(new int[13], 0, 0);
        assertEquals(CudaNative.BAD_DESCRIPTOR, bad);
        IllegalStateException ise = assertThrows(IllegalStateException.class, () -> CudaBackend.check(bad, "maxPool2d"));
        assertTrue(ise.getMessage().contains("max_pool2d_forward: inconsistent pooling descriptor"), ise.getMessage());
    }
}
