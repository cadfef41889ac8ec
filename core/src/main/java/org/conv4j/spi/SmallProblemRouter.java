package org.conv4j.spi;

import java.util.Arrays;
import org.conv4j.Backend;
import org.conv4j.Precision;
import org.conv4j.IntTensor;
import org.conv4j.MaxPoolResult;
import org.conv4j.Tensor;

/**
 * A backend that runs problems of at most {@link #smallWork()} multiply-adds on a second backend (for the
 * cpu backend: the java kernels, because a JNI call plus a native result costs more than the whole
 * computation there) and everything else on the first. Arguments are validated once, by this class; the
 * validated geometry is handed on to whichever backend runs.
 *
 * <p>Work is counted as multiply-adds for convolutions, {@code N·C·H·W} for the bias gradient, and four per
 * window element for pooling. {@link #lastRoute()} tells which way the calling thread's last routed
 * operation went, and each decision is logged at {@code DEBUG} on the {@code org.conv4j.<name>} logger.
 */
public final class SmallProblemRouter extends BaseBackend {
    private static final ThreadLocal<String> LAST_ROUTE = new ThreadLocal<>();

    private final BaseBackend backend;
    private final BaseBackend small;
    private final long smallWork;
    private final System.Logger log;

    /**
     * A router.
     *
     * @param backend   runs problems with more than {@code smallWork} work; its name is this backend's name
     * @param small     runs the others
     * @param smallWork the threshold (0 or more; 0 routes nothing)
     * @throws IllegalArgumentException if {@code smallWork < 0} or a backend is null
     */
    public SmallProblemRouter(BaseBackend backend, BaseBackend small, long smallWork) {
        if (backend == null || small == null) {
            throw new IllegalArgumentException("SmallProblemRouter: backend and small must not be null");
        }
        if (smallWork < 0) {
            throw new IllegalArgumentException("SmallProblemRouter: smallWork must be at least 0, got " + smallWork);
        }
        this.backend = backend;
        this.small = small;
        this.smallWork = smallWork;
        this.log = System.getLogger("org.conv4j." + backend.name());
    }

    /**
     * Which way the calling thread's last routed operation went.
     *
     * @return {@code "native"} (the main backend; named so for the cpu backend), {@code "java"} (the small-problem
     *         backend), or null before the first one
     */
    public static String lastRoute() {
        return LAST_ROUTE.get();
    }

    /**
     * The routing threshold.
     *
     * @return operations with at most this much work run on the small-problem backend
     */
    public long smallWork() {
        return smallWork;
    }

    /**
     * The main backend's precision.
     *
     * @return the precision of the backend that runs the larger problems (the small-problem backend is java,
     *         always {@link Precision#ACCURATE})
     */
    @Override
    public Precision precision() {
        return backend.precision();
    }

    /**
     * The same routing in front of the main backend's variant of that precision.
     *
     * @param precision see {@link org.conv4j.Backend#withPrecision}
     * @return this router if the main backend already has that precision, else a new router
     * @throws IllegalArgumentException if {@code precision} is null or the main backend's variant is not a
     *                                  {@link BaseBackend}
     */
    @Override
    public Backend withPrecision(Precision precision) {
        Backend b = backend.withPrecision(precision);
        if (b == backend) {
            return this;
        }
        if (!(b instanceof BaseBackend)) {
            throw new IllegalArgumentException("SmallProblemRouter: " + backend.name() + "'s " + precision
                    + " variant is not a BaseBackend");
        }
        return new SmallProblemRouter((BaseBackend) b, small, smallWork);
    }

    /**
     * The main backend's name.
     *
     * @return e.g. {@code "cpu"}
     */
    @Override
    public String name() {
        return backend.name();
    }

    /**
     * The name and the threshold.
     *
     * @return e.g. {@code "cpu (problems of at most 4096 multiply-adds run on java)"}
     */
    @Override
    public String toString() {
        return backend.name() + " (problems of at most " + smallWork + " multiply-adds run on " + small.name() + ")";
    }

    private BaseBackend route(double work, String op, Object geometry) {
        boolean toSmall = work <= smallWork;
        LAST_ROUTE.set(toSmall ? small.name() : "native");
        if (log.isLoggable(System.Logger.Level.DEBUG)) {
            log.log(System.Logger.Level.DEBUG, "conv4j " + backend.name() + ": " + op + " " + geometry + " -> "
                    + (toSmall ? small.name() + " (work " + (long) work + " <= " + smallWork + ")" : backend.name()));
        }
        return toSmall ? small : backend;
    }

    private static double poolWork(PoolGeometry g) {
        return 4 * g.windowOps();
    }

    @Override
    protected Tensor doConv2d(ConvGeometry g, Tensor x, Tensor w, Tensor bias) {
        return route(g.flops() / 2, "conv2d", g).doConv2d(g, x, w, bias);
    }

    @Override
    protected Tensor doConv2dBackwardData(ConvGeometry g, Tensor dy, Tensor w) {
        return route(g.flops() / 2, "conv2dBackwardData", g).doConv2dBackwardData(g, dy, w);
    }

    @Override
    protected Tensor doConv2dBackwardWeights(ConvGeometry g, Tensor dy, Tensor x) {
        return route(g.flops() / 2, "conv2dBackwardWeights", g).doConv2dBackwardWeights(g, dy, x);
    }

    @Override
    protected Tensor doConv2dBackwardBias(Tensor dy) {
        int[] s = dy.shape();
        return route((double) s[0] * s[1] * s[2] * s[3], "conv2dBackwardBias", Arrays.toString(s))
                .doConv2dBackwardBias(dy);
    }

    @Override
    protected Tensor doMaxPool2d(PoolGeometry g, Tensor x) {
        return route(poolWork(g), "maxPool2d", g).doMaxPool2d(g, x);
    }

    @Override
    protected Tensor doMaxPool2dBackward(PoolGeometry g, Tensor dy, Tensor x) {
        return route(poolWork(g), "maxPool2dBackward", g).doMaxPool2dBackward(g, dy, x);
    }

    @Override
    protected Tensor doAvgPool2d(PoolGeometry g, Tensor x) {
        return route(poolWork(g), "avgPool2d", g).doAvgPool2d(g, x);
    }

    @Override
    protected Tensor doAvgPool2dBackward(PoolGeometry g, Tensor dy) {
        return route(poolWork(g), "avgPool2dBackward", g).doAvgPool2dBackward(g, dy);
    }

    private static double indexWork(IndexGeometry g) {
        return 4.0 * g.n * g.c * ((double) g.hs * g.ws + (double) g.hb * g.wb);
    }

    @Override
    protected MaxPoolResult doMaxPool2dWithIndices(PoolGeometry g, Tensor x) {
        return route(poolWork(g), "maxPool2dWithIndices", g).doMaxPool2dWithIndices(g, x);
    }

    @Override
    protected Tensor doMaxPool2dBackwardIndices(IndexGeometry g, Tensor dy, IntTensor indices) {
        return route(indexWork(g), "maxPool2dBackward", g).doMaxPool2dBackwardIndices(g, dy, indices);
    }

    @Override
    protected Tensor doMaxUnpool2d(IndexGeometry g, Tensor x, IntTensor indices) {
        return route(indexWork(g), "maxUnpool2d", g).doMaxUnpool2d(g, x, indices);
    }

    @Override
    protected Tensor doAdaptiveAvgPool2d(AdaptivePoolGeometry g, Tensor x) {
        return route(4 * g.windowOps(), "adaptiveAvgPool2d", g).doAdaptiveAvgPool2d(g, x);
    }

    @Override
    protected Tensor doAdaptiveAvgPool2dBackward(AdaptivePoolGeometry g, Tensor dy) {
        return route(4 * g.windowOps(), "adaptiveAvgPool2dBackward", g).doAdaptiveAvgPool2dBackward(g, dy);
    }

    @Override
    protected Tensor doAdaptiveMaxPool2d(AdaptivePoolGeometry g, Tensor x) {
        return route(4 * g.windowOps(), "adaptiveMaxPool2d", g).doAdaptiveMaxPool2d(g, x);
    }

    @Override
    protected MaxPoolResult doAdaptiveMaxPool2dWithIndices(AdaptivePoolGeometry g, Tensor x) {
        return route(4 * g.windowOps(), "adaptiveMaxPool2dWithIndices", g).doAdaptiveMaxPool2dWithIndices(g, x);
    }
}
