package org.conv4j.examples;

import java.io.IOException;
import java.nio.file.Path;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.Tensor;
import org.conv4j.image.Images;

/**
 * The book's edge detection on a real picture: the image in gray, cross-correlated with {@code K = [1, -1]}
 * (vertical edges) and with its transpose (horizontal edges, which {@code K} alone cannot see), written as a
 * PNG whose brightness is {@code |vertical| + |horizontal|}, clamped to 1.
 *
 * <pre>
 * java ... org.conv4j.examples.EdgeDetectionApp [input.png [output.png]]
 * </pre>
 * Defaults: {@code docs/images/edge-input.png} and {@code target/edges.png}. Runs on {@link Backends#auto()}
 * ({@code -Dconv4j.backend=java|cpu|cuda} to choose).
 */
public final class EdgeDetectionApp {
    private EdgeDetectionApp() {
    }

    /**
     * Detects the edges of {@code x} {@code [1, 1, H, W]}: {@code |x * K| + |x * K^T|} on the common
     * {@code [1, 1, H-1, W-1]} part of both results.
     */
    public static Tensor edges(Backend backend, Tensor x) {
        Tensor k = Tensor.of(new float[] {1, -1}, 1, 1, 1, 2);
        Tensor kt = Tensor.of(new float[] {1, -1}, 1, 1, 2, 1);
        int h = x.dim(2), w = x.dim(3);
        float[] v;
        float[] hz;
        try (Tensor yv = backend.conv2d(x, k, null, ConvParams.defaults());      // [1, 1, H, W-1]
             Tensor yh = backend.conv2d(x, kt, null, ConvParams.defaults())) {   // [1, 1, H-1, W]
            v = yv.toArray();
            hz = yh.toArray();
        }
        float[] out = new float[(h - 1) * (w - 1)];
        for (int i = 0; i < h - 1; i++) {
            for (int j = 0; j < w - 1; j++) {
                out[i * (w - 1) + j] = Math.abs(v[i * (w - 1) + j]) + Math.abs(hz[i * w + j]);
            }
        }
        return Tensor.of(out, 1, 1, h - 1, w - 1);
    }

    /**
     * Reads {@code args[0]} (default {@code docs/images/edge-input.png}), writes the edges to {@code args[1]}
     * (default {@code target/edges.png}).
     *
     * @throws IOException if the input cannot be read as an image or the output cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path in = Path.of(args.length > 0 ? args[0] : "docs/images/edge-input.png");
        Path out = Path.of(args.length > 1 ? args[1] : "target/edges.png");
        Backend backend = Backends.auto();
        Tensor x = Images.read(in, Images.Mode.GRAY);
        Tensor e = edges(backend, x);
        Images.write(e, out);
        float[] v = e.toArray();
        int lit = 0;
        for (float f : v) {
            if (f > 0.05f) {
                lit++;
            }
        }
        System.out.printf("%s %dx%d -> %s %dx%d on %s: %.1f%% of the pixels are edges%n", in, x.dim(3), x.dim(2), out,
                e.dim(3), e.dim(2), backend.name(), 100.0 * lit / v.length);
    }
}
