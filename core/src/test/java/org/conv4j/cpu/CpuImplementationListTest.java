package org.conv4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.Tensor;
import org.conv4j.spi.ConvGeometry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * The cpu backend's convolution implementation lists: every implementation on every shape below that it applies
 * to, against the java backend (so a fallback the default choice never reaches keeps computing correctly); the
 * implementation picked for each layer class of the benchmark suite under the ISA in use; forcing by system
 * property, and the clear refusal of a forced implementation that does not apply.
 */
@DisabledIfSystemProperty(named = "conv4j.test.skipNative", matches = "true",
        disabledReason = "native build skipped (-Dconv4j.skipNative=true)")
class CpuImplementationListTest {
    @AfterEach
    void clear() {
        for (ConvDirection d : ConvDirection.values()) {
            System.clearProperty(d.property());
        }
    }

    /** x shape, out channels, kernel, stride, pads, dilation, groups. */
    private record Shape(int n, int c, int h, int w, int cout, int k, int s, int pt, int pb, int pl, int pr, int d,
            int g) {
        ConvParams params() {
            return ConvParams.defaults().stride(s, s).padding(pt, pb, pl, pr).dilation(d, d).groups(g);
        }

        int[] x() {
            return new int[] {n, c, h, w};
        }

        int[] wt() {
            return new int[] {cout, c / g, k, k};
        }

        int[] y() {
            return new int[] {n, cout, (h + pt + pb - d * (k - 1) - 1) / s + 1, (w + pl + pr - d * (k - 1) - 1) / s + 1};
        }

        ConvGeometry geometry() {
            try (Tensor tx = Tensor.zeros(x()); Tensor tw = Tensor.zeros(wt())) {
                return ConvGeometry.forward(tx, tw, null, params());
            }
        }
    }

    private static final List<Shape> SHAPES = List.of(
            new Shape(2, 16, 12, 12, 16, 3, 1, 1, 1, 1, 1, 1, 1),      // Winograd fits
            new Shape(2, 12, 9, 9, 12, 3, 1, 1, 1, 1, 1, 1, 12),       // depthwise
            new Shape(2, 10, 11, 11, 10, 5, 2, 1, 2, 1, 2, 1, 10),     // depthwise 5x5 s2, asymmetric padding
            new Shape(1, 3, 37, 41, 8, 7, 2, 3, 3, 3, 3, 1, 1),        // a stem
            new Shape(2, 24, 10, 10, 16, 1, 1, 0, 0, 0, 0, 1, 1),      // pointwise
            new Shape(1, 6, 14, 14, 16, 5, 1, 0, 0, 0, 0, 1, 1),       // few channels, short filter
            new Shape(1, 32, 12, 12, 32, 3, 1, 2, 2, 2, 2, 2, 4),      // grouped, dilated
            new Shape(2, 16, 13, 13, 24, 3, 2, 1, 0, 1, 0, 1, 2),      // grouped, strided, asymmetric
            new Shape(3, 8, 23, 37, 8, 5, 3, 0, 2, 3, 1, 2, 4),        // direct: 2 in, 2 out per group, dilated
            new Shape(1, 6, 40, 70, 12, 3, 1, 1, 1, 1, 1, 1, 6),       // direct: depth multiplier 2, long rows
            // dense (igemm_dense): widths not a multiple of 8 or 16, channels not a multiple of 6
            new Shape(1, 20, 13, 19, 14, 3, 1, 1, 1, 1, 1, 1, 1),      // stride 1
            new Shape(3, 9, 17, 21, 13, 3, 2, 1, 1, 1, 1, 1, 1),       // stride 2, three images
            new Shape(2, 6, 20, 22, 11, 3, 1, 4, 4, 4, 4, 4, 1),       // dilation 4
            new Shape(1, 5, 16, 37, 9, 5, 2, 1, 2, 2, 1, 1, 1),        // 5x5 stride 2, asymmetric padding
            new Shape(3, 1, 28, 28, 6, 5, 1, 2, 2, 2, 2, 1, 1),        // few channels: LeNet's first layer
            new Shape(2, 3, 29, 35, 7, 3, 2, 1, 0, 1, 2, 1, 1),        // few channels, stride 2, asymmetric padding
            new Shape(1, 3, 31, 27, 13, 3, 2, 2, 1, 3, 2, 2, 1),       // few channels, stride 2, dilated
            new Shape(2, 6, 17, 23, 5, 3, 1, 4, 3, 2, 1, 2, 1),        // few channels, dilated, rows of 21
            // the grouped implicit GEMM's class: strides, dilation, asymmetric padding, rows of 7, 14 and 15,
            // channel counts that fill no register block
            new Shape(2, 64, 14, 14, 64, 3, 1, 1, 1, 1, 1, 1, 8),      // 8 per group
            new Shape(1, 64, 15, 15, 64, 3, 2, 1, 1, 1, 1, 1, 4),      // 16 per group, stride 2, odd width
            new Shape(2, 48, 7, 7, 40, 3, 1, 1, 1, 1, 1, 1, 4),        // 12 in, 10 out per group, 7 wide
            new Shape(1, 36, 13, 11, 36, 3, 1, 2, 1, 0, 2, 2, 4),      // 9 per group, dilation 2, asymmetric
            // depthwise rows with whole and partial vectors of 8 and 16 floats (dw_direct's interior and edges)
            new Shape(1, 8, 9, 37, 8, 3, 1, 1, 1, 1, 1, 1, 8),         // 3x3 s1, 37 wide
            new Shape(2, 6, 15, 15, 6, 3, 2, 1, 1, 1, 1, 1, 6),        // 3x3 s2, odd width
            new Shape(1, 4, 14, 14, 4, 3, 1, 2, 2, 2, 2, 2, 4),        // dilation 2
            new Shape(2, 5, 7, 7, 5, 5, 1, 2, 2, 2, 2, 1, 5),          // 5x5 on 7x7, narrower than a vector
            new Shape(2, 6, 28, 29, 6, 5, 2, 1, 2, 1, 2, 1, 6),        // 5x5 s2, TF same padding (asymmetric)
            new Shape(1, 8, 40, 67, 8, 5, 2, 2, 2, 2, 2, 1, 8),        // 5x5 s2, 34 outputs a row
            // narrow depthwise planes, channels that fill no block of 8 or 16 (dw_blocked's partial last block)
            new Shape(2, 20, 14, 14, 20, 5, 2, 1, 2, 1, 2, 1, 20),     // 5x5 s2, TF same padding
            new Shape(1, 40, 7, 7, 40, 3, 1, 1, 1, 1, 1, 1, 40),       // 3x3 on 7x7
            new Shape(1, 17, 14, 14, 17, 3, 1, 2, 2, 2, 2, 2, 17));    // dilation 2

    private static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    private static int size(int[] s) {
        int n = 1;
        for (int v : s) {
            n *= v;
        }
        return n;
    }

    private static float[] run(org.conv4j.Backend b, ConvDirection d, Shape s) {
        try (Tensor x = Tensor.of(random(1, size(s.x())), s.x()); Tensor w = Tensor.of(random(2, size(s.wt())), s.wt());
                Tensor bias = Tensor.of(random(3, s.cout()), s.cout());
                Tensor dy = Tensor.of(random(4, size(s.y())), s.y());
                Tensor r = switch (d) {
                    case FORWARD -> b.conv2d(x, w, bias, s.params());
                    case BACKWARD_DATA -> b.conv2dBackwardData(dy, w, s.x(), s.params());
                    case BACKWARD_WEIGHTS -> b.conv2dBackwardWeights(dy, x, s.wt(), s.params());
                }) {
            return r.toArray();
        }
    }

    @Test
    void everyImplementationOnEveryShapeItAppliesTo() {
        CpuBackend cpu = CpuBackend.create(true).withWinograd("auto");  // Winograd allowed: its entries apply
        int runs = 0;
        for (ConvDirection d : ConvDirection.values()) {
            List<String> all = CpuBackend.implementations(d);
            assertEquals("im2col_sgemm", all.get(all.size() - 1), "the last entry computes everything");
            for (Shape s : SHAPES) {
                float[] ref = run(Backends.java(), d, s);
                List<String> applicable = cpu.applicableImplementations(d, s.geometry());
                assertTrue(applicable.contains(cpu.implementation(d, s.geometry())), s + " " + d);
                for (String impl : applicable) {
                    System.setProperty(d.property(), impl);
                    float[] got = run(cpu, d, s);
                    double scale = 1;
                    double diff = 0;
                    for (int i = 0; i < ref.length; i++) {
                        scale = Math.max(scale, Math.abs(ref[i]));
                        diff = Math.max(diff, Math.abs(ref[i] - got[i]));
                    }
                    assertTrue(diff / scale <= 1e-4, impl + " " + d + " " + s + ": rel. diff " + diff / scale);
                    runs++;
                }
                System.clearProperty(d.property());
            }
        }
        assertTrue(runs > 3 * SHAPES.size(), "runs " + runs);
    }

    @Test
    void forcingAnImplementationThatDoesNotApplyIsRefused() {
        org.conv4j.Backend cpu = CpuBackend.create(true);
        Shape dense = SHAPES.get(3);  // the stem: never the grouped direct loops
        System.setProperty(ConvDirection.FORWARD.property(), "grouped_direct__scalar");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(cpu, ConvDirection.FORWARD, dense));
        assertTrue(e.getMessage().contains("does not apply") && e.getMessage().contains("im2col_sgemm"),
                e.getMessage());
        System.setProperty(ConvDirection.FORWARD.property(), "no_such_kernel");
        e = assertThrows(IllegalArgumentException.class, () -> run(cpu, ConvDirection.FORWARD, dense));
        assertTrue(e.getMessage().contains("names no cpu implementation"), e.getMessage());
    }

    private static void expect(CpuBackend cpu, Shape s, String fwd, String data, String weights) {
        ConvGeometry g = s.geometry();
        assertEquals(fwd, cpu.implementation(ConvDirection.FORWARD, g), s + " forward, ISA " + CpuBackend.isa());
        assertEquals(data, cpu.implementation(ConvDirection.BACKWARD_DATA, g), s + " backward data");
        assertEquals(weights, cpu.implementation(ConvDirection.BACKWARD_WEIGHTS, g), s + " backward weights");
    }

    /** One layer of each class of the benchmark suite; expectations follow conv_impl_list.cpp's predicates. */
    @Test
    void picksPerLayerClass() {
        CpuBackend cpu = CpuBackend.create(true).withWinograd("auto");  // the expectations are the auto rule's
        String isa = CpuBackend.isa();
        assertTrue(cpu.description().contains("ISA " + isa), cpu.description());
        boolean v512 = isa.equals("avx512");
        // dense layers: conv4j's implicit GEMM on AVX2 (conv_igemm_dense.h); AVX-512 keeps im2col + sgemm
        String dense = isa.equals("avx2") ? "igemm_dense__avx2" : "im2col_sgemm";
        // exact order asked (Winograd off): the dense 3x3 layer leaves Winograd
        assertEquals(dense, CpuBackend.create(true).withWinograd("off").implementation(ConvDirection.FORWARD,
                new Shape(8, 64, 56, 56, 64, 3, 1, 1, 1, 1, 1, 1, 1).geometry()));
        boolean v2 = !isa.equals("scalar");
        String wino = v512 ? "winograd_f2x3__avx512" : "winograd_f2x3__scalar";
        String igemm = v512 ? "igemm_rows__avx512" : "im2col_sgemm";
        String pw = v512 ? "pointwise__avx512" : "im2col_sgemm";
        String gd = v512 ? "dw_direct__avx512" : v2 ? "dw_direct__avx2" : "grouped_direct__scalar";
        String phase = v512 ? "igemm_grouped__avx512" : v2 ? "igemm_grouped__avx2" : "im2col_sgemm";
        String gemm = "im2col_sgemm";
        expect(cpu, new Shape(8, 64, 56, 56, 64, 3, 1, 1, 1, 1, 1, 1, 1), wino, wino, wino);            // s4
        expect(cpu, new Shape(8, 256, 56, 56, 64, 1, 1, 0, 0, 0, 0, 1, 1), igemm, pw, pw);              // s5
        // few input channels: the row kernel of the widest ISA (AVX2 picks it only for such layers)
        String few = v512 ? igemm : v2 ? "igemm_rows__avx2" : gemm;
        expect(cpu, new Shape(1, 3, 224, 224, 64, 7, 2, 3, 3, 3, 3, 1, 1), few, gemm, few);             // s7 stem
        // backward data of one input channel: AVX2's transposed kernel, on AVX-512 machines too (the AVX-512 one needs 4)
        expect(cpu, new Shape(32, 1, 28, 28, 6, 5, 1, 2, 2, 2, 2, 1, 1), few,
                v2 ? "igemm_rows__avx2" : gemm, few);                                                 // s2
        expect(cpu, new Shape(8, 3, 224, 224, 32, 3, 2, 1, 1, 1, 1, 1, 1), few, gemm, few);             // mbv2.00
        expect(cpu, new Shape(1, 3, 224, 224, 64, 3, 1, 1, 1, 1, 1, 1, 1), few, gemm, few);             // vgg16.00
        expect(cpu, new Shape(256, 6, 14, 14, 16, 5, 1, 0, 0, 0, 0, 1, 1), few, few, few);              // LeNet 6->16
        // dw_direct: forward from 32 output columns, backward data from 32 dx columns at unit stride, backward weights
        // from 8 output columns; shorter rows (not depthwise) keep the plain loops
        String plain = "grouped_direct__scalar";
        // depthwise up to 7x7 on planes within the scratch bound: the channel-blocked kernels (conv_dw_blocked.h)
        String blk = v512 ? "dw_blocked__avx512" : v2 ? "dw_blocked__avx2" : plain;
        expect(cpu, new Shape(1, 144, 56, 56, 144, 3, 1, 1, 1, 1, 1, 1, 144), blk, blk, blk);            // depthwise
        expect(cpu, new Shape(1, 96, 112, 112, 96, 3, 2, 1, 1, 1, 1, 1, 96), blk, blk, blk);             // dw s2
        expect(cpu, new Shape(1, 32, 224, 224, 32, 3, 1, 1, 1, 1, 1, 1, 32), gd, gd, gd);                // > 2^15 cells
        expect(cpu, new Shape(8, 144, 56, 56, 144, 5, 2, 1, 2, 1, 2, 1, 144), blk, blk, blk);            // dw 5x5 s2
        expect(cpu, new Shape(8, 960, 7, 7, 960, 3, 1, 1, 1, 1, 1, 1, 960), blk, blk, blk);              // dw 7x7
        expect(cpu, new Shape(8, 672, 14, 14, 672, 5, 2, 1, 2, 1, 2, 1, 672), blk, blk, blk);            // effb0.36
        expect(cpu, new Shape(1, 576, 14, 14, 576, 3, 1, 1, 1, 1, 1, 1, 576), blk, blk, blk);            // dw 14x14
        expect(cpu, new Shape(8, 128, 56, 56, 128, 3, 1, 1, 1, 1, 1, 1, 32), gd, gd, gd);                // 4 ch/group
        expect(cpu, new Shape(8, 256, 28, 28, 256, 3, 1, 1, 1, 1, 1, 1, 32),
                v512 ? igemm : phase, v512 ? igemm : phase, v512 ? igemm : phase);                  // 8 ch/group
        // stride-1 backward data: the implicit GEMM at any channel count (no column matrix to scatter back)
        expect(cpu, new Shape(1, 256, 28, 28, 256, 3, 1, 2, 2, 2, 2, 2, 1), gemm, dense, gemm);          // dilated
        expect(cpu, new Shape(8, 512, 28, 28, 512, 3, 1, 4, 4, 4, 4, 4, 1), gemm, dense, gemm);          // d4
        expect(cpu, new Shape(8, 512, 28, 28, 512, 3, 1, 12, 12, 12, 12, 12, 1), dense, dense, gemm);    // d12
        expect(cpu, new Shape(8, 2048, 28, 28, 256, 3, 1, 24, 24, 24, 24, 24, 1), dense, dense, gemm);   // d24
        expect(cpu, new Shape(8, 128, 56, 56, 128, 3, 2, 1, 1, 1, 1, 1, 1), gemm, gemm, gemm);           // strided
        expect(cpu, new Shape(1, 256, 14, 14, 256, 3, 2, 1, 1, 1, 1, 1, 1), gemm, gemm, gemm);           // 7-wide out
        expect(cpu, new Shape(8, 512, 28, 28, 512, 3, 2, 1, 1, 1, 1, 1, 32), v512 ? igemm : phase, phase,
                v512 ? igemm : phase);                                                               // 16/group
        if (!v512) {  // 32 per group: beyond the AVX-512 row kernel's limits
            expect(cpu, new Shape(1, 1024, 14, 14, 1024, 3, 2, 1, 1, 1, 1, 1, 32), phase, phase, phase); // 32/group s2
            expect(cpu, new Shape(8, 1024, 7, 7, 1024, 3, 1, 1, 1, 1, 1, 1, 32), phase, phase, phase);  // 32/group s1
            if (v2) {  // Winograd fits, but the grouped kernel is faster
                expect(cpu, new Shape(1, 512, 14, 14, 512, 3, 1, 1, 1, 1, 1, 1, 32), phase, phase, phase);
            }
        }
    }
}
