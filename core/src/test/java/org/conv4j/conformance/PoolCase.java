package org.conv4j.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.conv4j.PoolParams;

/**
 * One pooling test case. {@code integer} data are small integers in [-2, 2], so windows are full of ties
 * (max-pool backward must pick the first maximum in row-major order) and all-negative windows next to
 * padding check that padded cells never win. {@code dy} is always small integers, so max-pool results
 * are compared exactly.
 */
record PoolCase(String label, long seed, int[] xShape, PoolParams params, boolean integer) {

    int[] yShape() {
        return NaiveReference.poolOutShape(xShape, params);
    }

    /** x and dy, always the same for the same seed. */
    float[][] data() {
        Random r = new Random(seed);
        float[] x = new float[count(xShape)];
        for (int i = 0; i < x.length; i++) {
            x[i] = integer ? r.nextInt(5) - 2 : r.nextFloat() * 2 - 1;
        }
        float[] dy = new float[count(yShape())];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = r.nextInt(7) - 3;
        }
        return new float[][] {x, dy};
    }

    private static int count(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        return label + " x" + Arrays.toString(xShape) + " window " + params.kernelH() + "x" + params.kernelW()
                + " stride " + params.strideH() + "x" + params.strideW() + " pad " + params.padH() + "x"
                + params.padW() + (params.ceilMode() ? " ceil" : "") + (params.countIncludePad() ? "" : " excl-pad")
                + (integer ? " int" : " float");
    }

    /** Number of seeded random cases (besides the fixed ones); {@code -Dconv4j.test.randomCases} lowers it. */
    static final int RANDOM_COUNT = Conformance.randomCases(250);

    /** Fixed cases (ceil-mode window dropping, large shapes) followed by {@link #RANDOM_COUNT} random ones. */
    static List<PoolCase> all() {
        List<PoolCase> cases = new ArrayList<>();
        // ceil mode: 5 + 2*1 - 2 = 5, ceil(5/2) + 1 = 4 windows, but the 4th starts at 6 - 1 = 5, inside the padding
        cases.add(new PoolCase("ceil drops last", 1, new int[] {1, 2, 5, 5},
                PoolParams.of(2, 2).stride(2, 2).padding(1, 1).ceilMode(true), true));
        cases.add(new PoolCase("ceil keeps overhang", 2, new int[] {1, 2, 6, 7},
                PoolParams.of(3, 3).stride(2, 2).ceilMode(true), true));
        cases.add(new PoolCase("ceil excl-pad", 3, new int[] {2, 3, 7, 6},
                PoolParams.of(3, 2).stride(2, 2).padding(1, 1).ceilMode(true).countIncludePad(false), false));
        cases.add(new PoolCase("stride > window", 4, new int[] {1, 2, 9, 10},
                PoolParams.of(2, 2).stride(3, 4), true));
        cases.add(new PoolCase("window = input", 5, new int[] {2, 3, 4, 5}, PoolParams.of(4, 5), true));
        cases.add(new PoolCase("1x1", 6, new int[] {1, 2, 3, 4}, PoolParams.of(1, 1), false));
        cases.add(new PoolCase("big 3x3/2", 7, new int[] {2, 64, 28, 28},
                PoolParams.of(3, 3).stride(2, 2).padding(1, 1), false));
        cases.add(new PoolCase("big 2x2", 8, new int[] {1, 64, 28, 28}, PoolParams.of(2, 2), true));
        cases.add(new PoolCase("big ceil excl-pad", 9, new int[] {1, 16, 27, 27},
                PoolParams.of(3, 3).stride(2, 2).padding(1, 1).ceilMode(true).countIncludePad(false), true));
        Random r = new Random(1122L);
        for (int i = 0; i < RANDOM_COUNT; i++) {
            cases.add(random("random#" + i, r));
        }
        return cases;
    }

    private static PoolCase random(String label, Random r) {
        int kh = r.nextDouble() < 0.1 ? 5 : 1 + r.nextInt(4);
        int kw = r.nextDouble() < 0.4 ? kh : 1 + r.nextInt(4);
        PoolParams p = PoolParams.of(kh, kw);
        if (r.nextDouble() < 0.7) {
            p = p.stride(1 + r.nextInt(3), 1 + r.nextInt(3));
        }
        int ph = 0, pw = 0;
        if (r.nextDouble() < 0.7) {
            ph = r.nextInt(kh / 2 + 1);
            pw = r.nextInt(kw / 2 + 1);
        }
        p = p.padding(ph, pw).ceilMode(r.nextBoolean()).countIncludePad(r.nextBoolean());
        int h = Math.max(1, kh - 2 * ph) + r.nextInt(8);
        int w = Math.max(1, kw - 2 * pw) + r.nextInt(8);
        int[] xs = {1 + r.nextInt(2), 1 + r.nextInt(4), h, w};
        return new PoolCase(label, r.nextLong(), xs, p, r.nextDouble() < 0.5);
    }
}
