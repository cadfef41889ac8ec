package org.conv4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.conv4j.Conv4j;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Parallel#forPieces}: every index exactly once, for any size, grain and thread count; failures surface. */
class ParallelPiecesTest {
    private final int saved = Conv4j.threads();

    @AfterEach
    void restore() {
        Conv4j.setThreads(saved);
    }

    @ParameterizedTest(name = "n={0} grain={1} threads={2}")
    @CsvSource({"0,1,2", "1,1,2", "7,1,2", "7,100,2", "1000,1,2", "1000,3,3", "1001,17,4", "5,1,1", "64,2147483647,2"})
    void coversEveryIndexExactlyOnce(int n, int grain, int threads) {
        Conv4j.setThreads(threads);
        AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
        Parallel.forPieces(n, grain, (from, to) -> {
            for (int i = from; i < to; i++) {
                hits.incrementAndGet(i);
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, hits.get(i), "index " + i);
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @CsvSource({"1", "2", "3"})
    void rethrowsTheBodysException(int threads) {
        Conv4j.setThreads(threads);
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Parallel.forPieces(100, 1,
                (from, to) -> {
                    if (from <= 50 && 50 < to) {
                        throw boom;
                    }
                }));
        assertSame(boom, thrown);
    }
}
