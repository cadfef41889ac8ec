package org.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.conv4j.Tensor;
import org.junit.jupiter.api.Test;

class OptimizerAndLossTest {

    @Test
    void sgdStepIsValueMinusLearningRateTimesGrad() {
        Parameter a = new Parameter("a", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        Parameter b = new Parameter("b", Tensor.of(new float[] {-1}, 1));
        a.accumulateGrad(Tensor.of(new float[] {10, -20, 0.5f, 0}, 2, 2));
        b.accumulateGrad(Tensor.of(new float[] {4}, 1));
        SGD sgd = new SGD(List.of(a, b));
        sgd.step(0.1);
        assertArrayEquals(new float[] {0, 4, 2.95f, 4}, a.value().toArray(), 1e-6f);
        assertArrayEquals(new float[] {-1.4f}, b.value().toArray(), 1e-6f);
        // the gradient stays until zeroGrad: a second step applies it again
        sgd.step(0.1);
        assertArrayEquals(new float[] {-1, 6, 2.9f, 4}, a.value().toArray(), 1e-6f);
        sgd.zeroGrad();
        sgd.step(0.1);
        assertArrayEquals(new float[] {-1, 6, 2.9f, 4}, a.value().toArray(), 1e-6f);
        assertArrayEquals(new float[] {-1.8f}, b.value().toArray(), 1e-6f);
        a.accumulateGrad(Tensor.of(new float[] {1, 1, 1, 1}, 2, 2));
        sgd.step(0); // a zero learning rate is allowed and changes nothing
        assertArrayEquals(new float[] {-1, 6, 2.9f, 4}, a.value().toArray(), 1e-6f);
    }

    @Test
    void sgdRejectsBadLearningRatesAndLists() {
        Parameter a = new Parameter("a", Tensor.zeros(1));
        SGD sgd = new SGD(List.of(a));
        for (double lr : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgd.step(lr));
            assertEquals("SGD.step: learning rate must be finite and >= 0, got " + lr, e.getMessage());
        }
        assertEquals("SGD: parameter 1 (a) is listed twice; it would be updated twice per step",
                assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(a, a))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SGD(null));
        assertThrows(IllegalArgumentException.class, () -> new SGD(Arrays.asList(a, null)));
        assertThrows(IllegalArgumentException.class, () -> SGD.of((Layer) null));
    }

    @Test
    void parameterShapesAreEnforced() {
        Parameter p = new Parameter("weight", Tensor.zeros(1, 1, 1, 2));
        assertEquals("Parameter weight.set: got shape [2] but the parameter has shape [1, 1, 1, 2]",
                assertThrows(IllegalArgumentException.class, () -> p.set(Tensor.zeros(2))).getMessage());
        assertEquals("Parameter weight.accumulateGrad: got shape [1, 2] but the parameter has shape [1, 1, 1, 2]",
                assertThrows(IllegalArgumentException.class, () -> p.accumulateGrad(Tensor.zeros(1, 2))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.set(null));
        assertThrows(IllegalArgumentException.class, () -> new Parameter(null, Tensor.zeros(1)));
        assertThrows(IllegalArgumentException.class, () -> new Parameter("x", null));
        assertThrows(IllegalArgumentException.class, () -> p.descend(Double.NaN));
    }

    @Test
    void parameterValuesAreSnapshots() {
        float[] init = {1, 2};
        Parameter p = new Parameter("w", Tensor.of(init, 2));
        init[0] = 99; // Tensor.of copied
        Tensor before = p.value();
        p.accumulateGrad(Tensor.of(new float[] {1, 1}, 2));
        p.descend(1);
        assertArrayEquals(new float[] {1, 2}, before.toArray());
        assertArrayEquals(new float[] {0, 1}, p.value().toArray());
        Tensor g = p.grad();
        p.zeroGrad();
        assertArrayEquals(new float[] {1, 1}, g.toArray());
        assertNotSame(p.grad(), p.grad());
        assertEquals(2, p.size());
        assertArrayEquals(new int[] {2}, p.shape());
    }

    @Test
    void squaredErrorAndItsGradient() {
        Tensor yHat = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        Tensor y = Tensor.of(new float[] {0, 2, 5, 4.5f}, 1, 1, 2, 2);
        assertEquals(1 + 0 + 4 + 0.25, SquaredError.sum(yHat, y), 1e-12);
        assertArrayEquals(new float[] {2, 0, -4, -1}, SquaredError.gradient(yHat, y).toArray());
        assertArrayEquals(new int[] {1, 1, 2, 2}, SquaredError.gradient(yHat, y).shape());
        assertEquals("SquaredError.sum: yHat has shape [1, 1, 2, 2] but y has shape [4]",
                assertThrows(IllegalArgumentException.class, () -> SquaredError.sum(yHat, Tensor.zeros(4))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> SquaredError.gradient(null, y));
        // the gradient is the derivative of the sum: check one coordinate numerically in double
        Random rnd = new Random(5);
        float[] a = NumericGradient.random(rnd, 6);
        float[] b = NumericGradient.random(rnd, 6);
        Tensor bt = Tensor.of(b, 2, 3);
        float[] g = SquaredError.gradient(Tensor.of(a, 2, 3), bt).toArray();
        for (int i = 0; i < 6; i++) {
            float[] up = a.clone();
            float[] down = a.clone();
            up[i] += 1e-2f;
            down[i] -= 1e-2f;
            double num = (SquaredError.sum(Tensor.of(up, 2, 3), bt) - SquaredError.sum(Tensor.of(down, 2, 3), bt))
                    / ((double) up[i] - down[i]);
            assertEquals(num, g[i], 1e-4);
        }
    }

    @Test
    void initializers() {
        Tensor t = Initializer.uniform(0.5, new Random(3)).create(new int[] {4, 5});
        assertArrayEquals(new int[] {4, 5}, t.shape());
        for (float v : t.toArray()) {
            if (v < -0.5f || v > 0.5f) {
                throw new AssertionError(v + " outside [-0.5, 0.5]");
            }
        }
        assertArrayEquals(new float[6], Initializer.zeros().create(new int[] {2, 3}).toArray());
        assertArrayEquals(new float[] {1, -1}, Initializer.constant(1, -1).create(new int[] {1, 1, 1, 2}).toArray());
        assertThrows(IllegalArgumentException.class, () -> Initializer.uniform(-1, new Random()));
        assertThrows(IllegalArgumentException.class, () -> Initializer.uniform(Double.NaN, new Random()));
        assertThrows(IllegalArgumentException.class, () -> Initializer.uniform(1, null));
        assertThrows(IllegalArgumentException.class, () -> Initializer.constant((float[]) null));
    }
}
