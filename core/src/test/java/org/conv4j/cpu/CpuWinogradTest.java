package org.conv4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.Precision;
import org.conv4j.Tensor;
import org.conv4j.spi.ConvGeometry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cpu backend's Winograd F(2x2, 3x3) path (and F(3x3, 2x2) for the weight gradient), forced on ({@code withWinograd("always")}), on random
 * 3x3 stride-1 shapes (odd sizes, asymmetric padding 0 to 3, groups, partial tiles, bias), with the AVX-512
 * and the portable transforms, against a double-precision reference of the definitions: random data within
 * the conformance suite's tolerance 4 (n + 1) u sum |term|, small-integer data exactly.
 */
@DisabledIfSystemProperty(named = "conv4j.test.skipNative", matches = "true",
        disabledReason = "native build skipped (-Dconv4j.skipNative=true)")
class CpuWinogradTest {
    private static final double U = Math.pow(2, -24);

    @AfterAll
    static void restore() {
        CpuBackend.forceScalar(false);
    }

    /** One 3x3 stride-1 case. */
    private record Case(int n, int cin, int h, int w, int cout, int pt, int pb, int pl, int pr, int groups,
                        boolean bias) {
        ConvParams params() {
            return ConvParams.defaults().padding(pt, pb, pl, pr).groups(groups);
        }

        int hout() {
            return h + pt + pb - 2;
        }

        int wout() {
            return w + pl + pr - 2;
        }

        int[] xShape() {
            return new int[] {n, cin, h, w};
        }

        int[] wShape() {
            return new int[] {cout, cin / groups, 3, 3};
        }

        int[] yShape() {
            return new int[] {n, cout, hout(), wout()};
        }
    }

    private static Case randomCase(Random r, int minChannels) {
        while (true) {
            int groups = r.nextInt(4) == 0 ? 2 : 1;
            int cig = minChannels + r.nextInt(9), cog = minChannels + r.nextInt(9);
            Case c = new Case(1 + r.nextInt(2), cig * groups, 1 + r.nextInt(13), 1 + r.nextInt(19), cog * groups,
                    r.nextInt(4), r.nextInt(4), r.nextInt(4), r.nextInt(4), groups, r.nextBoolean());
            if (c.hout() >= 1 && c.wout() >= 1) {
                return c;
            }
        }
    }

    /** Receives one product of the convolution: the flat indices of its x, w and y elements. */
    private interface Term {
        void at(int xi, int wi, int yi);
    }

    /** Visits every product x[xi] * w[wi] that the definition adds into y[yi] (zero padding skipped). */
    private static void forEachTerm(Case c, Term term) {
        int cig = c.cin / c.groups, cog = c.cout / c.groups, ho = c.hout(), wo = c.wout();
        for (int i = 0; i < c.n; i++) {
            for (int o = 0; o < c.cout; o++) {
                int g = o / cog;
                for (int r = 0; r < ho; r++) {
                    for (int q = 0; q < wo; q++) {
                        int yi = ((i * c.cout + o) * ho + r) * wo + q;
                        for (int ci = 0; ci < cig; ci++) {
                            for (int kr = 0; kr < 3; kr++) {
                                for (int kc = 0; kc < 3; kc++) {
                                    int xr = r - c.pt + kr, xc = q - c.pl + kc;
                                    if (xr >= 0 && xr < c.h && xc >= 0 && xc < c.w) {
                                        term.at(((i * c.cin + g * cig + ci) * c.h + xr) * c.w + xc,
                                                ((o * cig + ci) * 3 + kr) * 3 + kc, yi);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** y and sum |term| of y (double) by the definition. */
    private static double[][] forward(Case c, float[] x, float[] w, float[] b) {
        double[] y = new double[c.n * c.cout * c.hout() * c.wout()], abs = new double[y.length];
        if (b != null) {
            for (int yi = 0; yi < y.length; yi++) {
                y[yi] = b[yi / (c.hout() * c.wout()) % c.cout];
                abs[yi] = Math.abs(y[yi]);
            }
        }
        forEachTerm(c, (xi, wi, yi) -> {
            double t = (double) x[xi] * w[wi];
            y[yi] += t;
            abs[yi] += Math.abs(t);
        });
        return new double[][] {y, abs};
    }

    /** dx and sum |term| of dx: dy scattered through the filters. */
    private static double[][] backwardData(Case c, float[] dy, float[] w) {
        double[] dx = new double[c.n * c.cin * c.h * c.w], abs = new double[dx.length];
        forEachTerm(c, (xi, wi, yi) -> {
            double t = (double) dy[yi] * w[wi];
            dx[xi] += t;
            abs[xi] += Math.abs(t);
        });
        return new double[][] {dx, abs};
    }

    /** dw and sum |term| of dw: dy times the input each weight touched, over the batch. */
    private static double[][] backwardWeights(Case c, float[] dy, float[] x) {
        double[] dw = new double[c.cout * c.cin / c.groups * 9], abs = new double[dw.length];
        forEachTerm(c, (xi, wi, yi) -> {
            double t = (double) dy[yi] * x[xi];
            dw[wi] += t;
            abs[wi] += Math.abs(t);
        });
        return new double[][] {dw, abs};
    }

    private static float[] values(Random r, int count, boolean ints) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = ints ? r.nextInt(9) - 4 : r.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** Conformance.assertMatches's rule: |a - e| <= 4 (terms + 1) u sum|term|, or exact. */
    private static void check(String what, Tensor actual, double[][] expected, int terms, boolean exact) {
        try (actual) {
            float[] a = actual.toArray();
            assertEquals(expected[0].length, a.length, what + ": size");
            List<String> bad = new ArrayList<>();
            for (int i = 0; i < a.length && bad.size() < 5; i++) {
                double tol = exact ? 0 : 4.0 * (terms + 1) * U * expected[1][i];
                if (!(Math.abs(a[i] - expected[0][i]) <= tol)) {
                    bad.add("[" + i + "] = " + a[i] + ", expected " + expected[0][i] + (exact ? " exactly" : " +- " + tol));
                }
            }
            if (!bad.isEmpty()) {
                fail(what + ": " + String.join("; ", bad));
            }
        }
    }

    @ParameterizedTest(name = "scalar transforms {0}")
    @ValueSource(booleans = {false, true})
    void forcedWinogradMatchesTheDefinition(boolean scalar) {
        CpuBackend cpu = CpuBackend.create(true).withWinograd("always");
        CpuBackend.forceScalar(scalar);
        try {
            Random r = new Random(scalar ? 31 : 32);
            for (int iter = 0; iter < 80; iter++) {
                boolean ints = iter % 2 == 1;
                Case c = randomCase(r, 8);  // Winograd sums at least 8 channels per group
                String what = c + (ints ? " small integers" : "") + (scalar ? " scalar" : "");
                float[] x = values(r, c.n * c.cin * c.h * c.w, ints), w = values(r, c.cout * c.cin / c.groups * 9, ints);
                float[] b = c.bias ? values(r, c.cout, ints) : null;
                float[] dy = values(r, c.n * c.cout * c.hout() * c.wout(), ints);
                Tensor xt = Tensor.of(x, c.xShape()), wt = Tensor.of(w, c.wShape()), dyt = Tensor.of(dy, c.yShape());
                Tensor bt = b == null ? null : Tensor.of(b, c.cout);
                ConvGeometry fg = ConvGeometry.forward(xt, wt, bt, c.params());
                ConvGeometry bg = ConvGeometry.backwardData(dyt, wt, c.xShape(), c.params());
                ConvGeometry wg = ConvGeometry.backwardWeights(dyt, xt, c.wShape(), c.params());
                assertTrue(cpu.usesWinograd(fg, CpuBackend.FORWARD), what + ": forward not on the Winograd path");
                assertTrue(cpu.usesWinograd(bg, CpuBackend.BACKWARD_DATA),
                        what + ": backward data not on the Winograd path");
                // the weight gradient sums n * hout * wout products and takes Winograd from 64 of them
                int summed = c.n * c.hout() * c.wout();
                assertEquals(summed >= 64, cpu.usesWinograd(wg, CpuBackend.BACKWARD_WEIGHTS),
                        what + ": weight gradient path for " + summed + " summed products");
                int cig = c.cin / c.groups, cog = c.cout / c.groups;
                check("conv2d " + what, cpu.conv2d(xt, wt, bt, c.params()), forward(c, x, w, b),
                        cig * 9 + (b == null ? 0 : 1), ints);
                check("conv2dBackwardData " + what, cpu.conv2dBackwardData(dyt, wt, c.xShape(), c.params()),
                        backwardData(c, dy, w), cog * 9, ints);
                check("conv2dBackwardWeights " + what, cpu.conv2dBackwardWeights(dyt, xt, c.wShape(), c.params()),
                        backwardWeights(c, dy, x), summed, ints);
            }
        } finally {
            CpuBackend.forceScalar(false);
        }
    }

    @Test
    void thePropertySetsTheDefaultBackendsMode() {
        String mode = System.getProperty("conv4j.cpu.winograd", "off");
        Backend cpu = CpuBackend.create();
        assertEquals(mode.equals("off") ? Precision.ACCURATE : Precision.FASTEST, cpu.precision(),
                "-Dconv4j.cpu.winograd=" + mode);
        assertEquals(mode.equals("off") ? "cpu" : "cpu (winograd " + mode + ")", cpu.toString());
    }

    @Test
    void precisionVariantsChooseTheirPathPerCall() {
        CpuBackend cpu = CpuBackend.create(true);
        assertEquals(Precision.ACCURATE, cpu.precision(), "the default");
        CpuBackend fastest = (CpuBackend) cpu.withPrecision(Precision.FASTEST);
        assertEquals(Precision.FASTEST, fastest.precision());
        assertSame(fastest, fastest.withPrecision(Precision.FASTEST));
        assertEquals(Precision.ACCURATE, fastest.withPrecision(Precision.ACCURATE).precision());
        assertThrows(IllegalArgumentException.class, () -> cpu.withPrecision(null));
        Tensor x = Tensor.zeros(8, 64, 56, 56), w = Tensor.zeros(64, 64, 3, 3);
        ConvGeometry fg = ConvGeometry.forward(x, w, null, ConvParams.defaults().padding(1, 1));
        // both variants at once: the mode is not process-wide
        assertFalse(cpu.usesWinograd(fg, CpuBackend.FORWARD), "ACCURATE: ResNet stage 1 forward on Winograd");
        assertTrue(fastest.usesWinograd(fg, CpuBackend.FORWARD), "FASTEST: ResNet stage 1 forward not on Winograd");
        assertFalse(cpu.usesWinograd(fg, CpuBackend.FORWARD), "a FASTEST variant changed the ACCURATE one");
        // auto() routes small problems to java but keeps the precision of the cpu backend behind it
        Backend routed = cpu.forAuto();
        assertEquals(Precision.ACCURATE, routed.precision());
        Backend routedFast = routed.withPrecision(Precision.FASTEST);
        assertEquals(Precision.FASTEST, routedFast.precision());
        assertEquals("cpu", routedFast.name());
        // java and cuda have nothing faster: themselves
        assertSame(Backends.java(), Backends.java().withPrecision(Precision.FASTEST));
    }

    @Test
    void theSwitchChoosesThePath() {
        CpuBackend base = CpuBackend.create(true);
        Tensor x = Tensor.zeros(8, 64, 56, 56), w = Tensor.zeros(64, 64, 3, 3), dy = Tensor.zeros(8, 64, 56, 56);
        ConvParams p = ConvParams.defaults().padding(1, 1);
        ConvGeometry fg = ConvGeometry.forward(x, w, null, p);
        ConvGeometry bg = ConvGeometry.backwardData(dy, w, new int[] {8, 64, 56, 56}, p);
        ConvGeometry wg = ConvGeometry.backwardWeights(dy, x, new int[] {64, 64, 3, 3}, p);
        ConvGeometry strided = ConvGeometry.forward(x, w, null, p.stride(2, 2));
        CpuBackend off = base.withWinograd("off");
        assertFalse(off.usesWinograd(fg, CpuBackend.FORWARD));
        assertFalse(off.usesWinograd(bg, CpuBackend.BACKWARD_DATA));
        assertFalse(off.usesWinograd(wg, CpuBackend.BACKWARD_WEIGHTS));
        CpuBackend auto = base.withWinograd("auto");
        assertTrue(auto.usesWinograd(fg, CpuBackend.FORWARD), "auto: ResNet stage 1 forward");
        assertTrue(auto.usesWinograd(bg, CpuBackend.BACKWARD_DATA), "auto: ResNet stage 1 backward data");
        assertTrue(auto.usesWinograd(wg, CpuBackend.BACKWARD_WEIGHTS), "auto: ResNet stage 1 weights");
        CpuBackend always = base.withWinograd("always");
        assertFalse(always.usesWinograd(strided, CpuBackend.FORWARD), "stride 2 has no Winograd path");
        assertThrows(IllegalArgumentException.class, () -> base.withWinograd("sometimes"));
    }
}
