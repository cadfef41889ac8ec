package org.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.conv4j.spi.TensorAccess;

/** Sigmoid, ReLU and Flatten, fed by each backend's results (heap, native or GPU tensors). */
class ActivationsTest {

    static Iterable<String> backends() {
        return Backends.available();
    }

    /** A tensor in the backend's own memory: an average pooling with a 1x1 window copies x there. */
    private static Tensor onBackend(Backend b, float[] x, int... shape) {
        return b.avgPool2d(Tensor.of(x, shape), PoolParams.of(1, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sigmoidMatchesFloat64AndFiniteDifferences(String backendName) {
        Backend b = Backends.get(backendName);
        Random rnd = new Random(5);
        int[] shape = {2, 3, 4, 5};
        float[] x = NumericGradient.random(rnd, 120);
        for (int i = 0; i < x.length; i++) {
            x[i] *= 8; // saturated and linear regions both
        }
        Sigmoid s = new Sigmoid();
        Tensor y = s.forward(onBackend(b, x, shape));
        float[] yv = y.toArray();
        for (int i = 0; i < x.length; i++) {
            assertEquals(1 / (1 + Math.exp(-x[i])), yv[i], 3e-7, "y[" + i + "]");
        }
        float[] r = NumericGradient.random(rnd, 120);
        Tensor dx = s.backward(onBackend(b, r, shape));
        NumericGradient.assertClose("dx", NumericGradient.of(v -> new Sigmoid().forward(Tensor.of(v, shape)), x, r, 1e-2f),
                dx.toArray(), 1e-3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void reluMatchesFiniteDifferencesAwayFromZero(String backendName) {
        Backend b = Backends.get(backendName);
        Random rnd = new Random(6);
        int[] shape = {3, 2, 2, 5};
        float[] x = NumericGradient.random(rnd, 60);
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i]) < 0.05f) {
                x[i] = 0.5f; // the kink: finite differences are meaningless there
            }
        }
        ReLU relu = new ReLU();
        float[] yv = relu.forward(onBackend(b, x, shape)).toArray();
        for (int i = 0; i < x.length; i++) {
            assertEquals(Math.max(x[i], 0f), yv[i], 0f);
        }
        float[] r = NumericGradient.random(rnd, 60);
        Tensor dx = relu.backward(onBackend(b, r, shape));
        NumericGradient.assertClose("dx", NumericGradient.of(v -> new ReLU().forward(Tensor.of(v, shape)), x, r, 1e-2f),
                dx.toArray(), 1e-4);
    }

    @Test
    void sigmoidIsAccurateOverTheWholeFloatRange() {
        // every 9973rd float bit pattern: all magnitudes, both signs, plus the extremes and NaN
        int n = (int) ((1L << 32) / 9973);
        float[] x = new float[n + 4];
        for (int i = 0; i < n; i++) {
            x[i] = Float.intBitsToFloat((int) (i * 9973L));
        }
        x[n] = Float.NEGATIVE_INFINITY;
        x[n + 1] = Float.POSITIVE_INFINITY;
        x[n + 2] = -9.0001f;
        x[n + 3] = -8.9999f;
        float[] y = new float[x.length];
        Sigmoid.apply(x, y, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            if (Float.isNaN(x[i])) {
                assertTrue(Float.isNaN(y[i]), "sigmoid(NaN) is NaN");
                continue;
            }
            double exact = 1 / (1 + Math.exp(-(double) x[i]));
            assertEquals(exact, y[i], 3e-7, "sigmoid(" + x[i] + ")");
            if (x[i] < -9) {
                assertEquals(exact, y[i], 4 * Math.ulp((float) exact), "relative precision in the tail at " + x[i]);
            }
        }
    }

    @Test
    void reluGradientAtZeroIsZeroAsPyTorch() {
        ReLU relu = new ReLU();
        relu.forward(Tensor.of(new float[] {0f, -1f, 2f}, 3));
        assertArrayEquals(new float[] {0f, 0f, 5f}, relu.backward(Tensor.of(new float[] {5f, 5f, 5f}, 3)).toArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void flattenIsAViewBothWays(String backendName) {
        Backend b = Backends.get(backendName);
        float[] x = NumericGradient.random(new Random(1), 2 * 3 * 2 * 2);
        Tensor xt = onBackend(b, x, 2, 3, 2, 2);
        Flatten f = new Flatten();
        Tensor y = f.forward(xt);
        assertArrayEquals(new int[] {2, 12}, y.shape());
        assertSame(TensorAccess.storage(xt), TensorAccess.storage(y), "no copy");
        assertArrayEquals(x, y.toArray());
        Tensor dy = Tensor.of(x, 2, 12);
        Tensor dx = f.backward(dy);
        assertArrayEquals(new int[] {2, 3, 2, 2}, dx.shape());
        assertSame(TensorAccess.storage(dy), TensorAccess.storage(dx));
        assertThrows(IllegalArgumentException.class, () -> f.backward(Tensor.zeros(2, 11)));
    }

    @Test
    void misuseIsReported() {
        assertThrows(IllegalStateException.class, () -> new Sigmoid().backward(Tensor.zeros(1)));
        assertThrows(IllegalStateException.class, () -> new ReLU().backward(Tensor.zeros(1)));
        assertThrows(IllegalStateException.class, () -> new Flatten().backward(Tensor.zeros(1, 1)));
        assertThrows(IllegalArgumentException.class, () -> new Sigmoid().forward(null));
        Sigmoid s = new Sigmoid();
        s.forward(Tensor.zeros(2, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.backward(Tensor.zeros(4)));
        assertEquals("Sigmoid.backward: dy has shape [4] but the last output has shape [2, 2]", e.getMessage());
    }
}
