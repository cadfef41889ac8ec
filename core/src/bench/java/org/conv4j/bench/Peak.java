package org.conv4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The practical FMA peak of this machine for the benchmark's thread count: OpenBLAS {@code sgemm} on 1024^3
 * single-precision matrices, one single-threaded call per thread at once (each thread its own matrices), best of
 * a few rounds. OpenBLAS's sgemm runs within a few percent of the FMA units' limit on large square products, so
 * this is the reference the tables' "% of peak" column divides by; it is the peak of the kernels OpenBLAS chose
 * here (with {@code -Dconv4j.cpu.openblasCore=Haswell} the AVX2 peak).
 */
final class Peak {
    private static final int DIM = 1024;

    private Peak() {
    }

    /** GFLOP/s of {@code threads} concurrent single-threaded sgemm calls; the cpu backend must be loaded. */
    static double sgemmGflops(int threads) throws InterruptedException {
        // The cpu backend keeps OpenBLAS single-threaded (it parallelises itself); make sure, for this measurement.
        openblas_nolapack.blas_set_num_threads(1);
        double best = 0;
        for (int round = 0; round < 4; round++) {
            List<Thread> ts = new ArrayList<>();
            final FloatPointer[][] m = new FloatPointer[threads][3];
            for (int t = 0; t < threads; t++) {
                for (int k = 0; k < 3; k++) {
                    m[t][k] = new FloatPointer((long) DIM * DIM);
                    for (long i = 0; i < (long) DIM * DIM; i++) {
                        m[t][k].put(i, (float) ((i * 31 + k) % 17) / 17f);
                    }
                }
            }
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                final int id = t;
                Thread th = new Thread(() -> {
                    for (int rep = 0; rep < 3; rep++) {
                        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                                openblas_nolapack.CblasNoTrans, DIM, DIM, DIM, 1f, m[id][0], DIM, m[id][1], DIM, 0f,
                                m[id][2], DIM);
                    }
                });
                ts.add(th);
                th.start();
            }
            for (Thread th : ts) {
                th.join();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, threads * 3 * 2.0 * DIM * DIM * DIM / s / 1e9);
            for (FloatPointer[] row : m) {
                for (FloatPointer p : row) {
                    p.close();
                }
            }
        }
        return best;
    }

    static String describe(int threads, double gflops) {
        return String.format(Locale.ROOT, "%.0f GFLOP/s (practical FMA peak: OpenBLAS sgemm %d^3, %d concurrent "
                + "single-threaded calls, best of 4 rounds)", gflops, DIM, threads);
    }
}
