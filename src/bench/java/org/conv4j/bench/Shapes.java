package org.conv4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;

/** The benchmark shapes s1-s8 and p1-p3 (float32, NCHW), tabled in docs/benchmarks.md; comments cite them by id. */
final class Shapes {
    private Shapes() {
    }

    /** One convolution shape: input [n, cIn, h, w], weight [cOut, cIn, k, k], stride, symmetric pad. */
    record Conv(String id, int n, int cIn, int h, int w, int cOut, int kh, int kw, int stride, int pad) {
        int hOut() {
            return (h + 2 * pad - kh) / stride + 1;
        }

        int wOut() {
            return (w + 2 * pad - kw) / stride + 1;
        }

        ConvParams params() {
            return ConvParams.defaults().stride(stride, stride).padding(pad, pad);
        }

        /** 2 N C_out H_out W_out C_in kH kW, one direction. */
        double flops() {
            return 2.0 * n * cOut * hOut() * wOut() * cIn * kh * kw;
        }

        String describe() {
            return n + "x" + cIn + "x" + h + "x" + w + " -> " + cOut + " k" + kh + "x" + kw + " s" + stride + " p" + pad;
        }
    }

    /** One pooling shape. */
    record Pool(String id, boolean max, int n, int c, int h, int w, int k, int stride, int pad) {
        PoolParams params() {
            return PoolParams.of(k, k).stride(stride, stride).padding(pad, pad);
        }

        int hOut() {
            return (h + 2 * pad - k) / stride + 1;
        }

        int wOut() {
            return (w + 2 * pad - k) / stride + 1;
        }

        String describe() {
            return (max ? "max " : "avg ") + n + "x" + c + "x" + h + "x" + w + " k" + k + " s" + stride + " p" + pad;
        }
    }

    static final Map<String, Conv> CONV = new LinkedHashMap<>();
    static final Map<String, Pool> POOL = new LinkedHashMap<>();

    static {
        add(new Conv("s1", 1, 1, 6, 8, 1, 1, 2, 1, 0));
        add(new Conv("s2", 32, 1, 28, 28, 6, 5, 5, 1, 2));
        add(new Conv("s3", 32, 6, 14, 14, 16, 5, 5, 1, 0));
        add(new Conv("s4", 8, 64, 56, 56, 64, 3, 3, 1, 1));
        add(new Conv("s5", 8, 256, 56, 56, 64, 1, 1, 1, 0));
        add(new Conv("s6", 8, 128, 28, 28, 128, 3, 3, 1, 1));
        add(new Conv("s7", 1, 3, 224, 224, 64, 7, 7, 2, 3));
        add(new Conv("s8", 8, 512, 7, 7, 512, 3, 3, 1, 1));
        add(new Pool("p1", true, 32, 6, 28, 28, 2, 2, 0));
        add(new Pool("p2", true, 8, 64, 112, 112, 3, 2, 1));
        add(new Pool("p3", false, 8, 64, 56, 56, 2, 2, 0));
    }

    private static void add(Conv c) {
        CONV.put(c.id(), c);
    }

    private static void add(Pool p) {
        POOL.put(p.id(), p);
    }

    static float[] random(long seed, int size) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** Every shape id, convolutions (s1–s8) then poolings (p1–p3). */
    static java.util.List<String> all() {
        java.util.List<String> all = new java.util.ArrayList<>(CONV.keySet());
        all.addAll(POOL.keySet());
        return all;
    }

    /** A bench knob: the system property, or {@code def} when unset, blank or an unexpanded Maven {@code ${...}}. */
    static String prop(String name, String def) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() || v.startsWith("${") ? def : v.trim();
    }
}
