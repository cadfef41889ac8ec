package org.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.conv4j.Tensor;
import org.junit.jupiter.api.Test;

class SoftmaxCrossEntropyTest {

    /** The textbook formula in float64: mean of -log(exp(z_y) / sum exp(z)), fine for moderate logits. */
    static double naive(float[] z, int[] labels, int k) {
        double total = 0;
        for (int r = 0; r < labels.length; r++) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(z[r * k + j]);
            }
            total += -Math.log(Math.exp(z[r * k + labels[r]]) / sum);
        }
        return total / labels.length;
    }

    @Test
    void lossMatchesFloat64AndGradientMatchesFiniteDifferences() {
        Random rnd = new Random(2);
        int n = 6, k = 4;
        float[] z = NumericGradient.random(rnd, n * k);
        int[] labels = {0, 3, 1, 1, 2, 3};
        SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.of(Tensor.of(z, n, k), labels);
        assertEquals(naive(z, labels, k), r.loss(), 1e-12);
        assertEquals(r.loss(), SoftmaxCrossEntropy.loss(Tensor.of(z, n, k), labels), 0);
        float[] g = r.gradient().toArray();
        double eps = 1e-3;
        for (int i = 0; i < z.length; i++) {
            float keep = z[i];
            z[i] = (float) (keep + eps);
            double up = SoftmaxCrossEntropy.loss(Tensor.of(z, n, k), labels);
            z[i] = (float) (keep - eps);
            double down = SoftmaxCrossEntropy.loss(Tensor.of(z, n, k), labels);
            z[i] = keep;
            double fd = (up - down) / ((double) (float) (keep + eps) - (float) (keep - eps));
            assertEquals(fd, g[i], 1e-5, "g[" + i + "]");
        }
        assertEquals(Metrics.correct(Tensor.of(z, n, k), labels), r.correct());
    }

    @Test
    void hugeLogitsStayFinite() {
        float[] z = {1000f, -1000f, 0f, 3e38f, 3e38f, -3e38f};
        SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.of(Tensor.of(z, 2, 3), new int[] {1, 0});
        // row 0: the label's logit is 2000 below the max: loss 2000; row 1: two equal maxima, loss log 2
        assertEquals((2000 + Math.log(2)) / 2, r.loss(), 1e-9);
        for (float v : r.gradient().toArray()) {
            assertTrue(Float.isFinite(v), "gradient " + v);
        }
        assertEquals(-0.5f, r.gradient().toArray()[1], 1e-7f); // (softmax 0 - 1) / N
    }

    @Test
    void accuracyAndArgmax() {
        float[] z = {0f, 2f, 1f, 5f, 5f, 0f};
        Tensor t = Tensor.of(z, 2, 3);
        assertEquals(1, Metrics.argmax(t)[0]);
        assertEquals(0, Metrics.argmax(t)[1]); // ties: the first maximum
        assertEquals(0.5, Metrics.accuracy(t, new int[] {1, 1}), 0);
        assertEquals(1.0, Metrics.accuracy(t, new int[] {1, 0}), 0);
    }

    @Test
    void badLabelsAreNamed() {
        Tensor t = Tensor.zeros(2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SoftmaxCrossEntropy.of(t, new int[] {0, 3}));
        assertEquals("SoftmaxCrossEntropy.of: label 1 is 3, outside [0, 3)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SoftmaxCrossEntropy.of(t, new int[] {0}));
        assertTrue(e.getMessage().contains("1 labels for 2 rows"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SoftmaxCrossEntropy.of(Tensor.zeros(2, 3, 1), new int[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(t, new int[] {0}));
    }
}
