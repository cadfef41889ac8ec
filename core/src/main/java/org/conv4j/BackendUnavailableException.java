package org.conv4j;

/**
 * Thrown by {@link Backends} when a backend cannot run here; the message says why (library not built
 * into this jar, native library failed to load, no GPU, insufficient driver, failed self-test, ...).
 */
public class BackendUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the reason only.
     *
     * @param message why the backend is unavailable
     */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /**
     * An exception with the reason and the failure behind it.
     *
     * @param message why the backend is unavailable
     * @param cause the underlying error, e.g. the {@code UnsatisfiedLinkError} of the native library
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
