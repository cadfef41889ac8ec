package org.conv4j.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import org.conv4j.Tensor;

/**
 * Mini-batches of a {@link LabeledImages}: each epoch visits every image once, in an order that is a
 * seeded shuffle of the epoch number (or in file order without shuffling); the last batch holds the
 * remainder (PyTorch's {@code DataLoader(shuffle=True)} without {@code drop_last}).
 *
 * <pre>{@code
 * Batches batches = new Batches(train, 256, true, 42);
 * for (Batches.Batch b : batches.epoch(0)) { net.forward(b.images()); ... b.labels() ... }
 * }</pre>
 *
 * The same seed and epoch number always give the same batches, whatever epochs were visited before.
 */
public final class Batches {
    private final LabeledImages data;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;

    /** One mini-batch: images {@code [b, C, H, W]} (a heap tensor) and their {@code b} labels. */
    public static final class Batch {
        private final Tensor images;
        private final int[] labels;

        Batch(Tensor images, int[] labels) {
            this.images = images;
            this.labels = labels;
        }

        /**
         * The images of this batch.
         *
         * @return a heap tensor {@code [b, C, H, W]} with values in {@code [0, 1]}, new for each batch; the
         *         caller owns it
         */
        public Tensor images() {
            return images;
        }

        /**
         * The labels of this batch.
         *
         * @return {@code b} class indices, in the order of {@link #images()}; the caller may keep the array,
         *         it is not reused
         */
        public int[] labels() {
            return labels;
        }

        /**
         * Number of images in this batch.
         *
         * @return {@code b}: the batch size, or fewer for the last batch of an epoch
         */
        public int size() {
            return labels.length;
        }
    }

    /**
     * Batches of {@code data}.
     *
     * @param data      the images and labels (not copied; it is immutable)
     * @param batchSize images per batch (the last one may hold fewer), at least 1
     * @param shuffle   whether each epoch visits the images in a seeded random order
     * @param seed      the shuffle seed
     * @throws IllegalArgumentException if {@code data} is null or {@code batchSize < 1}
     */
    public Batches(LabeledImages data, int batchSize, boolean shuffle, long seed) {
        if (data == null) {
            throw new IllegalArgumentException("Batches: data is null");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("Batches: batch size must be at least 1, got " + batchSize);
        }
        this.data = data;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
    }

    /**
     * Number of batches per epoch.
     *
     * @return {@code ceil(size / batchSize)}, at least 1
     */
    public int count() {
        return (data.size() + batchSize - 1) / batchSize;
    }

    /**
     * The visiting order of one epoch; the same seed and epoch always give the same order.
     *
     * @param epoch the epoch number (0-based; any value is accepted here, {@link #epoch(int)} requires at
     *              least 0)
     * @return a new permutation of the image indices {@code 0 .. size-1} (the identity without shuffling)
     */
    public int[] order(int epoch) {
        int n = data.size();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        if (shuffle) {
            Random rnd = new Random(seed * 0x9E3779B97F4A7C15L + epoch);
            for (int i = n - 1; i > 0; i--) { // Fisher-Yates
                int j = rnd.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
        }
        return idx;
    }

    /**
     * The batches of epoch {@code epoch} (0-based), made one at a time as the iteration goes.
     *
     * @param epoch the epoch number, at least 0; it seeds the order together with the constructor's seed
     * @return the {@link #count()} batches of the epoch in {@link #order(int)}; each iteration starts over.
     *         Its iterator's {@code next()} throws {@link NoSuchElementException} past the last batch
     * @throws IllegalArgumentException if {@code epoch < 0}
     */
    public Iterable<Batch> epoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("Batches.epoch: epoch must be at least 0, got " + epoch);
        }
        int[] idx = order(epoch);
        int c = data.channels(), h = data.height(), w = data.width();
        int per = c * h * w;
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < idx.length;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("Batches: the epoch has no more batches");
                }
                int b = Math.min(batchSize, idx.length - next);
                float[] px = new float[b * per];
                int[] labels = new int[b];
                for (int k = 0; k < b; k++) {
                    int i = idx[next + k];
                    data.copyImage(i, px, k * per);
                    labels[k] = data.label(i);
                }
                next += b;
                return new Batch(Tensor.of(px, b, c, h, w), labels);
            }
        };
    }
}
