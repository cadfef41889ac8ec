package org.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.Tensor;
import org.conv4j.cpu.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LinearTest {

    static Iterable<String> backends() {
        return Backends.available();
    }

    /** y[n, o] = b[o] + sum_i x[n, i] w[o, i] in float64. */
    static double[] reference(float[] x, float[] w, float[] b, int n, int in, int out) {
        double[] y = new double[n * out];
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    s += (double) x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = s;
            }
        }
        return y;
    }

    private static Linear layer(Backend backend, float[] w, float[] b, int in, int out) {
        return Linear.builder(in, out).backend(backend).bias(b != null).weightInit(Initializer.constant(w))
                .biasInit(Initializer.constant(b == null ? new float[out] : b)).build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void forwardMatchesFloat64AndRunsOnTheBackend(String backendName) {
        Backend backend = Backends.get(backendName);
        Random rnd = new Random(7);
        int n = 37, in = 50, out = 19; // LeNet-like but odd sizes, so no tile divides them
        float[] x = NumericGradient.random(rnd, n * in);
        float[] w = NumericGradient.random(rnd, out * in);
        float[] b = NumericGradient.random(rnd, out);
        Linear fc = layer(backend, w, b, in, out);
        Tensor y = fc.forward(Tensor.of(x, n, in));
        if (backendName.equals("cpu")) {
            // auto()'s cpu backend routes small problems to java: this layer's products must stay native
            layer(((CpuBackend) backend).forAuto(), w, b, in, out).forward(Tensor.of(x, n, in));
            assertEquals("native", CpuBackend.lastRoute(), "the product must run in the cpu backend's native code");
        }
        assertArrayEquals(new int[] {n, out}, y.shape());
        double[] ref = reference(x, w, b, n, in, out);
        float[] got = y.toArray();
        for (int i = 0; i < ref.length; i++) {
            // |x|, |w| <= 1: a float32 sum of 51 terms is within about 51 * 2^-24 * 51 of the exact value
            assertEquals(ref[i], got[i], 1e-4, "y[" + i + "]");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void backwardMatchesFiniteDifferences(String backendName) {
        Backend backend = Backends.get(backendName);
        Random rnd = new Random(11);
        int n = 5, in = 7, out = 3;
        float[] x = NumericGradient.random(rnd, n * in);
        float[] w = NumericGradient.random(rnd, out * in);
        float[] b = NumericGradient.random(rnd, out);
        Linear fc = layer(backend, w, b, in, out);
        Tensor y = fc.forward(Tensor.of(x, n, in));
        float[] r = NumericGradient.random(rnd, y.size());
        Tensor dx = fc.backward(Tensor.of(r, n, out));
        assertArrayEquals(new int[] {n, in}, dx.shape());

        float eps = 0.05f; // linear in x, w and b: central differences are exact up to rounding
        NumericGradient.assertClose("dx", NumericGradient.of(v -> fc.forward(Tensor.of(v, n, in)), x, r, eps),
                dx.toArray(), 2e-3);
        Tensor xt = Tensor.of(x, n, in);
        NumericGradient.assertClose("dw", NumericGradient.of(v -> {
            fc.weight().set(Tensor.of(v, out, in));
            return fc.forward(xt);
        }, w.clone(), r, eps), fc.weight().grad().toArray(), 2e-3);
        fc.weight().set(Tensor.of(w, out, in));
        NumericGradient.assertClose("db", NumericGradient.of(v -> {
            fc.bias().set(Tensor.of(v, out));
            return fc.forward(xt);
        }, b.clone(), r, eps), fc.bias().grad().toArray(), 2e-3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void gradientsAccumulateAcrossBackwardCalls(String backendName) {
        Random rnd = new Random(3);
        float[] w = NumericGradient.random(rnd, 6);
        Linear fc = layer(Backends.get(backendName), w, null, 3, 2);
        float[] x = NumericGradient.random(rnd, 12);
        float[] r = NumericGradient.random(rnd, 8);
        fc.forward(Tensor.of(x, 4, 3));
        fc.backward(Tensor.of(r, 4, 2));
        float[] once = fc.weight().grad().toArray();
        fc.forward(Tensor.of(x, 4, 3));
        fc.backward(Tensor.of(r, 4, 2));
        float[] twice = fc.weight().grad().toArray();
        for (int i = 0; i < once.length; i++) {
            assertEquals(2 * once[i], twice[i], 1e-6);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void badShapesNameTheValues(String backendName) {
        Linear fc = Linear.builder(4, 2).backend(Backends.get(backendName)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fc.forward(Tensor.zeros(3, 5)));
        assertTrue(e.getMessage().contains("[3, 5]") && e.getMessage().contains("[N, 4]"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> fc.backward(Tensor.zeros(3, 2)));
        fc.forward(Tensor.zeros(3, 4));
        e = assertThrows(IllegalArgumentException.class, () -> fc.backward(Tensor.zeros(3, 3)));
        assertTrue(e.getMessage().contains("[3, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Linear.builder(0, 2));
    }
}
