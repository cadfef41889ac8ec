package org.conv4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.junit.jupiter.api.Test;
import org.conv4j.spi.TensorAccess;

/**
 * The cuda backend against the java reference on a GPU: every operation on random shapes with every parameter,
 * results left on the device, no host round trip in a chain, deterministic gradients, clean out-of-memory.
 * Skipped, with the reason printed, where there is no usable GPU.
 */
class CudaBackendTest {
    private static final Backend REF = Backends.java();

    private static Tensor random(Random r, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return Tensor.of(v, shape);
    }

    private static void assertClose(Tensor want, Tensor got, String what) {
        assertEquals("cuda", got.location(), what + ": result must stay on the GPU");
        assertArrayEquals(want.shape(), got.shape(), what);
        float[] e = want.toArray(), a = got.toArray();
        for (int i = 0; i < e.length; i++) {
            float tol = 1e-4f * Math.max(1f, Math.abs(e[i])) * 10;
            if (!(Math.abs(e[i] - a[i]) <= tol)) {
                throw new AssertionError(what + ": element " + i + " is " + a[i] + ", java says " + e[i]);
            }
        }
    }

    @Test
    void everyOperationMatchesTheJavaReferenceOnRandomShapes() {
        CudaBackend cuda = CudaTestSupport.cudaOrSkip();
        Random r = new Random(11);
        for (int c = 0; c < 60; c++) {
            int g = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 1;
            int cin = g * (1 + r.nextInt(6)), cout = g * (1 + r.nextInt(8));
            int kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4), dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
            int h = dh * (kh - 1) + 1 + r.nextInt(10), w = dw * (kw - 1) + 1 + r.nextInt(10);
            ConvParams p = ConvParams.defaults().stride(1 + r.nextInt(3), 1 + r.nextInt(3))
                    .padding(r.nextInt(3), r.nextInt(3), r.nextInt(3), r.nextInt(3)).dilation(dh, dw).groups(g);
            int n = 1 + r.nextInt(3);
            Tensor x = random(r, n, cin, h, w), wt = random(r, cout, cin / g, kh, kw), b = random(r, cout);
            String what = "case " + c + " " + p;
            try (Tensor y = cuda.conv2d(x, wt, b, p)) {
                Tensor yr = REF.conv2d(x, wt, b, p);
                assertClose(yr, y, "conv2d " + what);
                Tensor dy = random(r, yr.shape());
                try (Tensor dx = cuda.conv2dBackwardData(dy, wt, x.shape(), p);
                        Tensor dwt = cuda.conv2dBackwardWeights(dy, x, wt.shape(), p);
                        Tensor db = cuda.conv2dBackwardBias(dy)) {
                    assertClose(REF.conv2dBackwardData(dy, wt, x.shape(), p), dx, "conv2dBackwardData " + what);
                    assertClose(REF.conv2dBackwardWeights(dy, x, wt.shape(), p), dwt, "conv2dBackwardWeights " + what);
                    assertClose(REF.conv2dBackwardBias(dy), db, "conv2dBackwardBias " + what);
                }
            }
            int pk = 1 + r.nextInt(4);
            PoolParams pp = PoolParams.of(pk, 1 + r.nextInt(4)).stride(1 + r.nextInt(3), 1 + r.nextInt(3))
                    .padding(r.nextInt(pk / 2 + 1), 0).ceilMode(r.nextBoolean()).countIncludePad(r.nextBoolean());
            Tensor px = random(r, n, cin, 4 + r.nextInt(8), 4 + r.nextInt(8));
            try (Tensor my = cuda.maxPool2d(px, pp); Tensor ay = cuda.avgPool2d(px, pp)) {
                assertClose(REF.maxPool2d(px, pp), my, "maxPool2d " + pp);
                assertClose(REF.avgPool2d(px, pp), ay, "avgPool2d " + pp);
                Tensor pdy = random(r, my.shape());
                try (Tensor mdx = cuda.maxPool2dBackward(pdy, px, pp);
                        Tensor adx = cuda.avgPool2dBackward(pdy, px.shape(), pp)) {
                    assertClose(REF.maxPool2dBackward(pdy, px, pp), mdx, "maxPool2dBackward " + pp);
                    assertClose(REF.avgPool2dBackward(pdy, px.shape(), pp), adx, "avgPool2dBackward " + pp);
                }
            }
        }
    }

    @Test
    void convPoolConvStaysOnTheDevice() {
        CudaBackend cuda = CudaTestSupport.cudaOrSkip();
        Random r = new Random(3);
        Tensor x = random(r, 2, 3, 16, 16), w1 = random(r, 8, 3, 3, 3), w2 = random(r, 4, 8, 3, 3);
        ConvParams p = ConvParams.defaults().padding(1, 1);
        PoolParams pp = PoolParams.of(2, 2);
        try (Tensor dx = cuda.toDevice(x); Tensor dw1 = cuda.toDevice(w1); Tensor dw2 = cuda.toDevice(w2)) {
            long before = cuda.uploadCount();
            try (Tensor a = cuda.conv2d(dx, dw1, null, p); Tensor b = cuda.maxPool2d(a, pp);
                    Tensor c = cuda.conv2d(b, dw2, null, p)) {
                assertEquals(before, cuda.uploadCount(), "device tensors must not be uploaded again");
                assertEquals("cuda", b.location());
                assertClose(REF.conv2d(REF.maxPool2d(REF.conv2d(x, w1, null, p), pp), w2, null, p), c, "chain");
            }
            assertSame(dx, cuda.toDevice(dx));
        }
    }

    @Test
    void gradientsHaveIdenticalBitsOnEveryRun() {
        CudaBackend cuda = CudaTestSupport.cudaOrSkip();
        Random r = new Random(5);
        Tensor x = random(r, 8, 16, 28, 28), w = random(r, 32, 16, 3, 3);
        ConvParams p = ConvParams.defaults().padding(1, 1);
        Tensor dy = random(r, 8, 32, 28, 28);
        float[] first = null;
        float[] firstBias = null;
        for (int i = 0; i < 5; i++) {
            try (Tensor dw = cuda.conv2dBackwardWeights(dy, x, w.shape(), p); Tensor db = cuda.conv2dBackwardBias(dy)) {
                if (first == null) {
                    first = dw.toArray();
                    firstBias = db.toArray();
                } else {
                    assertTrue(Arrays.equals(first, dw.toArray()), "backward-weights bits differ on run " + i);
                    assertTrue(Arrays.equals(firstBias, db.toArray()), "backward-bias bits differ on run " + i);
                }
            }
        }
    }

    @Test
    void closeFreesAndIsIdempotent() {
        CudaBackend cuda = CudaTestSupport.cudaOrSkip();
        Tensor t = cuda.toDevice(Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
        assertArrayEquals(new float[] {1, 2, 3, 4}, t.toArray());
        t.close();
        t.close();
        assertThrows(IllegalStateException.class, t::toArray);
    }

    @Test
    void deviceOutOfMemoryIsAClearExceptionAndTheBackendStaysUsable() {
        CudaBackend cuda = CudaTestSupport.cudaOrSkip();
        // 2^31-1 floats (8 GiB) per tensor: allocate until the device is full, then free everything.
        java.util.List<Tensor> held = new java.util.ArrayList<>();
        CudaOutOfMemoryException oom = null;
        try {
            for (int i = 0; i < 64 && oom == null; i++) {
                try {
                    held.add(TensorAccess.wrap(CudaStorage.allocate(Integer.MAX_VALUE, "test"), Integer.MAX_VALUE));
                } catch (CudaOutOfMemoryException e) {
                    oom = e;
                }
            }
        } finally {
            held.forEach(Tensor::close);
        }
        if (oom == null) {
            System.out.println("device has more than 512 GiB: out-of-memory path not reached");
            return;
        }
        assertTrue(oom.getMessage().contains("cudaErrorMemoryAllocation"), oom.getMessage());
        assertTrue(oom.getMessage().startsWith("test on cuda: alloc of"), oom.getMessage());
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        try (Tensor y = cuda.maxPool2d(x, PoolParams.of(2, 2))) {
            assertArrayEquals(new float[] {4}, y.toArray());
        }
    }
}
