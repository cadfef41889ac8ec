package org.conv4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.conv4j.java.JavaBackend;
import org.conv4j.spi.SmallProblemRouter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/** Small problems run on the java kernels (visibly), big ones natively; bad input is refused in Java. */
@DisabledIfSystemProperty(named = "conv4j.test.skipNative", matches = "true",
        disabledReason = "native build skipped (-Dconv4j.skipNative=true)")
class CpuRoutingTest {

    @Test
    void cpuRunsEverythingNativelyAndAutoGetsTheRoutingVariant() {
        CpuBackend cpu = (CpuBackend) Backends.cpu();
        Tensor x = Tensor.of(new float[] {1, 1, 0, 0, 0, 0, 1, 1}, 1, 1, 1, 8);
        try (Tensor y = cpu.conv2d(x, Tensor.of(new float[] {1, -1}, 1, 1, 1, 2), null, ConvParams.defaults())) {
            assertEquals("native", y.location());
        }
        SmallProblemRouter routed = (SmallProblemRouter) cpu.forAuto();
        assertSame(routed, cpu.forAuto());
        assertEquals(CpuBackend.DEFAULT_SMALL_WORK, routed.smallWork());
        assertEquals("cpu", routed.name());
        assertTrue(routed.toString().contains("multiply-adds run on java"), routed.toString());
        if (Backends.auto().name().equals("cpu")) {
            assertTrue(Backends.auto() == routed, "auto() hands out the routing variant");
        }
    }

    @Test
    void textbookEdgeDetectorIsRoutedToJava() {
        Backend cpu = ((CpuBackend) Backends.cpu()).forAuto();
        Tensor x = Tensor.of(new float[] {1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1}, 1, 1, 2, 8);
        Tensor k = Tensor.of(new float[] {1, -1}, 1, 1, 1, 2);
        Tensor y = cpu.conv2d(x, k, null, ConvParams.defaults());
        assertEquals("java", CpuBackend.lastRoute());
        assertEquals("heap", y.location());
        assertArrayEquals(new float[] {0, 1, 0, 0, 0, -1, 0, 0, 1, 0, 0, 0, -1, 0}, y.toArray());
        Tensor p = cpu.maxPool2d(x, PoolParams.of(2, 2).ceilMode(true).stride(1, 3));
        assertEquals("java", CpuBackend.lastRoute());
        assertArrayEquals(Backends.java().maxPool2d(x, PoolParams.of(2, 2).ceilMode(true).stride(1, 3)).toArray(),
                p.toArray());
    }

    @Test
    void largerProblemsRunNatively() {
        Backend cpu = ((CpuBackend) Backends.cpu()).forAuto();
        Random r = new Random(5);
        Tensor x = CpuTestSupport.random(r, 2, 4, 16, 16), w = CpuTestSupport.random(r, 8, 4, 3, 3);
        try (Tensor y = cpu.conv2d(x, w, null, ConvParams.defaults().padding(1, 1))) {
            assertEquals("native", CpuBackend.lastRoute());
            assertEquals("native", y.location());
            try (Tensor p = cpu.avgPool2d(y, PoolParams.of(2, 2))) { // native input, in place
                assertEquals("native", CpuBackend.lastRoute());
                CpuTestSupport.assertClose("avg of native", Backends.java().avgPool2d(Tensor.of(y.toArray(), y.shape()),
                        PoolParams.of(2, 2)), p, 1e-5f);
            }
        }
    }

    @Test
    void openBlasRunsSingleThreadedUnderConv4jsPool() {
        Backends.cpu();
        assertEquals(1, CpuBackend.blasThreads());
        assertTrue(CpuBackend.usesAvx2() || !System.getProperty("os.arch").contains("64"),
                "this x86-64 test machine has AVX2; CPUID dispatch should pick it");
    }

    @Test
    void badInputIsRefusedInJavaWithTheSameMessagesAsJava() {
        Backend cpu = Backends.cpu();
        Tensor x = Tensor.zeros(1, 4, 5, 5), w = Tensor.zeros(64, 3, 3, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cpu.conv2d(x, w, null, ConvParams.defaults()));
        assertEquals("conv2d: input has 4 channels but weight [64, 3, 3, 3] with groups=1 expects 3", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> cpu.conv2d(Tensor.zeros(1, 1, 2, 2), Tensor.zeros(1, 1, 5, 5), null, ConvParams.defaults()));
        assertThrows(IllegalArgumentException.class,
                () -> cpu.maxPool2d(Tensor.zeros(1, 1, 4, 4), PoolParams.of(2, 2).padding(2, 2)));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new SmallProblemRouter((CpuBackend) Backends.cpu(), JavaBackend.INSTANCE, -1));
        assertEquals("SmallProblemRouter: smallWork must be at least 0, got -1", bad.getMessage());
    }
}
