package org.conv4j;

/**
 * Thrown by {@link Backends} when a backend cannot run here; the message says why (library not built
 * into this jar, native library failed to load, no GPU, insufficient driver, failed self-test, ...).
 */
public class BackendUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message why the backend is unavailable */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /** @param message why the backend is unavailable; @param cause the underlying failure */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
