package org.conv4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.conv4j.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * With the native library absent (the staged natives, i.e. the content of the platform classifier
 * jar, or that jar itself removed from the class path), Backends.auto() falls back to java and says why in one DEBUG log line,
 * and Backends.cpu() throws BackendUnavailableException carrying the reason. A normal run writes nothing to
 * stderr. Runs in a child JVM so that this JVM's cached backends do not interfere.
 */
@DisabledIfSystemProperty(named = "conv4j.test.skipNative", matches = "true",
        disabledReason = "native build skipped (-Dconv4j.skipNative=true)")
class FallbackTest {

    @Test
    void withoutNativesAutoIsJavaAndCpuSaysWhy() throws Exception {
        List<String> all = ChildJvm.testClassPath();
        List<String> withoutNatives = all.stream().filter(e -> !isNatives(e)).collect(Collectors.toList());
        assertTrue(withoutNatives.size() < all.size(),
                "the natives stage folder or classifier jar should be on the test class path: " + all);
        ChildJvm.Result r = ChildJvm.run(withoutNatives, debugLogging(), FallbackProbe.class.getName());
        String out = r.output();
        assertEquals(0, r.exit(), out);
        assertTrue(out.contains("auto=java"), out);
        assertTrue(out.contains("auto conv2d=[1.0, 2.0, 3.0, 4.0]"), out);
        assertTrue(out.contains("cpu threw BackendUnavailableException: cpu backend unavailable: cannot load the cpu"
                + " backend's native library for platform"), out);
        assertTrue(out.contains("cpu reason=cannot load the cpu backend's native library"), out);
        // the one DEBUG line of auto(): chosen backend and why cpu was skipped (no natives jar is no failure)
        assertTrue(!out.contains("WARNING"), out);
        long lines = out.lines().filter(l -> l.contains("using backend java") && l.contains("cpu: cannot load")).count();
        assertEquals(1, lines, out);
    }

    /** The natives of this platform: Maven's stage folder, or the classifier jar (as the arm64 run uses it). */
    private static boolean isNatives(String classPathEntry) {
        String file = java.nio.file.Path.of(classPathEntry).getFileName().toString();
        return classPathEntry.contains("native-stage")
                || file.startsWith("conv4j-") && file.endsWith("-" + org.bytedeco.javacpp.Loader.getPlatform() + ".jar");
    }

    /** With the natives, auto() is cpu, or cuda where this machine has a usable GPU (cuda ranks first). */
    @Test
    void withNativesAutoIsNative() throws Exception {
        ChildJvm.Result r = ChildJvm.run(ChildJvm.testClassPath(), debugLogging(), FallbackProbe.class.getName());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("cpu=available"), r.output());
        if (Backends.unavailableReason("cuda") == null) {
            assertTrue(r.output().contains("auto=cuda"), r.output());
            assertTrue(r.output().contains("using backend cuda"), r.output());
        } else {
            assertTrue(r.output().contains("auto=cpu"), r.output());
            assertTrue(r.output().contains("using backend cpu (problems of at most"), r.output());
        }
    }

    /** Quiet by default: without a logging configuration the same run prints only the probe's own lines. */
    @Test
    void aNormalRunLogsNothing() throws Exception {
        for (List<String> cp : List.of(ChildJvm.testClassPath(), ChildJvm.testClassPath().stream()
                .filter(e -> !e.contains("native-stage")).collect(Collectors.toList()))) {
            ChildJvm.Result r = ChildJvm.run(cp, List.of(), FallbackProbe.class.getName());
            assertEquals(0, r.exit(), r.output());
            List<String> foreign = r.output().lines().filter(l -> !l.matches("(auto|auto conv2d|cpu|cpu reason)[= ].*"))
                    .collect(Collectors.toList());
            assertEquals(List.of(), foreign, r.output());
        }
    }

    /** JVM options turning on conv4j's DEBUG log with java.util.logging, as the README describes. */
    static List<String> debugLogging() throws Exception {
        Path config = Files.createTempFile("conv4j-logging", ".properties");
        config.toFile().deleteOnExit();
        Files.writeString(config, "handlers = java.util.logging.ConsoleHandler\n"
                + "java.util.logging.ConsoleHandler.level = FINE\n"
                + "org.conv4j.level = FINE\n");
        return List.of("-Djava.util.logging.config.file=" + config);
    }
}
