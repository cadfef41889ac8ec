/**
 * The convolution and pooling primitives: {@link org.conv4j.Tensor} (float32, row-major, NCHW),
 * {@link org.conv4j.Backend} (conv2d forward, backward-data, backward-weights, backward-bias; max and average
 * pooling forward and backward), {@link org.conv4j.ConvParams} and {@link org.conv4j.PoolParams}, and
 * {@link org.conv4j.Backends}, which hands out the backends that work on this machine ({@code java},
 * {@code cpu}, {@code cuda}). {@link org.conv4j.Conv4j} holds the textbook's 2-D helpers and the thread count.
 *
 * <p>Every method checks its arguments in Java before any native call and throws
 * {@link java.lang.IllegalArgumentException} naming the bad values; a backend that cannot run here throws
 * {@link org.conv4j.BackendUnavailableException} saying why.
 */
package org.conv4j;
