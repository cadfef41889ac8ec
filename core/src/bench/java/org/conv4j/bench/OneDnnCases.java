package org.conv4j.bench;

import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.Tensor;
import org.conv4j.bench.onednn.Agreement;
import org.conv4j.bench.onednn.ConvPeer;
import org.conv4j.bench.onednn.Layout;
import org.conv4j.bench.onednn.PoolPeer;

/**
 * Builds oneDNN peers on the bench shapes with exactly the inputs {@link ConvBench} and {@link PoolBench} use
 * (same seeds), and checks a peer's result against the java backend's.
 */
final class OneDnnCases {
    private OneDnnCases() {
    }

    /** The convolution operation a JMH method name ({@code forward}, {@code backwardData}, {@code backwardWeights}) means. */
    static ConvPeer.Op convOp(String method) {
        return switch (method) {
            case "forward" -> ConvPeer.Op.FORWARD;
            case "backwardData" -> ConvPeer.Op.BACKWARD_DATA;
            case "backwardWeights" -> ConvPeer.Op.BACKWARD_WEIGHTS;
            default -> throw new IllegalArgumentException("no oneDNN convolution for benchmark method " + method);
        };
    }

    private static float[] x(Shapes.Conv s) {
        return Shapes.random(1, s.xSize());
    }

    private static float[] w(Shapes.Conv s) {
        return Shapes.random(2, s.wSize());
    }

    private static float[] bias(Shapes.Conv s) {
        return Shapes.random(3, s.cOut());
    }

    private static float[] dy(Shapes.Conv s) {
        return Shapes.random(4, s.ySize());
    }

    static ConvPeer conv(Shapes.Conv s, ConvPeer.Op op, Layout layout) {
        return new ConvPeer(op, layout, s.n(), s.cIn(), s.h(), s.w(), s.cOut(), s.kh(), s.kw(),
                new ConvPeer.Geometry(s.stride(), s.padT(), s.padB(), s.padL(), s.padR(), s.dil(), s.groups()),
                x(s), w(s), bias(s), dy(s));
    }

    /** The java backend's result of {@code op} on the shape's inputs (plain NCHW / OIHW). */
    static float[] reference(Shapes.Conv s, ConvPeer.Op op) {
        Backend java = Backends.java();
        int[] xShape = s.xShape();
        int[] wShape = s.wShape();
        try (Tensor tx = Tensor.of(x(s), xShape); Tensor tw = Tensor.of(w(s), wShape);
                Tensor tb = Tensor.of(bias(s), s.cOut());
                Tensor tdy = Tensor.of(dy(s), s.yShape());
                Tensor ref = switch (op) {
                    case FORWARD -> java.conv2d(tx, tw, tb, s.params());
                    case BACKWARD_DATA -> java.conv2dBackwardData(tdy, tw, xShape, s.params());
                    case BACKWARD_WEIGHTS -> java.conv2dBackwardWeights(tdy, tx, wShape, s.params());
                }) {
            return ref.toArray();
        }
    }

    /**
     * Runs the peer once and compares its result with the java backend's on the same inputs.
     *
     * @param reference {@link #reference(Shapes.Conv, ConvPeer.Op)}, or null to compute it here
     * @return the relative difference (see {@link Agreement#check})
     * @throws IllegalStateException when they disagree
     */
    static double verify(Shapes.Conv s, ConvPeer.Op op, ConvPeer peer, float[] reference) {
        peer.run();
        float[] ref = reference != null ? reference : reference(s, op);
        return Agreement.check("oneDNN " + peer.layout() + " " + op + " " + s.id() + " (" + peer.implementation() + ")",
                ref, peer.result());
    }

    /**
     * Runs conv4j's backend {@code backend} once on the shape's inputs and compares with {@code reference}.
     *
     * @return the relative difference (see {@link Agreement#check})
     * @throws IllegalStateException when they disagree
     */
    static double verifyBackend(String backend, Shapes.Conv s, ConvPeer.Op op, float[] reference) {
        Backend b = Backends.get(backend);
        try (Tensor tx = Tensor.of(x(s), s.xShape()); Tensor tw = Tensor.of(w(s), s.wShape());
                Tensor tb = Tensor.of(bias(s), s.cOut()); Tensor tdy = Tensor.of(dy(s), s.yShape());
                Tensor got = switch (op) {
                    case FORWARD -> b.conv2d(tx, tw, tb, s.params());
                    case BACKWARD_DATA -> b.conv2dBackwardData(tdy, tw, s.xShape(), s.params());
                    case BACKWARD_WEIGHTS -> b.conv2dBackwardWeights(tdy, tx, s.wShape(), s.params());
                }) {
            return Agreement.check("conv4j " + backend + " " + op + " " + s.id(), reference, got.toArray());
        }
    }

    private static float[] x(Shapes.Pool s) {
        return Shapes.random(5, s.n() * s.c() * s.h() * s.w());
    }

    private static float[] dy(Shapes.Pool s) {
        return Shapes.random(6, s.n() * s.c() * s.hOut() * s.wOut());
    }

    static PoolPeer pool(Shapes.Pool s, boolean backward, Layout layout) {
        return new PoolPeer(backward, s.max(), layout, s.n(), s.c(), s.h(), s.w(), s.k(), s.stride(), s.pad(), x(s),
                dy(s));
    }

    /** The java backend's pooling result on the shape's inputs. */
    static float[] reference(Shapes.Pool s, boolean backward) {
        Backend java = Backends.java();
        int[] xShape = {s.n(), s.c(), s.h(), s.w()};
        try (Tensor tx = Tensor.of(x(s), xShape); Tensor tdy = Tensor.of(dy(s), s.n(), s.c(), s.hOut(), s.wOut());
                Tensor ref = backward
                        ? (s.max() ? java.maxPool2dBackward(tdy, tx, s.params()) : java.avgPool2dBackward(tdy, xShape, s.params()))
                        : (s.max() ? java.maxPool2d(tx, s.params()) : java.avgPool2d(tx, s.params()))) {
            return ref.toArray();
        }
    }

    /** As {@link #verify(Shapes.Conv, ConvPeer.Op, ConvPeer, float[])} for pooling. */
    static double verify(Shapes.Pool s, boolean backward, PoolPeer peer, float[] reference) {
        peer.run();
        float[] ref = reference != null ? reference : reference(s, backward);
        return Agreement.check("oneDNN " + peer.layout() + (backward ? " backward " : " forward ") + s.id() + " ("
                + peer.implementation() + ")", ref, peer.result());
    }

    /** Whether JMH set-up should verify ({@code -Dbench.verify}, default true). */
    static boolean verifyAtSetUp() {
        return Boolean.parseBoolean(System.getProperty("bench.verify", "true"));
    }
}
