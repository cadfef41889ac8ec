package org.conv4j.bench.onednn;

/** Which tensors a oneDNN peer is handed and returns. */
public enum Layout {
    /**
     * Plain NCHW (OIHW for weights) in and out, as conv4j's API takes them: every call reorders each input
     * into the layout oneDNN chose (format {@code any}) and the result back, and those reorders are timed.
     */
    NCHW,
    /** oneDNN's own chosen (blocked) layouts throughout, prepared once outside the timing: the primitive alone. */
    BLOCKED;

    /** Parses {@code nchw} or {@code blocked} (any case). */
    public static Layout parse(String s) {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
