package org.conv4j.cpu;

import java.util.ArrayDeque;
import java.util.Iterator;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A few large native blocks of closed results, kept for the next result of about the same size.
 *
 * <p>Why: a fresh block of several MiB is fresh memory pages, and the first write to each 4 KiB page costs a
 * page fault. On this project's virtual machines a max-pool backward into 26 MB of fresh pages took 14.6 ms
 * against 2.5 ms into memory written before (C++ harness, one thread), so a loop that closes its results
 * paid more for page faults than for the work.
 *
 * <p>Bounded: at most {@link #MAX_BLOCKS} blocks and {@code maxBytes} bytes, evicting (freeing) the least
 * recently kept block first; blocks under {@link #MIN_BYTES} are never kept (the C allocator serves those
 * from memory it already has). {@code maxBytes} is {@code -Dconv4j.cpu.resultCacheMiB} MiB (default 256, 0
 * turns the cache off), and never more than a quarter of JavaCPP's native budget ({@code
 * Pointer.maxBytes()}). Blocks of results that are collected instead of closed are freed by JavaCPP as
 * before. Thread-safe.
 */
final class NativeBlockCache {
    /** Smallest block kept: 256 KiB. */
    static final long MIN_BYTES = 1L << 18;
    /** Most blocks kept at once. */
    static final int MAX_BLOCKS = 8;

    /** The process-wide cache of the cpu backend's results. */
    static final NativeBlockCache RESULTS = new NativeBlockCache(configuredBytes());

    private final long maxBytes;
    private final ArrayDeque<FloatPointer> blocks = new ArrayDeque<>();  // most recently kept first
    private long bytes;

    /** @param maxBytes most bytes kept; 0 keeps nothing */
    NativeBlockCache(long maxBytes) {
        this.maxBytes = Math.max(0, maxBytes);
    }

    private static long configuredBytes() {
        long mib;
        try {
            mib = Long.parseLong(System.getProperty("conv4j.cpu.resultCacheMiB", "256").trim());
        } catch (NumberFormatException e) {
            System.getLogger("org.conv4j").log(System.Logger.Level.WARNING,
                    "-Dconv4j.cpu.resultCacheMiB must be a whole number of MiB, got "
                            + System.getProperty("conv4j.cpu.resultCacheMiB") + "; using 256");
            mib = 256;
        }
        long budget = Pointer.maxBytes() > 0 ? Pointer.maxBytes() / 4 : Long.MAX_VALUE;
        return Math.min(Math.max(0, mib) << 20, budget);
    }

    /**
     * A kept block of at least {@code length} floats and at most a quarter more, removed from the cache;
     * null if there is none.
     */
    synchronized FloatPointer take(long length) {
        for (Iterator<FloatPointer> it = blocks.iterator(); it.hasNext(); ) {
            FloatPointer p = it.next();
            long cap = p.capacity();
            if (cap >= length && cap <= length + length / 4) {
                it.remove();
                bytes -= cap * Float.BYTES;
                return p;
            }
        }
        return null;
    }

    /**
     * Keeps {@code p} (the caller gives up its use) if it is large enough and fits, freeing older blocks as
     * needed; returns false, keeping nothing, otherwise (the caller then frees it).
     */
    synchronized boolean offer(FloatPointer p) {
        long size = p.capacity() * Float.BYTES;
        if (size < MIN_BYTES || size > maxBytes) {
            return false;
        }
        while (!blocks.isEmpty() && (blocks.size() >= MAX_BLOCKS || bytes + size > maxBytes)) {
            FloatPointer old = blocks.removeLast();
            bytes -= old.capacity() * Float.BYTES;
            old.close();
        }
        blocks.addFirst(p);
        bytes += size;
        return true;
    }

    /** Bytes kept now. */
    synchronized long bytes() {
        return bytes;
    }

    /** Blocks kept now. */
    synchronized int blocks() {
        return blocks.size();
    }

    /** Frees every kept block. */
    synchronized void clear() {
        for (FloatPointer p : blocks) {
            p.close();
        }
        blocks.clear();
        bytes = 0;
    }
}
