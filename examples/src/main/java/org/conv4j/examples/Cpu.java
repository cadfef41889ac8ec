package org.conv4j.examples;

import java.lang.management.ManagementFactory;

/** CPU time of the whole process (all threads), in nanoseconds. */
final class Cpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private Cpu() {
    }

    /** Process CPU time so far (user + system, every thread), or -1 where the JVM cannot tell. */
    static long nanos() {
        return OS.getProcessCpuTime();
    }
}
