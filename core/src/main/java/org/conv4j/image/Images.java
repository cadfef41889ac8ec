package org.conv4j.image;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.conv4j.Tensor;

/**
 * {@link BufferedImage} to NCHW tensor and back, values in {@code [0, 1]} (a byte {@code v} becomes
 * {@code v / 255}). Gray images have one channel, RGB images three (R, G, B); alpha is dropped.
 *
 * <pre>{@code
 * Tensor x = Images.read(Path.of("photo.png"), Images.Mode.GRAY);   // [1, 1, H, W]
 * Images.write(y, Path.of("edges.png"));                            // y: [1, 1, H', W'], clamped to [0, 1]
 * }</pre>
 */
public final class Images {
    private Images() {
    }

    /** How to read the pixels. */
    public enum Mode {
        /** One channel: the luma {@code 0.299 R + 0.587 G + 0.114 B} (ITU-R BT.601), or the gray value itself. */
        GRAY,
        /** Three channels R, G, B. */
        RGB
    }

    /**
     * The image as a tensor {@code [1, C, H, W]} with {@code C = 1} (GRAY) or 3 (RGB), values in {@code [0, 1]}.
     * An 8-bit gray image read as GRAY keeps its sample values exactly (no colour-space conversion).
     *
     * @param image the image, any {@link BufferedImage} type; H and W are its height and width in pixels
     * @param mode  {@link Mode#GRAY} for one channel, {@link Mode#RGB} for three
     * @return a new heap tensor {@code [1, C, H, W]}, values {@code sample / 255}
     * @throws IllegalArgumentException if {@code image} or {@code mode} is null
     */
    public static Tensor toTensor(BufferedImage image, Mode mode) {
        if (image == null || mode == null) {
            throw new IllegalArgumentException("Images.toTensor: " + (image == null ? "image" : "mode") + " is null");
        }
        int h = image.getHeight(), w = image.getWidth();
        int c = mode == Mode.GRAY ? 1 : 3;
        float[] v = new float[c * h * w];
        boolean gray8 = image.getType() == BufferedImage.TYPE_BYTE_GRAY;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (gray8) {
                    float g = image.getRaster().getSample(x, y, 0) / 255f;
                    for (int k = 0; k < c; k++) {
                        v[k * h * w + i] = g;
                    }
                    continue;
                }
                int rgb = image.getRGB(x, y);
                int r = (rgb >>> 16) & 0xff, g = (rgb >>> 8) & 0xff, b = rgb & 0xff;
                if (c == 1) {
                    v[i] = (float) ((0.299 * r + 0.587 * g + 0.114 * b) / 255.0);
                } else {
                    v[i] = r / 255f;
                    v[h * w + i] = g / 255f;
                    v[2 * h * w + i] = b / 255f;
                }
            }
        }
        return Tensor.of(v, 1, c, h, w);
    }

    /**
     * An 8-bit image of a tensor {@code [1, C, H, W]} or {@code [C, H, W]} with {@code C} 1 (gray) or 3 (RGB):
     * each value is clamped to {@code [0, 1]} and rounded to {@code round(255 v)}; NaN becomes 0.
     *
     * @param t the tensor, on any backend (its values are copied to the heap); not closed
     * @return a new W x H image, {@link BufferedImage#TYPE_BYTE_GRAY} for C = 1 or
     *         {@link BufferedImage#TYPE_INT_RGB} for C = 3
     * @throws IllegalArgumentException if {@code t} is null or not of such a shape (the shape is named)
     */
    public static BufferedImage toImage(Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException("Images.toImage: tensor is null");
        }
        int[] s = t.shape();
        boolean ok = (s.length == 4 && s[0] == 1) || s.length == 3;
        int c = s.length == 4 ? s[1] : s.length == 3 ? s[0] : 0;
        if (!ok || (c != 1 && c != 3)) {
            throw new IllegalArgumentException("Images.toImage: shape " + Arrays.toString(s)
                    + " is not an image; expected [1, C, H, W] or [C, H, W] with C = 1 (gray) or 3 (RGB)");
        }
        int h = s[s.length - 2], w = s[s.length - 1];
        float[] v = t.toArray();
        BufferedImage img = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        WritableRaster raster = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (c == 1) {
                    raster.setSample(x, y, 0, toByte(v[i]));
                } else {
                    img.setRGB(x, y, (toByte(v[i]) << 16) | (toByte(v[h * w + i]) << 8) | toByte(v[2 * h * w + i]));
                }
            }
        }
        return img;
    }

    private static int toByte(float v) {
        if (!(v > 0)) {
            return 0;
        }
        return v >= 1 ? 255 : Math.round(v * 255f);
    }

    /**
     * Reads an image file (PNG, JPEG, GIF, BMP: whatever {@link ImageIO} reads) as {@link #toTensor}.
     *
     * @param file the image file
     * @param mode {@link Mode#GRAY} for one channel, {@link Mode#RGB} for three
     * @return a new heap tensor {@code [1, C, H, W]} with values in {@code [0, 1]}
     * @throws IOException              if the file cannot be read or is not an image ImageIO knows (the file is named)
     * @throws IllegalArgumentException if an argument is null
     */
    public static Tensor read(Path file, Mode mode) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("Images.read: file is null");
        }
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IOException(file + ": not an image format that ImageIO can read");
        }
        return toTensor(img, mode);
    }

    /**
     * Writes {@link #toImage toImage(t)} as a PNG file, creating missing parent directories.
     *
     * @param t    a tensor {@code [1, C, H, W]} or {@code [C, H, W]}, C 1 or 3, values in {@code [0, 1]}
     *             (others clamped); not closed
     * @param file the PNG file to write (replaced if it exists)
     * @throws IOException              if the file cannot be written
     * @throws IllegalArgumentException as {@link #toImage}, or if {@code file} is null
     */
    public static void write(Tensor t, Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("Images.write: file is null");
        }
        BufferedImage img = toImage(t);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException(file + ": no PNG writer available");
        }
    }
}
