package com.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.Tensor;
import org.junit.jupiter.api.Test;

/** Runs against the installed jars: conv4j main + its platform classifier jar from the local repository. */
class ConsumerTest {

    @Test
    void conv2dOnTheCpuBackendFromTheInstalledJars() throws Exception {
        String platform = System.getProperty("expected.platform");
        // the natives come from the classifier jar in the repository, not from a build folder
        URL lib = Class.forName("org.conv4j.cpu.CpuBackend").getResource(platform + "/" + System.mapLibraryName("jniCpuNative"));
        assertNotNull(lib, "the jniCpuNative library for " + platform + " is not on the class path");
        assertTrue(lib.toString().startsWith("jar:file:") && lib.toString().contains("conv4j-")
                && lib.toString().contains("-" + platform + ".jar!"), "natives loaded from " + lib);
        String cp = System.getProperty("java.class.path");
        assertFalse(cp.contains("native-stage") || cp.contains("cpunative/target/classes"), cp);

        Backend cpu = Backends.cpu();
        assertEquals("cpu", cpu.name());
        // large enough to run natively (not routed to java as a small problem)
        int n = 2, c = 3, h = 20, w = 20;
        float[] xs = new float[n * c * h * w];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (i % 7) - 3;
        }
        float[] ws = new float[4 * c * 3 * 3];
        for (int i = 0; i < ws.length; i++) {
            ws[i] = (i % 5) - 2;
        }
        Tensor x = Tensor.of(xs, n, c, h, w), k = Tensor.of(ws, 4, c, 3, 3);
        ConvParams p = ConvParams.defaults().padding(1, 1);
        try (Tensor y = cpu.conv2d(x, k, null, p)) {
            assertEquals("native", y.location());
            assertArrayEquals(Backends.java().conv2d(x, k, null, p).toArray(), y.toArray(), 1e-4f);
        }
        // the textbook's edge detector, small: routed to the java kernels, same answer
        Tensor img = Tensor.of(new float[] {1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1}, 1, 1, 2, 8);
        Tensor edge = Tensor.of(new float[] {1, -1}, 1, 1, 1, 2);
        assertArrayEquals(new float[] {0, 1, 0, 0, 0, -1, 0, 0, 1, 0, 0, 0, -1, 0},
                cpu.conv2d(img, edge, null, ConvParams.defaults()).toArray());
        System.out.println("consumer: cpu backend loaded natives from " + lib);
    }
}
