package org.conv4j.nn;

import java.util.List;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.PoolParams;

/**
 * What {@link MaxPool2D} and {@link AvgPool2D} share: the {@link PoolParams} and the backend they run on, and
 * no parameters.
 */
abstract class WindowPoolLayer implements Layer {
    private final String name;
    final PoolParams params;
    final Backend backend;

    /** @param backend {@code null} for {@link Backends#auto()} */
    WindowPoolLayer(String name, PoolParams params, Backend backend) {
        if (params == null) {
            throw new IllegalArgumentException(name + ": params is null");
        }
        this.name = name;
        this.params = params;
        this.backend = backend != null ? backend : Backends.auto();
    }

    /** None: an empty list. */
    @Override
    public final List<Parameter> parameters() {
        return List.of();
    }

    /**
     * Window, stride, padding, rounding and (average pooling) divisor rule.
     *
     * @return the parameters the layer was built with
     */
    public final PoolParams params() {
        return params;
    }

    @Override
    public final String toString() {
        return name + "(" + params + ", backend " + backend.name() + ")";
    }
}
