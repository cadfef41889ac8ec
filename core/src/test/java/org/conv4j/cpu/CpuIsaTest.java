package org.conv4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * The cpu backend that loaded is this JVM's architecture's native library, and {@link CpuBackend#describeIsa()}
 * says which architecture and instruction set run. With {@code -Dconv4j.test.expectArch=arm64} (the arm64
 * run under emulation, ci/arm64-java-tests.sh) the architecture must be that one, so the run cannot pass on
 * another machine's natives.
 */
@DisabledIfSystemProperty(named = "conv4j.test.skipNative", matches = "true",
        disabledReason = "native build skipped (-Dconv4j.skipNative=true)")
class CpuIsaTest {

    /** JavaCPP's name of the JVM's architecture ({@code os.arch} is aarch64 or amd64 on Linux). */
    private static String jvmArch() {
        String a = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        switch (a) {
            case "aarch64":
            case "arm64":
                return "arm64";
            case "amd64":
            case "x86_64":
                return "x86_64";
            default:
                return a;
        }
    }

    @Test
    void cpuLoadsNativelyForThisJvmsArchitecture() {
        Backend cpu = Backends.cpu();
        assertInstanceOf(CpuBackend.class, cpu);
        try (Tensor y = cpu.conv2d(Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2), Tensor.of(new float[] {2}, 1, 1, 1, 1),
                null, ConvParams.defaults())) {
            assertEquals("native", y.location(), "Backends.cpu() did not compute natively");
            assertArrayEquals(new float[] {2, 4, 6, 8}, y.toArray());
        }
        String isa = CpuBackend.describeIsa();
        System.out.println("conv4j cpu backend: isa " + isa + ", OpenBLAS " + CpuBackend.openBlasCore()
                + ", JVM os.arch " + System.getProperty("os.arch"));
        String arch = isa.substring(0, isa.indexOf(' '));
        assertEquals(jvmArch(), arch, "isa() " + isa + " names another architecture than this JVM's");
        String expected = System.getProperty("conv4j.test.expectArch", "").trim();
        if (!expected.isEmpty()) {
            assertEquals(expected, arch, "-Dconv4j.test.expectArch=" + expected + " but the cpu backend runs " + isa);
        }
    }

    @Test
    void isaNamesTheKernelsInUse() {
        String isa = CpuBackend.describeIsa();
        String set = isa.substring(isa.indexOf(' ') + 1);
        if (isa.startsWith("x86_64 ")) {
            assertTrue(set.equals("AVX-512") || set.equals("AVX2+FMA") || set.equals("scalar"), isa);
            assertEquals(CpuBackend.usesAvx2(), !set.equals("scalar"), isa);
        } else if (isa.startsWith("arm64 ")) {
            // Advanced SIMD is part of aarch64: the NEON kernels are always chosen unless scalar is forced
            assertEquals("NEON", set, isa);
        } else {
            assertEquals("scalar", set, isa);
        }
        try {
            CpuBackend.forceScalar(true);
            assertTrue(CpuBackend.describeIsa().endsWith(" scalar"), "forceScalar(true) but isa() is " + CpuBackend.describeIsa());
        } finally {
            CpuBackend.forceScalar(false);
        }
        assertEquals(isa, CpuBackend.describeIsa());
    }
}
