package org.conv4j.cpu;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the test classes in a fresh JVM (own system properties, own class path). */
final class ChildJvm {
    private ChildJvm() {
    }

    /** Output (stdout + stderr) and exit status of a child run. */
    record Result(int exit, String output) {
    }

    /** Class path entries of this test JVM, expanded from surefire's manifest-only jar if it uses one. */
    static List<String> testClassPath() throws Exception {
        List<String> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.endsWith(".jar") && e.contains("surefire")) {
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(e)) {
                    String cp = jar.getManifest() == null ? null
                            : jar.getManifest().getMainAttributes().getValue("Class-Path");
                    if (cp != null) {
                        for (String u : cp.trim().split("\\s+")) {
                            out.add(Path.of(new java.net.URI(u)).toString());
                        }
                        continue;
                    }
                }
            }
            out.add(e);
        }
        return out;
    }

    static Result run(List<String> classPath, List<String> jvmArgs, String mainClass) throws Exception {
        return run(classPath, jvmArgs, java.util.Map.of(), mainClass);
    }

    /** As {@link #run(List, List, String)}, with {@code env} added to (null values: removed from) the environment. */
    static Result run(List<String> classPath, List<String> jvmArgs, java.util.Map<String, String> env, String mainClass)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        // -Dconv4j.test.childJvmLauncher="qemu-aarch64-static": the emulator an arm64 JVM under qemu-user needs
        // to start another arm64 JVM where the kernel has no binfmt_misc entry for arm64 (ci/arm64-java-tests.sh)
        String launcher = System.getProperty("conv4j.test.childJvmLauncher", "").trim();
        if (!launcher.isEmpty()) {
            cmd.addAll(List.of(launcher.split("\\s+")));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, classPath));
        cmd.add(mainClass);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM " + mainClass + " timed out");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
