/**
 * The textbook's layers on top of a {@link org.conv4j.Backend}: {@link org.conv4j.nn.Conv2D},
 * {@link org.conv4j.nn.MaxPool2D}, {@link org.conv4j.nn.AvgPool2D}, {@link org.conv4j.nn.GlobalAvgPool2D},
 * with {@link org.conv4j.nn.Parameter}, the {@link org.conv4j.nn.SGD} optimizer and the
 * {@link org.conv4j.nn.SquaredError} loss: enough to reproduce "learning a kernel" from the chapter; and what the
 * next chapter's LeNet needs: {@link org.conv4j.nn.Sequential}, {@link org.conv4j.nn.Flatten},
 * {@link org.conv4j.nn.Linear}, {@link org.conv4j.nn.Sigmoid}, {@link org.conv4j.nn.ReLU}, the fused
 * {@link org.conv4j.nn.SoftmaxCrossEntropy} loss, {@link org.conv4j.nn.Metrics}, Xavier and He initialisers in
 * {@link org.conv4j.nn.Initializer}, and {@link org.conv4j.nn.SafeTensors} to save and load weights.
 *
 * <p>There is no automatic differentiation: each {@link org.conv4j.nn.Layer} remembers what its
 * {@code forward} needs and its {@code backward(dy)} returns {@code dx} and <em>adds</em> the parameter
 * gradients into {@link org.conv4j.nn.Parameter#grad()} (PyTorch's rule; clear them with
 * {@link org.conv4j.nn.SGD#zeroGrad()} or {@link org.conv4j.nn.Parameter#zeroGrad()}).
 * Layers are not thread-safe: one layer instance serves one training loop.
 */
package org.conv4j.nn;
