package org.conv4j.demo;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.Conv4j;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;

/**
 * Walks the CNN chapter of <i>Dive into Deep Learning</i> with conv4j: every output the book prints is
 * recomputed on every backend that works here and checked (✓ / ✗) against the book and the other
 * backends; then the edge kernel is learned by gradient descent, and one convolution is timed per backend.
 *
 * <p>Run it with {@code mvn -q process-classes exec:java}. Arguments: {@code --quick} times fewer and smaller
 * runs (used by the tests). Takes about 10 to 20 seconds on 2 cores with the plain java backend.
 */
public final class Demo {
    private Demo() {
    }

    /**
     * Prints the walk-through to standard output (UTF-8).
     *
     * @param args {@code --quick} for shorter timings; anything else is refused
     * @throws IllegalArgumentException on an unknown argument
     */
    public static void main(String[] args) {
        boolean quick = false;
        for (String a : args) {
            if ("--quick".equals(a)) {
                quick = true;
            } else {
                throw new IllegalArgumentException("Demo: unknown argument '" + a + "'; the only option is --quick");
            }
        }
        // one-line log records (Backends.auto() logs its choice), unless the user configured a format
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%n");
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        run(out, quick);
        out.flush();
    }

    /**
     * The whole demo.
     *
     * @param quick shorter timings
     * @return the number of ✗ (mismatches); 0 when everything matched
     */
    public static int run(PrintStream out, boolean quick) {
        List<Backend> backends = new ArrayList<>();
        for (String name : Backends.available()) {
            backends.add(Backends.get(name));
        }
        out.println("conv4j: the convolutions chapter of Dive into Deep Learning, recomputed in Java");
        out.println("backends that work here: " + String.join(", ", Backends.available())
                + "   (Backends.auto() = " + Backends.auto().name() + ", threads = " + Conv4j.threads() + ")");
        for (String name : List.of("cuda", "cpu")) {
            String why = Backends.unavailableReason(name);
            if (why != null) {
                out.println("  not here: " + name + " - " + why);
            }
        }
        Checks c = new Checks(out, backends);
        crossCorrelation(c);
        edges(c);
        new KernelLearning(c, out).run();
        strictConvolution(c);
        paddingAndStride(c);
        channels(c);
        new PoolingWalk(c, out).run();
        new ConvTiming(out, backends, quick).run();
        out.println();
        if (c.failed() == 0) {
            out.println("All " + c.passed() + " checks passed " + Checks.OK);
        } else {
            out.println(c.failed() + " of " + (c.passed() + c.failed()) + " checks FAILED " + Checks.BAD);
        }
        return c.failed();
    }

    /** The values of {@code r} (possibly native) as a heap tensor of {@code shape}; closes {@code r}. */
    static Tensor reshape(Tensor r, int... shape) {
        try (r) {
            return Tensor.of(r.toArray(), shape);
        }
    }

    static Tensor t(float[] v, int... shape) {
        return Tensor.of(v, shape);
    }

    /** 0, 1, ..., n-1 as floats. */
    static float[] range(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    static Tensor bookX() {
        return t(range(9), 3, 3);
    }

    static Tensor bookK() {
        return t(new float[] {0, 1, 2, 3}, 2, 2);
    }

    /** The 6x8 image: ones, columns 2..5 zero. */
    static Tensor edgeImage() {
        float[] x = new float[48];
        for (int i = 0; i < 48; i++) {
            int col = i % 8;
            x[i] = col >= 2 && col < 6 ? 0 : 1;
        }
        return t(x, 6, 8);
    }

    /** The edge map the book prints: 1 at column 1, -1 at column 5, 6 rows of 7. */
    static Tensor edgeMap() {
        float[] y = new float[42];
        for (int r = 0; r < 6; r++) {
            y[r * 7 + 1] = 1;
            y[r * 7 + 5] = -1;
        }
        return t(y, 6, 7);
    }

    private static void crossCorrelation(Checks c) {
        c.section("1. Cross-correlation: corr2d(X, K)");
        c.show("X", bookX());
        c.show("K", bookK());
        c.book("corr2d(X, K)", t(new float[] {19, 25, 37, 43}, 2, 2), b -> Conv4j.corr2d(b, bookX(), bookK()));
    }

    private static void edges(Checks c) {
        c.section("2. Edge detection with K = [[1, -1]]");
        Tensor x = edgeImage();
        Tensor k = t(new float[] {1, -1}, 1, 2);
        c.show("X (6x8: white 1, black 0)", x);
        c.book("Y = corr2d(X, K) (1 = white to black, -1 = black to white)", edgeMap(), b -> Conv4j.corr2d(b, x, k));
        float[] v = x.toArray();
        float[] tr = new float[48];
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 8; j++) {
                tr[j * 6 + i] = v[i * 8 + j];
            }
        }
        c.book("corr2d(X transposed, K) (K sees only vertical edges)", Tensor.zeros(8, 5),
                b -> Conv4j.corr2d(b, t(tr, 8, 6), k));
    }

    private static void strictConvolution(Checks c) {
        c.section("4. Cross-correlation versus strict convolution");
        Tensor kPrime = Conv4j.flip(bookK());
        c.show("K' = flip(K) (K turned by 180 degrees)", kPrime);
        c.book("strict convolution of X with K', i.e. corr2d(X, flip(K'))", t(new float[] {19, 25, 37, 43}, 2, 2),
                b -> Conv4j.corr2d(b, bookX(), Conv4j.flip(kPrime)));
        Tensor strict = Conv4j.strictConv2d(bookX(), kPrime);
        c.claim(Checks.difference(Conv4j.corr2d(bookX(), bookK()), strict, 0) == null,
                "Conv4j.strictConv2d(X, K') = " + Checks.compact(strict) + " = corr2d(X, K): the same layer output");
    }

    private static void paddingAndStride(Checks c) {
        c.section("5. Padding and stride: output shapes for an 8x8 input");
        Random rnd = new Random(1);
        float[] xv = new float[64];
        for (int i = 0; i < 64; i++) {
            xv[i] = rnd.nextFloat();
        }
        Tensor x = t(xv, 1, 1, 8, 8);
        Object[][] cases = {
            {"kernel 3x3, padding 1", 3, 3, ConvParams.defaults().padding(1, 1), 8, 8},
            {"kernel 5x3, padding (2, 1)", 5, 3, ConvParams.defaults().padding(2, 1), 8, 8},
            {"kernel 3x3, padding 1, stride 2", 3, 3, ConvParams.defaults().padding(1, 1).stride(2, 2), 4, 4},
            {"kernel 3x5, padding (0, 1), stride (3, 4)", 3, 5, ConvParams.defaults().padding(0, 1).stride(3, 4), 2, 2},
        };
        for (Object[] cs : cases) {
            int kh = (Integer) cs[1];
            int kw = (Integer) cs[2];
            ConvParams p = (ConvParams) cs[3];
            int eh = (Integer) cs[4];
            int ew = (Integer) cs[5];
            for (Backend b : c.backends()) {
                try (Tensor y = b.conv2d(x, Tensor.zeros(1, 1, kh, kw), null, p)) {
                    c.claim(y.dim(2) == eh && y.dim(3) == ew, Checks.pad(b.name()) + String.format("%-42s -> %dx%d",
                            cs[0], y.dim(2), y.dim(3)) + (y.dim(2) == eh && y.dim(3) == ew ? " as in the book"
                            : " but the book says " + eh + "x" + ew));
                }
            }
        }
    }

    private static void channels(Checks c) {
        c.section("6. Multiple input and output channels");
        Tensor x = t(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 2, 3, 3);
        float[] k = {0, 1, 2, 3, 1, 2, 3, 4};
        c.show("X (2 channels)", t(x.toArray(), 2, 3, 3));
        c.show("K (2 channels)", t(k, 2, 2, 2));
        c.book("corr2d_multi_in(X, K): one output channel, summed over the input channels",
                t(new float[] {56, 72, 104, 120}, 2, 2),
                b -> reshape(b.conv2d(x, t(k, 1, 2, 2, 2), null, ConvParams.defaults()), 2, 2));
        float[] k3 = new float[24];
        for (int o = 0; o < 3; o++) {
            for (int i = 0; i < 8; i++) {
                k3[o * 8 + i] = k[i] + o;
            }
        }
        c.book("corr2d_multi_in_out(X, stack(K, K + 1, K + 2)): 3 output channels",
                t(new float[] {56, 72, 104, 120, 76, 100, 148, 172, 96, 128, 192, 224}, 3, 2, 2),
                b -> reshape(b.conv2d(x, t(k3, 3, 2, 2, 2), null, ConvParams.defaults()), 3, 2, 2));

        // a 1x1 convolution is the fully connected layer applied at every pixel: Y = K (2x3) . X (3x9)
        Random rnd = new Random(2);
        float[] xs = new float[27];
        float[] ks = new float[6];
        for (int i = 0; i < 27; i++) {
            xs[i] = rnd.nextFloat();
        }
        for (int i = 0; i < 6; i++) {
            ks[i] = rnd.nextFloat();
        }
        float[] mm = new float[18];
        for (int o = 0; o < 2; o++) {
            for (int p = 0; p < 9; p++) {
                double s = 0;
                for (int i = 0; i < 3; i++) {
                    s += (double) ks[o * 3 + i] * xs[i * 9 + p];
                }
                mm[o * 9 + p] = (float) s;
            }
        }
        out(c, "1x1 convolution of a random 3x3x3 X with a 2x3x1x1 K versus the matrix product K . X:");
        for (Backend b : c.backends()) {
            try (Tensor y = b.conv2d(t(xs, 1, 3, 3, 3), t(ks, 2, 3, 1, 1), null, ConvParams.defaults())) {
                float[] v = y.toArray();
                double sum = 0;
                for (int i = 0; i < 18; i++) {
                    sum += Math.abs(v[i] - mm[i]);
                }
                c.claim(sum < 1e-6, Checks.pad(b.name()) + String.format("|Y1 - Y2|.sum() = %.1e %s 1e-6", sum,
                        sum < 1e-6 ? "<" : ">="));
            }
        }
    }

    private static void out(Checks c, String line) {
        c.out().println(line);
    }
}
