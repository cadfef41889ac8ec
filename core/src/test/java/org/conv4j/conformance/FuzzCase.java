package org.conv4j.conformance;

import java.util.Arrays;
import java.util.Random;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;

/**
 * One case of the differential fuzz suite, a pure function of (suite seed, case number): either a
 * convolution (all four convolution operations) or a pooling (all four pooling operations), its geometry
 * and its {@link FuzzData} mode. Geometries are ordinary random ones or extreme-but-valid ones: strides
 * and dilations up to {@code Integer.MAX_VALUE}, padding near a billion, windows larger than the input,
 * 1x1 images, depthwise and grouped convolutions, asymmetric padding, ceil mode.
 *
 * @param number    the case number (what {@code -Dconv4j.fuzz.case} selects)
 * @param seed      the seed of this case's data
 * @param geometry  which generator made the shapes ({@code "random"}, {@code "huge stride"}, ...)
 * @param conv      true for a convolution case, false for pooling
 * @param wShape    the weight shape (convolution only)
 * @param cp        convolution parameters (convolution only)
 * @param pp        pooling parameters (pooling only)
 * @param bias      whether the forward convolution gets a bias
 */
record FuzzCase(int number, long seed, String geometry, boolean conv, int[] xShape, int[] wShape, ConvParams cp,
                PoolParams pp, boolean bias, FuzzData data) {

    /** The case {@code number} of the suite with seed {@code suiteSeed}. */
    static FuzzCase of(long suiteSeed, int number) {
        Random r = new Random(mix(suiteSeed, number));
        FuzzData data = FuzzData.values()[r.nextInt(FuzzData.values().length)];
        long dataSeed = r.nextLong();
        return r.nextInt(3) < 2 ? conv(r, number, dataSeed, data) : pool(r, number, dataSeed, data);
    }

    /** SplitMix64 of the suite seed and the case number: neighbouring cases get unrelated streams. */
    private static long mix(long seed, int number) {
        long z = seed + 0x9E3779B97F4A7C15L * (number + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static FuzzCase conv(Random r, int number, long dataSeed, FuzzData data) {
        int groups;
        int cig;
        int cog;
        double g = r.nextDouble();
        if (g < 0.5) {
            groups = 1;
            cig = 1 + r.nextInt(r.nextInt(4) == 0 ? 24 : 6); // sometimes 16+ channels: Winograd's territory
            cog = 1 + r.nextInt(r.nextInt(4) == 0 ? 24 : 6);
        } else if (g < 0.75) {
            groups = 2 + r.nextInt(3);
            cig = 1 + r.nextInt(4);
            cog = 1 + r.nextInt(4);
        } else {
            groups = 1 + r.nextInt(8); // depthwise, channel multiplier 1 to 3
            cig = 1;
            cog = 1 + r.nextInt(3);
        }
        int n = 1 + r.nextInt(3);
        int kind = r.nextInt(10);
        int[] h;
        int[] w;
        String geometry;
        switch (kind) {
            case 0:
                geometry = "huge stride";
                h = hugeStrideAxis(r);
                w = r.nextBoolean() ? hugeStrideAxis(r) : ordinaryAxis(r);
                break;
            case 1:
                geometry = "huge dilation";
                h = hugeDilationAxis(r);
                w = r.nextBoolean() ? hugeDilationAxis(r) : ordinaryAxis(r);
                break;
            case 2:
                geometry = "window > input";
                h = biggerWindowAxis(r);
                w = biggerWindowAxis(r);
                break;
            case 3:
                geometry = "1x1 image";
                h = oneByOneAxis(r);
                w = oneByOneAxis(r);
                break;
            case 4:
                geometry = "3x3 stride 1";
                h = new int[] {3 + r.nextInt(12), 3, 1, 1, r.nextInt(2), r.nextInt(2)};
                w = new int[] {3 + r.nextInt(12), 3, 1, 1, r.nextInt(2), r.nextInt(2)};
                break;
            default:
                geometry = "random";
                h = ordinaryAxis(r);
                w = r.nextInt(3) == 0 ? h.clone() : ordinaryAxis(r);
        }
        // axis = {input, kernel, stride, dilation, padBefore, padAfter}
        ConvParams p = ConvParams.defaults().stride(h[2], w[2]).dilation(h[3], w[3]).padding(h[4], h[5], w[4], w[5])
                .groups(groups);
        return new FuzzCase(number, dataSeed, geometry, true, new int[] {n, groups * cig, h[0], w[0]},
                new int[] {groups * cog, cig, h[1], w[1]}, p, null, r.nextBoolean(), data);
    }

    /** {input, kernel, stride, dilation, padBefore, padAfter} of an ordinary random axis. */
    private static int[] ordinaryAxis(Random r) {
        int k = 1 + r.nextInt(5);
        int d = r.nextInt(4) == 0 ? 2 + r.nextInt(2) : 1;
        int s = 1 + r.nextInt(3);
        int eff = d * (k - 1) + 1;
        int before = r.nextInt(2) == 0 ? 0 : r.nextInt(eff + 1);
        int after = r.nextInt(2) == 0 ? before : r.nextInt(eff + 1);
        int in = Math.max(1, eff - before - after) + r.nextInt(9);
        return new int[] {in, k, s, d, before, after};
    }

    /** A stride of 2^28 up to Integer.MAX_VALUE: one or two windows, index arithmetic near overflow. */
    private static int[] hugeStrideAxis(Random r) {
        int s = r.nextBoolean() ? Integer.MAX_VALUE : (1 << 28) + r.nextInt(Integer.MAX_VALUE - (1 << 28));
        int k = 1 + r.nextInt(3);
        int in = k + r.nextInt(6);
        int before = r.nextInt(k);
        return new int[] {in, k, s, 1, before, r.nextInt(k)};
    }

    /**
     * A dilation of 2^20 up to 2^30 (Integer.MAX_VALUE for a 1-tap kernel), with padding near a billion so
     * that the dilated kernel still fits: most taps land in the padding.
     */
    private static int[] hugeDilationAxis(Random r) {
        int k = 1 + r.nextInt(3);
        if (k == 1) {
            return new int[] {1 + r.nextInt(5), 1, 1 + r.nextInt(2), Integer.MAX_VALUE, 0, 0};
        }
        int d = (1 << 20) + r.nextInt((1 << 30) / (k - 1) - (1 << 20));
        long span = (long) d * (k - 1) + 1;
        int in = 1 + r.nextInt(4);
        long pad = span - in + r.nextInt(4); // leaves 1 to 4 + ... output positions
        long before = pad <= 0 ? 0 : (long) (r.nextDouble() * pad);
        long after = Math.max(0, pad - before);
        int s = r.nextInt(3) == 0 ? Integer.MAX_VALUE : 1 + r.nextInt(2);
        return new int[] {in, k, s, d, (int) before, (int) after};
    }

    /** A kernel larger than the input, made valid by padding (up to twice the kernel). */
    private static int[] biggerWindowAxis(Random r) {
        int in = 1 + r.nextInt(3);
        int k = in + 1 + r.nextInt(4);
        int before = r.nextInt(k + 1);
        int after = Math.max(0, k - in - before) + r.nextInt(3);
        return new int[] {in, k, 1 + r.nextInt(3), 1, before, after};
    }

    /** A one-pixel axis: 1x1 kernel, or a 3-tap kernel with padding 1 on both sides. */
    private static int[] oneByOneAxis(Random r) {
        return r.nextBoolean() ? new int[] {1, 1, 1 + r.nextInt(2), 1, 0, 0} : new int[] {1, 3, 1, 1, 1, 1};
    }

    private static FuzzCase pool(Random r, int number, long dataSeed, FuzzData data) {
        int kind = r.nextInt(8);
        int[] h;
        int[] w;
        String geometry;
        switch (kind) {
            case 0:
                geometry = "huge stride";
                h = poolAxis(r, r.nextBoolean() ? Integer.MAX_VALUE : (1 << 28) + r.nextInt(1 << 30));
                w = poolAxis(r, r.nextBoolean() ? Integer.MAX_VALUE : 1 + r.nextInt(3));
                break;
            case 1:
                geometry = "window > input";
                h = poolBiggerWindowAxis(r);
                w = poolBiggerWindowAxis(r);
                break;
            case 2:
                geometry = "1x1 image";
                h = new int[] {1, 1 + 2 * r.nextInt(2), 1 + r.nextInt(3), 0};
                h[3] = h[1] / 2;
                w = new int[] {1, 1, 1 + r.nextInt(3), 0};
                break;
            default:
                geometry = "random";
                h = poolAxis(r, 1 + r.nextInt(4));
                w = r.nextInt(3) == 0 ? h.clone() : poolAxis(r, 1 + r.nextInt(4));
        }
        // axis = {input, kernel, stride, pad}
        PoolParams p = PoolParams.of(h[1], w[1]).stride(h[2], w[2]).padding(h[3], w[3]).ceilMode(r.nextBoolean())
                .countIncludePad(r.nextBoolean());
        int[] xs = {1 + r.nextInt(2), 1 + r.nextInt(5), h[0], w[0]};
        return new FuzzCase(number, dataSeed, geometry, false, xs, null, null, p, false, data);
    }

    /** {input, kernel, stride, pad} of a random pooling axis with this stride; pad at most half the window. */
    private static int[] poolAxis(Random r, int stride) {
        int k = 1 + r.nextInt(5);
        int pad = r.nextBoolean() ? 0 : r.nextInt(k / 2 + 1);
        int in = Math.max(1, k - 2 * pad) + r.nextInt(9);
        return new int[] {in, k, stride, pad};
    }

    /** A window larger than the input with the most padding the API allows (half the window). */
    private static int[] poolBiggerWindowAxis(Random r) {
        int in = 1 + r.nextInt(3);
        int k = in + 1 + r.nextInt(in + 1);
        int pad = k / 2;
        if (k > in + 2 * pad) {
            k = in + 2 * pad;
        }
        return new int[] {in, k, 1 + r.nextInt(3), pad};
    }

    int[] yShape() {
        if (!conv) {
            return NaiveReference.poolOutShape(xShape, pp);
        }
        return new int[] {xShape[0], wShape[0],
            NaiveReference.convOutSize(xShape[2], wShape[2], cp.strideH(), cp.padTop(), cp.padBottom(), cp.dilationH()),
            NaiveReference.convOutSize(xShape[3], wShape[3], cp.strideW(), cp.padLeft(), cp.padRight(), cp.dilationW())};
    }

    /** The operands, always the same for the same case: x, w (or null), bias (or null), dy. */
    float[][] operands() {
        Random r = new Random(seed);
        float[] x = data.fill(r, count(xShape));
        float[] w = conv ? data.fill(r, count(wShape)) : null;
        float[] b = conv && bias ? data.fill(r, wShape[0]) : null;
        float[] dy = data.fill(r, count(yShape()));
        return new float[][] {x, w, b, dy};
    }

    static int count(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        String shapes;
        if (conv) {
            shapes = "conv x" + Arrays.toString(xShape) + " w" + Arrays.toString(wShape) + " stride " + cp.strideH()
                    + "x" + cp.strideW() + " pad " + cp.padTop() + "," + cp.padBottom() + "," + cp.padLeft() + ","
                    + cp.padRight() + " dil " + cp.dilationH() + "x" + cp.dilationW() + " g " + cp.groups()
                    + (bias ? " +bias" : "");
        } else {
            shapes = "pool x" + Arrays.toString(xShape) + " window " + pp.kernelH() + "x" + pp.kernelW() + " stride "
                    + pp.strideH() + "x" + pp.strideW() + " pad " + pp.padH() + "x" + pp.padW()
                    + (pp.ceilMode() ? " ceil" : "") + (pp.countIncludePad() ? "" : " excl-pad");
        }
        return "case " + number + " [" + geometry + ", " + data + "] " + shapes;
    }
}
