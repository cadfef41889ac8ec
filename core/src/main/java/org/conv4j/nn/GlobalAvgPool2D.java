package org.conv4j.nn;

import java.util.Arrays;
import java.util.List;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;

/**
 * The mean of each channel's whole plane: {@code [N, C, H, W] -> [N, C, 1, 1]}, i.e. average pooling with
 * an {@code H x W} window (the head of NiN, GoogLeNet, ResNet). No parameters. Not thread-safe.
 */
public final class GlobalAvgPool2D implements Layer {
    private final Backend backend;
    private int[] lastXShape;

    /**
     * Global average pooling on {@link Backends#auto()}.
     *
     * @throws org.conv4j.BackendUnavailableException if {@code conv4j.backend} / {@code CONV4J_BACKEND}
     *                                  names a backend that cannot run here
     */
    public GlobalAvgPool2D() {
        this(null);
    }

    /**
     * Global average pooling on {@code backend}.
     *
     * @param backend {@code null} for {@link Backends#auto()}
     */
    public GlobalAvgPool2D(Backend backend) {
        this.backend = backend != null ? backend : Backends.auto();
    }

    /**
     * The mean over H and W of every {@code (n, c)} plane; remembers the shape of {@code x}.
     *
     * @param x {@code [N, C, H, W]}
     * @return {@code [N, C, 1, 1]}, possibly in the backend's memory
     * @throws IllegalArgumentException if {@code x} is null or not rank 4
     */
    @Override
    public Tensor forward(Tensor x) {
        int[] s = checkRank4(x);
        Tensor y = backend.avgPool2d(x, window(s));
        lastXShape = s;
        return y;
    }

    /**
     * Spreads each {@code dy[n, c, 0, 0]} evenly over its plane: {@code dx[n, c, i, j] = dy[n, c, 0, 0] / (H W)}.
     *
     * @param dy {@code [N, C, 1, 1]}
     * @return {@code dx}, {@code [N, C, H, W]} of the last input
     * @throws IllegalStateException    if {@link #forward} was never called
     * @throws IllegalArgumentException if {@code dy} is null or not {@code [N, C, 1, 1]}
     */
    @Override
    public Tensor backward(Tensor dy) {
        if (lastXShape == null) {
            throw new IllegalStateException("GlobalAvgPool2D.backward: call forward first");
        }
        return backend.avgPool2dBackward(dy, lastXShape, window(lastXShape));
    }

    private static PoolParams window(int[] s) {
        return PoolParams.of(s[2], s[3]);
    }

    private static int[] checkRank4(Tensor x) {
        if (x == null) {
            throw new IllegalArgumentException("GlobalAvgPool2D: x is null");
        }
        int[] s = x.shape();
        if (s.length != 4) {
            throw new IllegalArgumentException("GlobalAvgPool2D: x must have rank 4 [N, C, H, W], got shape "
                    + Arrays.toString(s));
        }
        return s;
    }

    /** None: an empty list. */
    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public String toString() {
        return "GlobalAvgPool2D(backend " + backend.name() + ")";
    }
}
