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

    /** Number of images. */
    public int size() {
        return labels.length;
    }

    /** Channels per image. */
    public int channels() {
        return channels;
    }

    /** Image height in pixels. */
    public int height() {
        return height;
    }

    /** Image width in pixels. */
    public int width() {
        return width;
    }

    /** Label of image {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /** One more than the largest label. */
    public int classes() {
        return Arrays.stream(labels).max().orElse(-1) + 1;
    }

    /** Copies the pixels of image {@code i} into {@code dst[offset ..]}. */
    void copyImage(int i, float[] dst, int offset) {
        int per = channels * height * width;
        System.arraycopy(pixels, i * per, dst, offset, per);
    }

    /** The first {@code n} images (all of them if fewer), e.g. for a quick run. */
    public LabeledImages head(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("LabeledImages.head: n must be at least 1, got " + n);
        }
        int k = Math.min(n, size());
        int per = channels * height * width;
        return new LabeledImages(Arrays.copyOf(pixels, k * per), Arrays.copyOf(labels, k), channels, height, width);
    }
}
