package org.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.conv4j.Tensor;
import org.junit.jupiter.api.Test;

class InitializerAndSgdTest {

    @Test
    void xavierUniformHasTheBoundAndVarianceOfItsFans() {
        int[] shape = {16, 6, 5, 5}; // LeNet's second convolution: fanIn 150, fanOut 400
        float[] v = Initializer.xavierUniform(new Random(1)).create(shape).toArray();
        double a = Math.sqrt(6.0 / (150 + 400));
        assertMoments(v, a, a * a / 3);
    }

    @Test
    void heUniformAndNormalScaleWithFanIn() {
        int[] shape = {120, 400};
        float[] u = Initializer.heUniform(new Random(2)).create(shape).toArray();
        double a = Math.sqrt(6.0 / 400);
        assertMoments(u, a, 2.0 / 400);
        float[] g = Initializer.heNormal(new Random(3)).create(shape).toArray();
        assertMoments(g, Double.POSITIVE_INFINITY, 2.0 / 400);
    }

    /** Every |value| below bound, mean near 0 and variance near var (48,000 samples: within 3%). */
    private static void assertMoments(float[] v, double bound, double var) {
        double s = 0, s2 = 0;
        for (float x : v) {
            assertTrue(Math.abs(x) < bound, x + " outside the bound " + bound);
            s += x;
            s2 += (double) x * x;
        }
        double mean = s / v.length;
        assertEquals(0, mean, 4 * Math.sqrt(var / v.length));
        assertEquals(var, s2 / v.length - mean * mean, 0.03 * var);
    }

    @Test
    void initializersAreSeededAndRejectShapesWithoutFans() {
        float[] a = Initializer.xavierUniform(new Random(5)).create(new int[] {3, 4}).toArray();
        float[] b = Initializer.xavierUniform(new Random(5)).create(new int[] {3, 4}).toArray();
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Initializer.heNormal(new Random()).create(new int[] {10}));
        assertTrue(e.getMessage().contains("[10]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Initializer.xavierUniform(null));
    }

    @Test
    void momentumAndWeightDecayFollowPyTorchsFormulas() {
        Parameter p = new Parameter("w", Tensor.of(new float[] {1f, -2f}, 2));
        SGD sgd = new SGD(List.of(p)).momentum(0.9).weightDecay(0.1);
        double[] v = {1, -2};
        double[] buf = new double[2];
        float[][] grads = {{0.5f, 0.25f}, {-1f, 2f}, {0.125f, 0f}};
        for (int step = 0; step < grads.length; step++) {
            sgd.zeroGrad();
            p.accumulateGrad(Tensor.of(grads[step], 2));
            sgd.step(0.5);
            for (int i = 0; i < 2; i++) {
                double d = grads[step][i] + 0.1 * v[i];
                buf[i] = step == 0 ? d : 0.9 * buf[i] + d;
                v[i] -= 0.5 * buf[i];
            }
            float[] got = p.value().toArray();
            for (int i = 0; i < 2; i++) {
                assertEquals(v[i], got[i], 1e-6, "step " + step + ", value " + i);
            }
        }
    }

    @Test
    void plainSgdIsUnchangedAndBadSettingsAreRejected() {
        Parameter p = new Parameter("w", Tensor.of(new float[] {1f}, 1));
        SGD sgd = new SGD(List.of(p));
        p.accumulateGrad(Tensor.of(new float[] {0.5f}, 1));
        sgd.step(0.1);
        assertEquals(1f - 0.1f * 0.5f, p.value().toArray()[0], 0f);
        assertThrows(IllegalArgumentException.class, () -> sgd.momentum(1.0));
        assertThrows(IllegalArgumentException.class, () -> sgd.momentum(-0.1));
        assertThrows(IllegalArgumentException.class, () -> sgd.weightDecay(Double.NaN));
        assertEquals(0, sgd.momentum(), 0);
    }
}
