package org.conv4j.cpu;

import static org.conv4j.cpu.CpuTestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * Eight Java threads run different convolutions and poolings on the cpu backend at once for a few
 * seconds; every result is checked against the java backend. Shapes are big enough to take the
 * native, multi-task path (and small ones take the routed path), so tasks of different calls share
 * conv4j's pool concurrently.
 */
@DisabledIfSystemProperty(named = "conv4j.test.skipNative", matches = "true",
        disabledReason = "native build skipped (-Dconv4j.skipNative=true)")
class ConcurrencyTest {

    @Test
    void eightThreadsGetCorrectResults() throws Exception {
        Backend cpu = Backends.cpu();
        Backend java = Backends.java();
        long end = System.nanoTime() + 3_000_000_000L;
        ExecutorService ex = Executors.newFixedThreadPool(8);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            final int id = t;
            results.add(ex.submit(() -> {
                Random r = new Random(id);
                int checked = 0;
                while (System.nanoTime() < end) {
                    int c = 2 + id % 3, k = 1 + id % 3;
                    Tensor x = random(r, 2, c * 2, 12 + id, 10 + id);
                    Tensor w = random(r, 4, c, k, k);
                    ConvParams p = ConvParams.defaults().padding(id % 2, id % 2).stride(1 + id % 2, 1).groups(2);
                    Tensor y = cpu.conv2d(x, w, null, p);
                    CpuTestSupport.assertClose("thread " + id + " conv2d", java.conv2d(x, w, null, p), y, 1e-4f);
                    Tensor dy = random(r, y.shape());
                    CpuTestSupport.assertClose("thread " + id + " conv2dBackwardData",
                            java.conv2dBackwardData(dy, w, x.shape(), p), cpu.conv2dBackwardData(dy, w, x.shape(), p), 1e-4f);
                    CpuTestSupport.assertClose("thread " + id + " conv2dBackwardWeights",
                            java.conv2dBackwardWeights(dy, x, w.shape(), p),
                            cpu.conv2dBackwardWeights(dy, x, w.shape(), p), 1e-4f);
                    PoolParams pp = PoolParams.of(2 + id % 2, 3).stride(2, 1 + id % 3).padding(1, 1).ceilMode(id % 2 == 0);
                    CpuTestSupport.assertClose("thread " + id + " maxPool2d", java.maxPool2d(x, pp), cpu.maxPool2d(x, pp), 0f);
                    CpuTestSupport.assertClose("thread " + id + " avgPool2d", java.avgPool2d(x, pp), cpu.avgPool2d(x, pp), 1e-5f);
                    y.close();
                    checked++;
                }
                return checked;
            }));
        }
        ex.shutdown();
        int total = 0;
        for (Future<Integer> f : results) {
            total += f.get(); // rethrows any assertion failure of a worker
        }
        assertTrue(total >= 8, "only " + total + " rounds ran");
        assertEquals(1, CpuBackend.blasThreads(), "OpenBLAS must stay single-threaded under conv4j's pool");
    }
}
