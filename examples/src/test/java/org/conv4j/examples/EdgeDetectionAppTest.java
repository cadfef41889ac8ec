package org.conv4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import org.conv4j.Backends;
import org.conv4j.Tensor;
import org.conv4j.image.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edge-detection example: the book's band on every backend, and a real PNG in and out. */
class EdgeDetectionAppTest {
    @TempDir
    Path dir;

    @Test
    void edgeDetectionFindsTheEdgesOfTheBooksBand() {
        // the book's 6x8 picture: white with a black band in columns 2..5
        float[] x = new float[48];
        for (int i = 0; i < 48; i++) {
            x[i] = (i % 8 >= 2 && i % 8 < 6) ? 0 : 1;
        }
        for (String b : Backends.available()) {
            float[] e = EdgeDetectionApp.edges(Backends.get(b), Tensor.of(x, 1, 1, 6, 8)).toArray();
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 7; j++) {
                    assertEquals(j == 1 || j == 5 ? 1f : 0f, e[i * 7 + j], 0f, b + " edge map at " + i + "," + j);
                }
            }
        }
    }

    @Test
    void theExampleWritesAPng() throws IOException {
        Path out = dir.resolve("edges.png");
        Path png = Path.of(System.getProperty("conv4j.rootdir", ".."), "docs", "images", "edge-input.png");
        EdgeDetectionApp.main(new String[] {png.toString(), out.toString()});
        Tensor e = Images.read(out, Images.Mode.GRAY);
        assertArrayEquals(new int[] {1, 1, 159, 239}, e.shape());
    }
}
