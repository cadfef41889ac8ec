package org.conv4j.examples;

import java.util.List;
import org.conv4j.Tensor;
import org.conv4j.nn.Layer;
import org.conv4j.nn.Parameter;

/**
 * A layer that adds the CPU time of the whole process during its forward and backward calls to a counter (for
 * profiles): unlike wall-clock time it counts the work of conv4j's worker threads and not the time other
 * programs on a shared machine take the cores away.
 */
final class TimedLayer implements Layer {
    private final Layer inner;
    private final long[] nanos;
    private final int slot;

    /** Times {@code inner} into {@code nanos[slot]}. */
    TimedLayer(Layer inner, long[] nanos, int slot) {
        this.inner = inner;
        this.nanos = nanos;
        this.slot = slot;
    }

    @Override
    public Tensor forward(Tensor x) {
        long t0 = Cpu.nanos();
        try {
            return inner.forward(x);
        } finally {
            nanos[slot] += Cpu.nanos() - t0;
        }
    }

    @Override
    public Tensor backward(Tensor dy) {
        long t0 = Cpu.nanos();
        try {
            return inner.backward(dy);
        } finally {
            nanos[slot] += Cpu.nanos() - t0;
        }
    }

    @Override
    public void backwardParameters(Tensor dy) {
        long t0 = Cpu.nanos();
        try {
            inner.backwardParameters(dy);
        } finally {
            nanos[slot] += Cpu.nanos() - t0;
        }
    }

    @Override
    public List<Parameter> parameters() {
        return inner.parameters();
    }

    @Override
    public String toString() {
        return inner.toString();
    }
}
