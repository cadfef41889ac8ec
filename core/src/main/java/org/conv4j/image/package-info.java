/**
 * {@link java.awt.image.BufferedImage} to NCHW tensors and back ({@link org.conv4j.image.Images}): gray or RGB,
 * values in {@code [0, 1]}, PNG files.
 */
package org.conv4j.image;
