package org.conv4j.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.conv4j.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesTest {
    @TempDir
    Path dir;

    @Test
    void rgbRoundTripsExactlyThroughAPng() throws IOException {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        int[] colours = {0xff0000, 0x00ff00, 0x0000ff, 0x123456, 0xffffff, 0x000000};
        for (int i = 0; i < 6; i++) {
            img.setRGB(i % 3, i / 3, colours[i]);
        }
        Tensor t = Images.toTensor(img, Images.Mode.RGB);
        assertArrayEquals(new int[] {1, 3, 2, 3}, t.shape());
        float[] v = t.toArray();
        assertEquals(1f, v[0], 0f);                 // R of pixel 0
        assertEquals(0x12 / 255f, v[3], 0f);        // R of pixel (0, 1)
        assertEquals(0x34 / 255f, v[6 + 3], 0f);    // G of pixel (0, 1)
        assertEquals(0x56 / 255f, v[12 + 3], 0f);   // B of pixel (0, 1)
        Path f = dir.resolve("rgb.png");
        Images.write(t, f);
        assertArrayEquals(v, Images.read(f, Images.Mode.RGB).toArray());
    }

    @Test
    void grayIsLumaAndGrayFilesKeepTheirSamples() throws IOException {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xff0000);
        img.setRGB(1, 0, 0x808080);
        float[] g = Images.toTensor(img, Images.Mode.GRAY).toArray();
        assertEquals(0.299, g[0], 1e-6);
        assertEquals(128 / 255.0, g[1], 1e-6);
        float[] ramp = new float[256];
        for (int i = 0; i < 256; i++) {
            ramp[i] = i / 255f;
        }
        Path f = dir.resolve("gray.png");
        Images.write(Tensor.of(ramp, 1, 1, 16, 16), f);
        assertArrayEquals(ramp, Images.read(f, Images.Mode.GRAY).toArray());
    }

    @Test
    void valuesAreClampedAndBadShapesNamed() {
        BufferedImage img = Images.toImage(Tensor.of(new float[] {-3f, 2f, Float.NaN, 0.5f}, 1, 2, 2));
        assertEquals(0, img.getRaster().getSample(0, 0, 0));
        assertEquals(255, img.getRaster().getSample(1, 0, 0));
        assertEquals(0, img.getRaster().getSample(0, 1, 0));
        assertEquals(128, img.getRaster().getSample(1, 1, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Images.toImage(Tensor.zeros(2, 2, 4, 4)));
        assertTrue(e.getMessage().contains("[2, 2, 4, 4]"), e.getMessage());
        assertThrows(IOException.class, () -> Images.read(Files.writeString(dir.resolve("x.png"), "no"), Images.Mode.GRAY));
    }
}
