package org.conv4j.cpu;

import org.conv4j.BackendUnavailableException;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.Tensor;

/** Child-JVM part of {@link FallbackTest}: prints what auto() and cpu() do in this JVM. */
public final class FallbackProbe {
    private FallbackProbe() {
    }

    public static void main(String[] args) {
        System.out.println("auto=" + Backends.auto().name());
        Tensor y = Backends.auto().conv2d(Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2),
                Tensor.of(new float[] {1}, 1, 1, 1, 1), null, ConvParams.defaults());
        System.out.println("auto conv2d=" + java.util.Arrays.toString(y.toArray()));
        try {
            Backends.cpu();
            System.out.println("cpu=available");
        } catch (BackendUnavailableException e) {
            System.out.println("cpu threw BackendUnavailableException: " + e.getMessage());
        }
        System.out.println("cpu reason=" + Backends.unavailableReason("cpu"));
    }
}
