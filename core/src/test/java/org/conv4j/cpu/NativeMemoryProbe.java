package org.conv4j.cpu;

import org.bytedeco.javacpp.Pointer;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;

/**
 * Child-JVM part of {@link NativeMemoryTest}: 100,000 small native operations, half of the results
 * closed and half dropped, no System.gc() in the loop. Prints the baseline and peak of JavaCPP's live
 * native bytes and of the resident set size.
 */
public final class NativeMemoryProbe {
    private NativeMemoryProbe() {
    }

    public static void main(String[] args) {
        CpuBackend cpu = CpuBackend.create(true); // no routing: every result is native
        Tensor x = CpuTestSupport.random(new java.util.Random(1), 1, 2, 8, 8);
        Tensor w = CpuTestSupport.random(new java.util.Random(2), 3, 2, 3, 3);
        ConvParams cp = ConvParams.defaults().padding(1, 1);
        PoolParams pp = PoolParams.of(2, 2);
        for (int i = 0; i < 5_000; i++) {
            cpu.conv2d(x, w, null, cp).close();
        }
        long bytes0 = Pointer.totalBytes(), rss0 = Pointer.physicalBytes();
        long peakBytes = bytes0, peakRss = rss0;
        for (int i = 0; i < 100_000; i++) {
            Tensor y = cpu.conv2d(x, w, null, cp);   // 384 bytes of native memory
            Tensor p = cpu.maxPool2d(y, pp);          // native input used in place; 96 bytes
            if (i % 2 == 0) {
                p.close();
                y.close();
                y.close();                            // idempotent
            }                                         // odd i: dropped, freed once unreachable
            if (i % 500 == 0) {
                peakBytes = Math.max(peakBytes, Pointer.totalBytes());
                peakRss = Math.max(peakRss, Pointer.physicalBytes());
            }
        }
        System.out.println("baselineBytes=" + bytes0 + " peakBytes=" + peakBytes + " baselineRss=" + rss0
                + " peakRss=" + peakRss);
    }
}
