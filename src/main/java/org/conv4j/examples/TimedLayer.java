package org.conv4j.examples;

import java.util.List;
import org.conv4j.Tensor;
import org.conv4j.nn.Layer;
import org.conv4j.nn.Parameter;

/** A layer that adds the wall-clock time of its forward and backward calls to a counter (for profiles). */
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
        long t0 = System.nanoTime();
        try {
            return inner.forward(x);
        } finally {
            nanos[slot] += System.nanoTime() - t0;
        }
    }

    @Override
    public Tensor backward(Tensor dy) {
        long t0 = System.nanoTime();
        try {
            return inner.backward(dy);
        } finally {
            nanos[slot] += System.nanoTime() - t0;
        }
    }

    @Override
    public void backwardParameters(Tensor dy) {
        long t0 = System.nanoTime();
        try {
            inner.backwardParameters(dy);
        } finally {
            nanos[slot] += System.nanoTime() - t0;
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
