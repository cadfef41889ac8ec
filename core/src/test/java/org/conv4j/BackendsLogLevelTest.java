package org.conv4j;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which unavailable backends are a WARNING (a broken installation) and which are normal (DEBUG only). */
class BackendsLogLevelTest {
    private static Backends.Outcome unavailable(String reason, Throwable cause) {
        return new Backends.Outcome(null, reason, cause);
    }

    @Test
    void aMissingNativesJarIsNoFailure() {
        Backends.Outcome o = unavailable("cannot load the cpu backend's native library", new UnsatisfiedLinkError("x"));
        assertFalse(Backends.isFailure("cpu", o, false));
        assertFalse(Backends.isFailure("cuda", o, false));
    }

    @Test
    void presentNativesThatDoNotLoadAreAFailure() {
        Backends.Outcome o = unavailable("cannot load", new UnsatisfiedLinkError("libopenblas.so.0: not found"));
        assertTrue(Backends.isFailure("cpu", o, true));
        assertTrue(Backends.isFailure("cuda", o, true));
        // present cpu natives of another build (C API version mismatch) carry no cause and are still a failure
        assertTrue(Backends.isFailure("cpu", unavailable("cpu backend native library speaks C API version 3", null),
                true));
    }

    @Test
    void noDriverOrNoGpuIsNoFailure() {
        assertFalse(Backends.isFailure("cuda", unavailable("no NVIDIA driver: libcuda.so.1 is not installed", null),
                true));
        assertFalse(Backends.isFailure("cuda", unavailable("no GPU: the NVIDIA driver reports 0 CUDA devices", null),
                true));
    }

    @Test
    void aFailedSelfTestIsAlwaysAFailure() {
        Backends.Outcome o = new Backends.Outcome(null, "self-test failed: conv2d value 3 is 1.0, expected 2.0", null,
                true);
        assertTrue(Backends.isFailure("cpu", o, true));
        assertTrue(Backends.isFailure("cuda", o, false));
    }
}
