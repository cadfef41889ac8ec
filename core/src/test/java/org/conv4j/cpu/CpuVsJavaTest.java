package org.conv4j.cpu;

import static org.conv4j.cpu.CpuTestSupport.assertClose;
import static org.conv4j.cpu.CpuTestSupport.random;
import static org.conv4j.cpu.CpuTestSupport.toNative;
import static org.conv4j.cpu.CpuTestSupport.withTies;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.Tensor;
import org.conv4j.cpu.CpuTestSupport.ConvCase;
import org.conv4j.cpu.CpuTestSupport.PoolCase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every cpu operation against the java reference on random shapes with every parameter (strides,
 * asymmetric padding, dilation, groups incl. depthwise, pointwise, ceil mode, count_include_pad), with
 * the inputs on the heap (pinned, and copied), in native memory, and mixed. Routing is off (every
 * operation runs natively).
 */
@DisabledIfSystemProperty(named = "conv4j.test.skipNative", matches = "true",
        disabledReason = "native build skipped (-Dconv4j.skipNative=true)")
class CpuVsJavaTest {
    private static final Backend JAVA = Backends.java();

    @AfterAll
    static void restoreKernels() {
        CpuBackend.forceScalar(false);
    }

    /** Input placement: 0 heap pinned, 1 heap copied, 2 native, 3 mixed (first input native, rest heap). */
    private static Tensor place(Tensor t, int mode, boolean first) {
        return mode == 2 || (mode == 3 && first) ? toNative(t) : t;
    }

    @ParameterizedTest(name = "inputs mode {0}")
    @ValueSource(ints = {0, 1, 2, 3})
    void convolutionsMatchJava(int mode) {
        CpuBackend cpu = CpuBackend.create(mode != 1);
        Random r = new Random(100 + mode);
        for (int iter = 0; iter < 120; iter++) {
            ConvCase c = CpuTestSupport.randomConv(r);
            Tensor x = random(r, c.x()), w = random(r, c.w());
            Tensor b = c.bias() ? random(r, c.w()[0]) : null;
            Tensor expected = JAVA.conv2d(x, w, b, c.p());
            Tensor dy = random(r, expected.shape());
            Tensor xs = place(x, mode, true), ws = place(w, mode, false), bs = b == null ? null : place(b, mode, false);
            Tensor dys = place(dy, mode, true);
            try (Tensor y = cpu.conv2d(xs, ws, bs, c.p());
                 Tensor dx = cpu.conv2dBackwardData(dys, ws, c.x(), c.p());
                 Tensor dw = cpu.conv2dBackwardWeights(dys, xs, c.w(), c.p());
                 Tensor db = cpu.conv2dBackwardBias(dys)) {
                assertEquals("native", y.location(), "result location");
                assertClose("conv2d " + c, expected, y, 1e-4f);
                assertClose("conv2dBackwardData " + c, JAVA.conv2dBackwardData(dy, w, c.x(), c.p()), dx, 1e-4f);
                assertClose("conv2dBackwardWeights " + c, JAVA.conv2dBackwardWeights(dy, x, c.w(), c.p()), dw, 1e-4f);
                assertClose("conv2dBackwardBias " + c, JAVA.conv2dBackwardBias(dy), db, 1e-4f);
            }
        }
    }

    @ParameterizedTest(name = "scalar kernels {0}")
    @ValueSource(booleans = {false, true})
    void poolingsMatchJava(boolean scalar) {
        CpuBackend cpu = CpuBackend.create(true);
        CpuBackend.forceScalar(scalar);
        Random r = new Random(scalar ? 7 : 8);
        for (int iter = 0; iter < 300; iter++) {
            PoolCase c = CpuTestSupport.randomPool(r);
            int mode = iter % 4;
            Tensor x = withTies(r, c.x());
            Tensor y = JAVA.maxPool2d(x, c.p());
            Tensor dy = random(r, y.shape());
            Tensor xs = place(x, mode, true), dys = place(dy, mode, false);
            try (Tensor my = cpu.maxPool2d(xs, c.p());
                 Tensor mdx = cpu.maxPool2dBackward(dys, xs, c.p());
                 Tensor ay = cpu.avgPool2d(xs, c.p());
                 Tensor adx = cpu.avgPool2dBackward(dys, c.x(), c.p())) {
                assertClose("maxPool2d " + c, y, my, 0f);
                assertClose("maxPool2dBackward " + c, JAVA.maxPool2dBackward(dy, x, c.p()), mdx, 1e-6f);
                assertClose("avgPool2d " + c, JAVA.avgPool2d(x, c.p()), ay, 1e-5f);
                assertClose("avgPool2dBackward " + c, JAVA.avgPool2dBackward(dy, c.x(), c.p()), adx, 1e-5f);
            }
        }
    }

    @ParameterizedTest(name = "scalar kernels {0}")
    @ValueSource(booleans = {false, true})
    void largerShapesReachEveryNativePlan(boolean scalar) {
        CpuBackend cpu = CpuBackend.create(true);
        CpuBackend.forceScalar(scalar);
        Random r = new Random(3);
        // blocked columns, pointwise blocked, batched small images, one image split across threads; then
        // the implicit-GEMM shapes (AVX-512 where present): the ResNet stem and LeNet's two layers
        int[][][] shapes = {
            {{2, 64, 30, 30}, {8, 64, 3, 3}},
            {{1, 300, 40, 40}, {5, 300, 1, 1}},
            {{5, 32, 5, 5}, {16, 32, 3, 3}},
            {{1, 3, 37, 41}, {8, 3, 7, 7}},
            {{1, 3, 224, 224}, {64, 3, 7, 7}},
            {{32, 1, 28, 28}, {6, 1, 5, 5}},
            {{32, 6, 14, 14}, {16, 6, 5, 5}},
        };
        org.conv4j.ConvParams[] ps = {
            org.conv4j.ConvParams.defaults().padding(1, 1),
            org.conv4j.ConvParams.defaults(),
            org.conv4j.ConvParams.defaults().padding(1, 1),
            org.conv4j.ConvParams.defaults().stride(2, 2).padding(3, 3),
            org.conv4j.ConvParams.defaults().stride(2, 2).padding(3, 3),
            org.conv4j.ConvParams.defaults().padding(2, 2),
            org.conv4j.ConvParams.defaults(),
        };
        for (int i = 0; i < shapes.length; i++) {
            Tensor x = random(r, shapes[i][0]), w = random(r, shapes[i][1]), b = random(r, shapes[i][1][0]);
            Tensor expected = JAVA.conv2d(x, w, b, ps[i]);
            Tensor dy = random(r, expected.shape());
            String what = java.util.Arrays.deepToString(shapes[i]);
            assertClose("conv2d " + what, expected, cpu.conv2d(x, w, b, ps[i]), 1e-3f);
            assertClose("conv2dBackwardData " + what, JAVA.conv2dBackwardData(dy, w, shapes[i][0], ps[i]),
                    cpu.conv2dBackwardData(dy, w, shapes[i][0], ps[i]), 1e-3f);
            assertClose("conv2dBackwardWeights " + what, JAVA.conv2dBackwardWeights(dy, x, shapes[i][1], ps[i]),
                    cpu.conv2dBackwardWeights(dy, x, shapes[i][1], ps[i]), 1e-3f);
        }
    }

    @Test
    void stridesFarBeyondTheInputMatchJava() {
        CpuBackend cpu = CpuBackend.create(true);
        Random r = new Random(9);
        Tensor x = random(r, 2, 3, 9, 11);
        org.conv4j.PoolParams pp = org.conv4j.PoolParams.of(3, 2).stride(1 << 30, Integer.MAX_VALUE - 1).padding(1, 1)
                .ceilMode(true);
        assertClose("maxPool2d huge stride", JAVA.maxPool2d(x, pp), cpu.maxPool2d(x, pp), 0f);
        assertClose("avgPool2d huge stride", JAVA.avgPool2d(x, pp), cpu.avgPool2d(x, pp), 1e-6f);
        Tensor dy = random(r, JAVA.maxPool2d(x, pp).shape());
        assertClose("maxPool2dBackward huge stride", JAVA.maxPool2dBackward(dy, x, pp), cpu.maxPool2dBackward(dy, x, pp), 0f);
        assertClose("avgPool2dBackward huge stride", JAVA.avgPool2dBackward(dy, x.shape(), pp),
                cpu.avgPool2dBackward(dy, x.shape(), pp), 1e-6f);
        Tensor w = random(r, 4, 3, 2, 3);
        org.conv4j.ConvParams cp = org.conv4j.ConvParams.defaults().stride(Integer.MAX_VALUE, 1 << 30).padding(1, 2);
        assertClose("conv2d huge stride", JAVA.conv2d(x, w, null, cp), cpu.conv2d(x, w, null, cp), 1e-5f);
        Tensor cdy = random(r, JAVA.conv2d(x, w, null, cp).shape());
        assertClose("conv2dBackwardData huge stride", JAVA.conv2dBackwardData(cdy, w, x.shape(), cp),
                cpu.conv2dBackwardData(cdy, w, x.shape(), cp), 1e-5f);
        assertClose("conv2dBackwardWeights huge stride", JAVA.conv2dBackwardWeights(cdy, x, w.shape(), cp),
                cpu.conv2dBackwardWeights(cdy, x, w.shape(), cp), 1e-5f);
    }
}
