/**
 * Data sets for training: {@link org.conv4j.data.IdxFile} reads the IDX format of MNIST and Fashion-MNIST
 * (gzipped or not; a truncated or corrupt file throws {@link org.conv4j.data.IdxFormatException} naming the file),
 * {@link org.conv4j.data.FashionMnist} finds and loads the four Fashion-MNIST files, and
 * {@link org.conv4j.data.Batches} cuts {@link org.conv4j.data.LabeledImages} into seeded, shuffled mini-batches.
 */
package org.conv4j.data;
