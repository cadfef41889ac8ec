package org.conv4j.spi;

import org.conv4j.Backend;

/**
 * Implemented by a native backend that has a faster way to run tiny problems (for the cpu backend: the
 * java kernels, since a JNI call and a native result cost more than the whole computation).
 * {@link org.conv4j.Backends#auto()} hands out {@link #forAuto()} instead of the backend itself, so the
 * automatic choice is never slower than java on a tiny problem, while {@code Backends.cpu()} /
 * {@code Backends.get("cpu")} keep running everything natively (results always in native memory).
 */
public interface SmallProblemRouting {
    /** The variant for {@code Backends.auto()}: same name, small problems routed to the fastest backend for them. */
    Backend forAuto();
}
