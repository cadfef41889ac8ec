package org.conv4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;

/**
 * The benchmark shapes (float32, NCHW): s1-s8 and p1-p3 (tabled in docs/benchmarks.md; comments cite them by id),
 * and the network layer suite of {@link NetworkLayers} (ids {@code net.NN.nB}).
 */
final class Shapes {
    private Shapes() {
    }

    /**
     * One convolution shape: input [n, cIn, h, w], weight [cOut, cIn / groups, kh, kw], one stride for both axes,
     * padding top / bottom / left / right, one dilation for both axes, groups. {@code net} names the network
     * it comes from ({@code bench} for s1-s8).
     */
    record Conv(String id, String net, int n, int cIn, int h, int w, int cOut, int kh, int kw, int stride, int padT,
            int padB, int padL, int padR, int dil, int groups) {
        /** A dense, undilated shape with symmetric padding (s1-s8). */
        Conv(String id, int n, int cIn, int h, int w, int cOut, int kh, int kw, int stride, int pad) {
            this(id, "bench", n, cIn, h, w, cOut, kh, kw, stride, pad, pad, pad, pad, 1, 1);
        }

        /** Top padding (= left padding for the s1-s8 shapes; symmetric there). */
        int pad() {
            return padT;
        }

        int hOut() {
            return (h + padT + padB - dil * (kh - 1) - 1) / stride + 1;
        }

        int wOut() {
            return (w + padL + padR - dil * (kw - 1) - 1) / stride + 1;
        }

        /** Input channels per group. */
        int cInG() {
            return cIn / groups;
        }

        int[] xShape() {
            return new int[] {n, cIn, h, w};
        }

        int[] wShape() {
            return new int[] {cOut, cInG(), kh, kw};
        }

        int[] yShape() {
            return new int[] {n, cOut, hOut(), wOut()};
        }

        int xSize() {
            return n * cIn * h * w;
        }

        int wSize() {
            return cOut * cInG() * kh * kw;
        }

        int ySize() {
            return n * cOut * hOut() * wOut();
        }

        ConvParams params() {
            return ConvParams.defaults().stride(stride, stride).padding(padT, padB, padL, padR).dilation(dil, dil)
                    .groups(groups);
        }

        /** 2 N C_out H_out W_out (C_in / groups) kH kW, one direction. */
        double flops() {
            return 2.0 * n * cOut * hOut() * wOut() * cInG() * kh * kw;
        }

        /** The layer class the issue's table and the implementation list speak of. */
        String kind() {
            if (groups > 1 && groups == cIn && cOut % groups == 0) {
                return "depthwise " + kh + "x" + kw + " s" + stride + (dil > 1 ? " d" + dil : "");
            }
            if (groups > 1) {
                return "grouped " + kh + "x" + kw + " s" + stride + " (" + cInG() + " ch/group)";
            }
            if (cIn <= 4 && kh * kw > 1) {
                return "few-channel " + kh + "x" + kw + " s" + stride;
            }
            if (kh == 1 && kw == 1) {
                return stride == 1 ? "pointwise" : "pointwise s" + stride;
            }
            String k = "dense " + kh + "x" + kw;
            if (dil > 1) {
                k += " d" + dil;
            }
            if (stride > 1) {
                k += " s" + stride;
            }
            if (padT != padB || padL != padR) {
                k += " asym-pad";
            }
            return k;
        }

        String describe() {
            String pads = padT == padB && padT == padL && padT == padR ? " p" + padT
                    : " p" + padT + "," + padB + "," + padL + "," + padR;
            return n + "x" + cIn + "x" + h + "x" + w + " -> " + cOut + " k" + kh + "x" + kw + " s" + stride + pads
                    + (dil > 1 ? " d" + dil : "") + (groups > 1 ? " g" + groups : "");
        }

        /** Geometry without the id: two layers with the same key are the same benchmark. */
        String key() {
            return describe();
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
        for (Conv c : NetworkLayers.distinct()) {  // every distinct layer may be named; the suite runs a sample
            add(c);
        }
    }

    private static void add(Conv c) {
        CONV.put(c.id(), c);
    }

    /** Ids of s1-s8 (the shapes of /work/shared/bench-shapes.md). */
    static java.util.List<String> benchConv() {
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (Conv c : CONV.values()) {
            if (c.net().equals("bench")) {
                ids.add(c.id());
            }
        }
        return ids;
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

    /** Every shape id of bench-shapes.md, convolutions (s1–s8) then poolings (p1–p3); not the network suite. */
    static java.util.List<String> all() {
        java.util.List<String> all = new java.util.ArrayList<>(benchConv());
        all.addAll(POOL.keySet());
        return all;
    }

    /** A bench knob: the system property, or {@code def} when unset, blank or an unexpanded Maven {@code ${...}}. */
    static String prop(String name, String def) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() || v.startsWith("${") ? def : v.trim();
    }
}
