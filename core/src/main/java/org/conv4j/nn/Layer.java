package org.conv4j.nn;

import java.util.List;
import org.conv4j.Tensor;
import org.conv4j.spi.TensorAccess;

/**
 * A differentiable step of a network: {@link #forward} computes the output and remembers what
 * {@link #backward} needs; {@link #backward} turns the gradient of the output into the gradient of the
 * input and adds the gradients of the layer's {@link #parameters()} into their {@link Parameter#grad()}.
 *
 * <p>Tensors are NCHW float32. Results may live in the memory of the layer's backend (native or GPU):
 * read them with {@link Tensor#toArray()}, close them when done. Not thread-safe.
 */
public interface Layer {

    /**
     * Computes the output for {@code x} and remembers {@code x} (by reference, not copied) for
     * {@link #backward}; do not close {@code x} before calling {@code backward}.
     *
     * @param x {@code [N, C, H, W]}
     * @return the output, {@code [N, C', H', W']}
     * @throws IllegalArgumentException if {@code x} is null or its shape does not fit the layer; the
     *                                  message names the values
     */
    Tensor forward(Tensor x);

    /**
     * Back-propagates through the last {@link #forward} call.
     *
     * @param dy gradient of the loss with respect to the last output; same shape as that output
     * @return {@code dx}, the gradient with respect to the last input, shaped like it
     * @throws IllegalStateException    if {@code forward} was never called
     * @throws IllegalArgumentException if {@code dy} is null or not shaped like the last output
     */
    Tensor backward(Tensor dy);

    /**
     * Back-propagates to the parameters only: adds their gradients exactly as {@link #backward} does, but the
     * gradient with respect to the input is not returned, and layers that can skip computing it
     * ({@link Conv2D}, {@link Linear}, {@link Sequential}'s first layer) do. For a network's first layer, whose
     * input is data. The default calls {@code backward} and closes its result (unless it shares {@code dy}'s
     * storage).
     *
     * @param dy gradient of the loss with respect to the last output
     * @throws IllegalStateException    if {@code forward} was never called
     * @throws IllegalArgumentException if {@code dy} is null or not shaped like the last output
     */
    default void backwardParameters(Tensor dy) {
        Tensor dx = backward(dy);
        if (TensorAccess.storage(dx) != TensorAccess.storage(dy)) {
            dx.close();
        }
    }

    /**
     * The trainable parameters, in a fixed order (empty for pooling layers).
     *
     * @return the trainable parameters, in a fixed order (empty for pooling layers)
     */
    List<Parameter> parameters();
}
