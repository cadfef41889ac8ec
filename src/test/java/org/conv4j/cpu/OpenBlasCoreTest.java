package org.conv4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * The OpenBLAS kernel family ("core") the cpu backend runs, chosen before OpenBLAS loads: automatically
 * SKYLAKEX on AMD CPUs with AVX-512 (OpenBLAS 0.3.31 takes Zen 5 for Haswell, half the sgemm speed),
 * {@code -Dconv4j.cpu.openblasCore=NAME} on request, and the user's {@code OPENBLAS_CORETYPE} always wins.
 * Each case runs in a fresh JVM, because OpenBLAS chooses only once per process.
 */
@DisabledIfSystemProperty(named = "conv4j.test.skipNative", matches = "true",
        disabledReason = "native build skipped (-Dconv4j.skipNative=true)")
class OpenBlasCoreTest {

    private static ChildJvm.Result probe(List<String> jvmArgs, String envCoreType) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("OPENBLAS_CORETYPE", envCoreType); // null: removed, so the parent's environment cannot leak in
        ChildJvm.Result r = ChildJvm.run(ChildJvm.testClassPath(), jvmArgs, env, OpenBlasCoreProbe.class.getName());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("matches java: true"), r.output());
        return r;
    }

    /** From /proc/cpuinfo (Linux only): an AMD processor with the AVX-512 set OpenBLAS's SKYLAKEX uses. */
    private static Boolean amdWithAvx512() throws Exception {
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(info)) {
            return null;
        }
        String text = Files.readString(info);
        int end = text.indexOf("\n\n");
        String first = end < 0 ? text : text.substring(0, end);
        boolean amd = first.contains("AuthenticAMD");
        String flags = first.lines().filter(l -> l.startsWith("flags")).findFirst().orElse("") + " ";
        boolean avx512 = List.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl")
                .stream().allMatch(f -> flags.contains(" " + f + " "));
        return amd && avx512;
    }

    private static boolean x86() {
        String arch = System.getProperty("os.arch");
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    @Test
    void automaticChoiceFollowsTheCpu() throws Exception {
        String out = probe(List.of(), null).output();
        Boolean amd512 = amdWithAvx512();
        assumeTrue(amd512 != null, "no /proc/cpuinfo to check the choice against");
        if (amd512) {
            assertTrue(out.contains("core=SkylakeX (SKYLAKEX chosen by conv4j: AMD CPU with AVX-512)"), out);
        } else {
            assertTrue(out.contains("(OpenBLAS's own CPU detection)"), out);
        }
    }

    @Test
    void propertyNamesTheCore() throws Exception {
        assumeTrue(x86(), "HASWELL is an x86-64 core name");
        String out = probe(List.of("-Dconv4j.cpu.openblasCore=HASWELL"), null).output();
        assertTrue(out.contains("core=Haswell (HASWELL from -Dconv4j.cpu.openblasCore)"), out);
    }

    @Test
    void environmentWins() throws Exception {
        assumeTrue(x86(), "ZEN is an x86-64 core name");
        String out = probe(List.of("-Dconv4j.cpu.openblasCore=HASWELL"), "ZEN").output();
        assertTrue(out.contains("core=Zen (OPENBLAS_CORETYPE=ZEN from the environment)"), out);
    }

    @Test
    void openblasLeavesTheChoiceToOpenBlas() throws Exception {
        String out = probe(List.of("-Dconv4j.cpu.openblasCore=openblas"), null).output();
        assertTrue(out.contains("(OpenBLAS's own CPU detection, as -Dconv4j.cpu.openblasCore=openblas asks)"), out);
    }

    @Test
    void badNameIsIgnoredWithAWarning() throws Exception {
        String out = probe(List.of("-Dconv4j.cpu.openblasCore=SKYLAKEX;rm"), null).output();
        assertTrue(out.contains("-Dconv4j.cpu.openblasCore=SKYLAKEX;rm ignored: expected auto, openblas or an OpenBLAS"
                + " core name"), out);
        assertTrue(out.contains("(OpenBLAS's own CPU detection: -Dconv4j.cpu.openblasCore=SKYLAKEX;rm is not a core"
                + " name)"), out);
    }
}
