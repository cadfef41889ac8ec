package org.conv4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * The OpenBLAS kernel family ("core") the cpu backend runs: OpenBLAS's own choice or the environment's
 * {@code OPENBLAS_CORETYPE} by default, and {@code -Dconv4j.cpu.openblasCore=NAME} set before OpenBLAS loads
 * (over the environment's value). Each case runs in a fresh JVM, because OpenBLAS chooses once per process.
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

    private static boolean x86() {
        String arch = System.getProperty("os.arch");
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    @Test
    void defaultIsOpenBlasOwnDetection() throws Exception {
        String out = probe(List.of(), null).output();
        assertTrue(out.contains(" (OpenBLAS's own CPU detection)"), out);
    }

    @Test
    void defaultKeepsTheEnvironment() throws Exception {
        assumeTrue(x86(), "ZEN is an x86-64 core name");
        String out = probe(List.of(), "ZEN").output();
        assertTrue(out.contains("core=Zen (OPENBLAS_CORETYPE=ZEN from the environment)"), out);
    }

    @Test
    void propertyNamesTheCore() throws Exception {
        assumeTrue(x86(), "HASWELL is an x86-64 core name");
        String out = probe(List.of("-Dconv4j.cpu.openblasCore=HASWELL"), null).output();
        assertTrue(out.contains("core=Haswell (HASWELL from -Dconv4j.cpu.openblasCore)"), out);
    }

    @Test
    void propertyWinsOverTheEnvironment() throws Exception {
        assumeTrue(x86(), "HASWELL and ZEN are x86-64 core names");
        String out = probe(List.of("-Dconv4j.cpu.openblasCore=HASWELL"), "ZEN").output();
        assertTrue(out.contains("core=Haswell (HASWELL from -Dconv4j.cpu.openblasCore, over OPENBLAS_CORETYPE=ZEN in"
                + " the environment)"), out);
    }

    @Test
    void badNameIsIgnoredWithAWarning() throws Exception {
        String out = probe(List.of("-Dconv4j.cpu.openblasCore=SKYLAKEX;rm"), "ZEN").output();
        assertTrue(out.contains("-Dconv4j.cpu.openblasCore=SKYLAKEX;rm ignored: expected auto or an OpenBLAS core name"),
                out);
        assertTrue(out.contains("(OPENBLAS_CORETYPE=ZEN from the environment; -Dconv4j.cpu.openblasCore=SKYLAKEX;rm is"
                + " not a core name)"), out);
    }
}
