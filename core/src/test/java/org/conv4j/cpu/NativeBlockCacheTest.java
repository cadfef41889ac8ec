package org.conv4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.conv4j.java.JavaBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.conv4j.spi.TensorAccess;

/** The bounded cache of large closed result blocks (NativeBlockCache) and its use by NativeStorage. */
@DisabledIfSystemProperty(named = "conv4j.test.skipNative", matches = "true",
        disabledReason = "native build skipped (-Dconv4j.skipNative=true)")
class NativeBlockCacheTest {
    private static final int MIB_FLOATS = 1 << 18;  // floats in 1 MiB

    @Test
    void aKeptBlockServesTheNextAllocationOfAboutItsSize() {
        NativeBlockCache cache = new NativeBlockCache(64L << 20);
        FloatPointer p = new FloatPointer(2L * MIB_FLOATS);
        assertTrue(cache.offer(p));
        assertEquals(2L << 20, cache.bytes());
        assertNull(cache.take(3L * MIB_FLOATS), "a bigger request must not get a smaller block");
        assertNull(cache.take(MIB_FLOATS), "a block more than a quarter too big is not handed out");
        assertSame(p, cache.take(2L * MIB_FLOATS - 100));
        assertEquals(0, cache.bytes());
        assertEquals(0, cache.blocks());
        p.close();
    }

    @Test
    void smallBlocksAreNotKeptAndTheBoundsHold() {
        NativeBlockCache cache = new NativeBlockCache(20L << 20);
        FloatPointer small = new FloatPointer(MIB_FLOATS / 8);
        assertFalse(cache.offer(small), "blocks under 256 KiB are freed by the caller");
        small.close();
        long before = Pointer.totalBytes();
        for (int i = 0; i < 6; i++) {
            assertTrue(cache.offer(new FloatPointer(MIB_FLOATS * 8L)));  // 8 MiB each
            assertTrue(cache.bytes() <= 20L << 20, "kept " + cache.bytes());
        }
        assertEquals(2, cache.blocks(), "two 8 MiB blocks fit in 20 MiB");
        assertTrue(Pointer.totalBytes() - before <= 16L << 20, "evicted blocks must be freed");
        FloatPointer tooBig = new FloatPointer(MIB_FLOATS * 24L);  // more than the whole cache
        assertFalse(cache.offer(tooBig));
        tooBig.close();
        for (int i = 0; i < 20; i++) {
            cache.offer(new FloatPointer(MIB_FLOATS));  // 1 MiB each: the block count bounds them
        }
        assertTrue(cache.blocks() <= NativeBlockCache.MAX_BLOCKS);
        cache.clear();
        assertEquals(0, cache.bytes());
        NativeBlockCache off = new NativeBlockCache(0);
        FloatPointer big = new FloatPointer(MIB_FLOATS * 4L);  // 4 MiB
        assertFalse(off.offer(big), "a zero-byte cache keeps nothing");
        big.close();
    }

    @Test
    void resultsWrittenIntoAReusedBlockAreRight() {
        CpuBackend cpu = CpuBackend.create(true);
        Random r = new Random(5);
        Tensor x = CpuTestSupport.random(r, 2, 16, 96, 96);  // dx: 1.2 MiB, kept when closed
        PoolParams p = PoolParams.of(3, 3).stride(2, 2).padding(1, 1);
        Tensor y = cpu.maxPool2d(x, p);
        Tensor dy = CpuTestSupport.random(r, y.shape());
        float[] expected = JavaBackend.INSTANCE.maxPool2dBackward(dy, x, p).toArray();
        Tensor first = cpu.maxPool2dBackward(dy, x, p);
        FloatPointer block = ((NativeStorage) TensorAccess.storage(first)).pointer();
        assertArrayEquals(expected, first.toArray());
        first.close();
        Tensor second = cpu.maxPool2dBackward(dy, x, p);
        assertSame(block, ((NativeStorage) TensorAccess.storage(second)).pointer(), "the closed block was not reused");
        assertArrayEquals(expected, second.toArray());
        Tensor third = cpu.maxPool2dBackward(dy, x, p);  // the block is in use: a new one
        assertNotNull(((NativeStorage) TensorAccess.storage(third)).pointer());
        assertFalse(block == ((NativeStorage) TensorAccess.storage(third)).pointer());
        assertArrayEquals(expected, third.toArray());
        second.close();
        third.close();
        y.close();
    }
}
