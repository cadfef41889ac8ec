package org.conv4j.data;

import java.util.Arrays;

/**
 * Images with one class label each, held on the heap: pixel values in {@code [0, 1]} in NCHW order and labels
 * in {@code [0, classes)}. Immutable; {@link Batches} cuts it into mini-batches.
 */
public final class LabeledImages {
    private final float[] pixels;
    private final int[] labels;
    private final int channels;
    private final int height;
    private final int width;

    /**
     * Wraps {@code pixels} and {@code labels} (copied).
     *
     * @param pixels {@code n * channels * height * width} values, NCHW
     * @param labels {@code n} class indices, each at least 0
     * @param channels channels per image, at least 1 (1 for gray)
     * @param height   image height in pixels, at least 1
     * @param width    image width in pixels, at least 1
     * @throws IllegalArgumentException if an array is null, a size is below 1, the lengths disagree, or a
     *                                  label is negative (naming its index)
     */
    public LabeledImages(float[] pixels, int[] labels, int channels, int height, int width) {
        if (pixels == null || labels == null) {
            throw new IllegalArgumentException("LabeledImages: " + (pixels == null ? "pixels" : "labels") + " is null");
        }
        if (channels < 1 || height < 1 || width < 1 || labels.length < 1) {
            throw new IllegalArgumentException("LabeledImages: sizes must be positive, got " + labels.length
                    + " images of " + channels + "x" + height + "x" + width);
        }
        long per = (long) channels * height * width;
        if (per * labels.length != pixels.length) {
            throw new IllegalArgumentException("LabeledImages: " + pixels.length + " pixel values for " + labels.length
                    + " images of " + channels + "x" + height + "x" + width + " (" + per * labels.length + " expected)");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("LabeledImages: label " + i + " is " + labels[i]);
            }
        }
        this.pixels = pixels.clone();
        this.labels = labels.clone();
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /** Images from IDX arrays of shape {@code [n, h, w]} (pixels scaled by 1/255) and {@code [n]}. */
    static LabeledImages fromIdx(IdxFile images, IdxFile labels) {
        int[] d = images.dims();
        byte[] px = images.rawBytes();
        float[] f = new float[px.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (px[i] & 0xff) / 255f;
        }
        byte[] lb = labels.rawBytes();
        int[] l = new int[lb.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = lb[i] & 0xff;
        }
        return new LabeledImages(f, l, 1, d[1], d[2]);
    }

    /**
     * Number of images.
     *
     * @return {@code n}, at least 1
     */
    public int size() {
        return labels.length;
    }

    /**
     * Channels per image.
     *
     * @return C, at least 1 (1 for Fashion-MNIST)
     */
    public int channels() {
        return channels;
    }

    /**
     * Image height.
     *
     * @return H in pixels, at least 1
     */
    public int height() {
        return height;
    }

    /**
     * Image width.
     *
     * @return W in pixels, at least 1
     */
    public int width() {
        return width;
    }

    /**
     * The label of one image.
     *
     * @param i the image index, in {@code [0, size())}
     * @return its class index, at least 0
     * @throws ArrayIndexOutOfBoundsException if {@code i} is outside {@code [0, size())}
     */
    public int label(int i) {
        return labels[i];
    }

    /**
     * Number of classes, counted from the labels present.
     *
     * @return one more than the largest label (computed on each call)
     */
    public int classes() {
        return Arrays.stream(labels).max().orElse(-1) + 1;
    }

    /** Copies the pixels of image {@code i} into {@code dst[offset ..]}. */
    void copyImage(int i, float[] dst, int offset) {
        int per = channels * height * width;
        System.arraycopy(pixels, i * per, dst, offset, per);
    }

    /**
     * The first {@code n} images (all of them if fewer), e.g. for a quick run.
     *
     * @param n how many images to keep, at least 1
     * @return a new set of {@code min(n, size())} images with their labels (copied)
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public LabeledImages head(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("LabeledImages.head: n must be at least 1, got " + n);
        }
        int k = Math.min(n, size());
        int per = channels * height * width;
        return new LabeledImages(Arrays.copyOf(pixels, k * per), Arrays.copyOf(labels, k), channels, height, width);
    }
}
