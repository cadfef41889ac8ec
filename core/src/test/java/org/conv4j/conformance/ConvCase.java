package org.conv4j.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.conv4j.ConvParams;

/**
 * One convolution test case: shapes, parameters and a seed from which its data are drawn. With
 * {@code integer} data (small integers) every partial sum is exact in float32, so results must match the
 * reference exactly; otherwise values are uniform in [-1, 1).
 */
record ConvCase(String label, long seed, int[] xShape, int[] wShape, ConvParams params, boolean bias,
                boolean integer) {

    int[] yShape() {
        return new int[] {xShape[0], wShape[0],
            NaiveReference.convOutSize(xShape[2], wShape[2], params.strideH(), params.padTop(), params.padBottom(),
                    params.dilationH()),
            NaiveReference.convOutSize(xShape[3], wShape[3], params.strideW(), params.padLeft(), params.padRight(),
                    params.dilationW())};
    }

    /** The data of this case, always the same for the same seed: x, w, bias (or null), dy. */
    float[][] data() {
        Random r = new Random(seed);
        return new float[][] {values(r, xShape), values(r, wShape), bias ? values(r, new int[] {wShape[0]}) : null,
            values(r, yShape())};
    }

    private float[] values(Random r, int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = integer ? r.nextInt(7) - 3 : r.nextFloat() * 2 - 1;
        }
        return v;
    }

    @Override
    public String toString() {
        return label + " x" + Arrays.toString(xShape) + " w" + Arrays.toString(wShape) + " stride " + params.strideH()
                + "x" + params.strideW() + " pad " + params.padTop() + "," + params.padBottom() + "," + params.padLeft()
                + "," + params.padRight() + " dil " + params.dilationH() + "x" + params.dilationW() + " g "
                + params.groups() + (bias ? " +bias" : "") + (integer ? " int" : " float");
    }

    /** Number of seeded random cases (besides the fixed ones); {@code -Dconv4j.test.randomCases} lowers it. */
    static final int RANDOM_COUNT = Conformance.randomCases(300);

    /**
     * The case list: fixed cases (1x1 stride-1 unpadded fast path, shapes large enough for blocked and
     * threaded code, depthwise, dilated) followed by {@link #RANDOM_COUNT} seeded random ones.
     */
    static List<ConvCase> all() {
        List<ConvCase> cases = new ArrayList<>();
        ConvParams d = ConvParams.defaults();
        cases.add(new ConvCase("1x1", 11, new int[] {1, 3, 3, 3}, new int[] {2, 3, 1, 1}, d, false, false));
        cases.add(new ConvCase("1x1", 12, new int[] {2, 16, 7, 5}, new int[] {8, 16, 1, 1}, d, true, false));
        cases.add(new ConvCase("1x1", 13, new int[] {2, 8, 6, 6}, new int[] {12, 4, 1, 1}, d.groups(2), true, true));
        cases.add(new ConvCase("1x1 big", 14, new int[] {2, 64, 28, 28}, new int[] {64, 64, 1, 1}, d, true, false));
        cases.add(new ConvCase("1x1 strided", 15, new int[] {1, 16, 9, 9}, new int[] {8, 16, 1, 1},
                d.stride(2, 2), false, true));
        cases.add(new ConvCase("1x1 padded", 16, new int[] {1, 8, 5, 5}, new int[] {4, 8, 1, 1},
                d.padding(1, 1), true, false));
        cases.add(new ConvCase("big 3x3", 21, new int[] {1, 64, 28, 28}, new int[] {64, 64, 3, 3},
                d.padding(1, 1), true, false));
        cases.add(new ConvCase("big 3x3 int", 22, new int[] {2, 32, 28, 28}, new int[] {64, 32, 3, 3},
                d.padding(1, 1).stride(2, 2), true, true));
        cases.add(new ConvCase("big depthwise", 23, new int[] {2, 64, 28, 28}, new int[] {64, 1, 3, 3},
                d.padding(1, 1).groups(64), true, false));
        cases.add(new ConvCase("big grouped dilated", 24, new int[] {1, 64, 14, 14}, new int[] {32, 16, 5, 5},
                d.padding(4, 4).dilation(2, 2).groups(4), false, false));
        cases.add(new ConvCase("stem 7x7", 25, new int[] {1, 3, 31, 29}, new int[] {16, 3, 7, 7},
                d.stride(2, 2).padding(3, 3), true, false));
        cases.add(new ConvCase("depthwise x2", 26, new int[] {2, 6, 9, 8}, new int[] {12, 1, 3, 3},
                d.groups(6).padding(1, 0, 2, 1), true, true));
        cases.add(new ConvCase("kernel = input", 27, new int[] {3, 4, 5, 6}, new int[] {5, 4, 5, 6}, d, true, false));
        cases.add(new ConvCase("huge padding", 28, new int[] {1, 2, 2, 3}, new int[] {3, 2, 2, 2},
                d.padding(4, 1, 0, 5), true, true));
        cases.add(new ConvCase("batch 8", 29, new int[] {8, 3, 12, 12}, new int[] {8, 3, 3, 3},
                d.padding(1, 1), true, false));
        cases.add(new ConvCase("one plane 64x64", 30, new int[] {1, 1, 64, 64}, new int[] {1, 1, 3, 3},
                d, true, true));
        cases.add(new ConvCase("wide 1x7", 31, new int[] {1, 8, 5, 40}, new int[] {8, 8, 1, 7},
                d.padding(0, 3).stride(1, 2), false, false));
        Random r = new Random(20261122L);
        for (int i = 0; i < RANDOM_COUNT; i++) {
            cases.add(random("random#" + i, r));
        }
        return cases;
    }

    private static ConvCase random(String label, Random r) {
        int groups;
        int cig;
        int cog;
        double kind = r.nextDouble();
        if (kind < 0.5) {
            groups = 1;
            cig = 1 + r.nextInt(5);
            cog = 1 + r.nextInt(5);
        } else if (kind < 0.75) {
            groups = 2 + r.nextInt(2);
            cig = 1 + r.nextInt(3);
            cog = 1 + r.nextInt(3);
        } else {
            groups = 1 + r.nextInt(6); // depthwise, channel multiplier 1 or 2
            cig = 1;
            cog = 1 + r.nextInt(2);
        }
        int kh = 1 + r.nextInt(5);
        int kw = r.nextDouble() < 0.3 ? kh : 1 + r.nextInt(5);
        int dh = r.nextDouble() < 0.7 ? 1 : 2 + r.nextInt(2);
        int dw = r.nextDouble() < 0.7 ? 1 : 2 + r.nextInt(2);
        int sh = 1 + r.nextInt(3);
        int sw = r.nextDouble() < 0.5 ? sh : 1 + r.nextInt(3);
        int effH = dh * (kh - 1) + 1;
        int effW = dw * (kw - 1) + 1;
        int pt = 0, pb = 0, pl = 0, pr = 0;
        double pad = r.nextDouble();
        if (pad < 0.35) {
            pt = pb = r.nextInt(effH + 1);
            pl = pr = r.nextInt(effW + 1);
        } else if (pad < 0.7) {
            pt = r.nextInt(effH + 1);
            pb = r.nextInt(effH + 1);
            pl = r.nextInt(effW + 1);
            pr = r.nextInt(effW + 1);
        }
        int h = Math.max(1, effH - pt - pb) + r.nextInt(8);
        int w = Math.max(1, effW - pl - pr) + r.nextInt(8);
        int n = 1 + r.nextInt(3);
        ConvParams p = ConvParams.defaults().stride(sh, sw).padding(pt, pb, pl, pr).dilation(dh, dw).groups(groups);
        return new ConvCase(label, r.nextLong(), new int[] {n, groups * cig, h, w},
                new int[] {groups * cog, cig, kh, kw}, p, r.nextBoolean(), r.nextDouble() < 0.4);
    }
}
