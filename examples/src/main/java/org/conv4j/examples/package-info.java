/**
 * Applications built on the library, run from the source tree (not part of the library jar):
 * {@link org.conv4j.examples.LeNetApp} trains the book's LeNet on Fashion-MNIST,
 * {@link org.conv4j.examples.LeNetBenchmark} measures its training speed per backend,
 * {@link org.conv4j.examples.EdgeDetectionApp} runs the book's edge detection on a PNG.
 */
package org.conv4j.examples;
