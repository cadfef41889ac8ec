package org.conv4j.cpu;

/**
 * The three convolution operations, each with its own implementation list in the cpu backend (see
 * {@link CpuBackend#implementations(ConvDirection)}).
 */
public enum ConvDirection {
    /** {@code conv2d}: y = x * w + bias. */
    FORWARD("forward"),
    /** {@code conv2dBackwardData}: the gradient with respect to x. */
    BACKWARD_DATA("backwardData"),
    /** {@code conv2dBackwardWeights}: the gradient with respect to w. */
    BACKWARD_WEIGHTS("backwardWeights");

    private final String property;

    ConvDirection(String name) {
        this.property = "conv4j.cpu.impl." + name;
    }

    /** The C API's direction code (C4J_CONV_*). */
    int code() {
        return ordinal();
    }

    /**
     * The system property that forces this direction's implementation, e.g. {@code conv4j.cpu.impl.forward}.
     *
     * @return the property name
     */
    public String property() {
        return property;
    }
}
