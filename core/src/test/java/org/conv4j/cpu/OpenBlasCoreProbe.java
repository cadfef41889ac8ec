package org.conv4j.cpu;

import java.util.Arrays;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.Tensor;

/**
 * Child-JVM main of {@link OpenBlasCoreTest}: prints the OpenBLAS core the cpu backend got and checks one
 * GEMM-sized convolution against the java backend (the chosen kernels must compute the same thing).
 */
public final class OpenBlasCoreProbe {
    private OpenBlasCoreProbe() {
    }

    public static void main(String[] args) {
        System.out.println("core=" + CpuBackend.openBlasCore());
        java.util.Random r = new java.util.Random(7);
        float[] x = new float[2 * 32 * 20 * 20];
        float[] w = new float[48 * 32 * 3 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(9) - 4;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextInt(5) - 2;
        }
        Tensor xt = Tensor.of(x, 2, 32, 20, 20);
        Tensor wt = Tensor.of(w, 48, 32, 3, 3);
        ConvParams p = ConvParams.defaults().padding(1, 1);
        float[] cpu;
        try (Tensor y = CpuBackend.create(true).conv2d(xt, wt, null, p)) {
            cpu = y.toArray();
        }
        float[] ref = Backends.java().conv2d(xt, wt, null, p).toArray();
        // small integers: every partial sum is exact in float32, so any summation order agrees exactly
        System.out.println("matches java: " + Arrays.equals(cpu, ref));
    }
}
