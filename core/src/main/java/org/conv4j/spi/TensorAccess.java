package org.conv4j.spi;

import org.conv4j.Tensor;

/**
 * The backends' access to a {@link Tensor}'s memory, kept out of {@code Tensor}'s public API: users see values and
 * shapes, backends see the {@link Storage} behind them. {@code Tensor} installs its hooks when it is initialised.
 */
public final class TensorAccess {
    /** What {@code Tensor} lends to backends; only {@code Tensor}'s own implementation is accepted. */
    public interface Hooks {
        /**
         * A tensor over {@code storage}, which it then owns, without a copy.
         *
         * @param storage the values, exactly as many as {@code shape} holds
         * @param shape   the dimensions, each at least 1
         * @return the tensor
         */
        Tensor wrap(Storage storage, int[] shape);

        /**
         * The storage of {@code tensor}.
         *
         * @param tensor a tensor
         * @return its storage, not a copy
         */
        Storage storage(Tensor tensor);
    }

    private static volatile Hooks hooks;

    private TensorAccess() {
    }

    /**
     * Called once by {@code Tensor}'s static initialiser.
     *
     * @param h {@code Tensor}'s hooks
     * @throws IllegalStateException if hooks are installed already or {@code h} is not {@code Tensor}'s
     */
    public static synchronized void install(Hooks h) {
        if (hooks != null || h == null || h.getClass().getEnclosingClass() != Tensor.class) {
            throw new IllegalStateException("TensorAccess: hooks can only be installed once, by Tensor");
        }
        hooks = h;
    }

    /**
     * A tensor over {@code storage}, which becomes owned by the tensor (closing the tensor closes it). No copy.
     *
     * @param storage the values
     * @param shape   the dimensions, each at least 1
     * @return the tensor
     * @throws IllegalArgumentException if storage is null, a dimension is below 1 or the storage length does not
     *                                  match the shape
     */
    public static Tensor wrap(Storage storage, int... shape) {
        return hooks().wrap(storage, shape);
    }

    /**
     * The storage holding a tensor's values.
     *
     * @param tensor a tensor
     * @return its storage, not a copy
     */
    public static Storage storage(Tensor tensor) {
        return hooks().storage(tensor);
    }

    private static Hooks hooks() {
        Hooks h = hooks;
        if (h == null) {
            try {
                // Tensor installs its hooks in its static initialiser: make sure it has run
                Class.forName(Tensor.class.getName(), true, Tensor.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            h = hooks;
        }
        return h;
    }
}
