package example;

import java.util.Arrays;
import org.bytedeco.javacpp.Loader;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.Tensor;

/**
 * Run by ci/platform-test.sh with the class path Maven resolved from conv4j-platform: the cpu backend
 * must load from the classifier jar of this platform and agree with the java backend.
 * Exit status 0 on success, 1 with a message otherwise.
 */
public final class PlatformConsumer {
    public static void main(String[] args) {
        String expected = args[0];
        String platform = Loader.getPlatform();
        if (!platform.equals(expected)) {
            fail("JavaCPP platform is " + platform + ", expected " + expected);
        }
        Backend cpu = Backends.cpu();  // throws BackendUnavailableException with the reason
        // the book's edge detection: a 6x8 image with a black band in columns 2..5, kernel [1, -1]
        float[] pixels = new float[6 * 8];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i % 8 >= 2 && i % 8 < 6) ? 0 : 1;
        }
        Tensor x = Tensor.of(pixels, 1, 1, 6, 8);
        Tensor k = Tensor.of(new float[] {1, -1}, 1, 1, 1, 2);
        float[] got;
        float[] want;
        try (Tensor y = cpu.conv2d(x, k, null, ConvParams.defaults());
             Tensor r = Backends.java().conv2d(x, k, null, ConvParams.defaults())) {
            got = y.toArray();
            want = r.toArray();
        }
        if (!Arrays.equals(got, want)) {
            fail("cpu conv2d " + Arrays.toString(got) + " differs from java " + Arrays.toString(want));
        }
        String natives = String.valueOf(PlatformConsumer.class.getClassLoader()
                .getResource("org/conv4j/cpu/" + platform + "/"));
        if (!natives.startsWith("jar:") || !natives.contains("-" + platform + ".jar!")) {
            fail("the cpu natives did not come from the " + platform + " classifier jar: " + natives);
        }
        System.out.println("platform consumer OK: " + platform + ", cpu backend " + cpu.name()
                + " agrees with java on the book's edge detection, natives from " + natives);
    }

    private static void fail(String message) {
        System.err.println("platform consumer FAILED: " + message);
        System.exit(1);
    }
}
