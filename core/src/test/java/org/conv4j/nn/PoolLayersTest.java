package org.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PoolLayersTest {
    static final PoolParams[] POOLS = {
        PoolParams.of(2, 2),
        PoolParams.of(3, 3).stride(2, 2).padding(1, 1),
        PoolParams.of(3, 2).stride(1, 1),
        PoolParams.of(2, 3).stride(2, 3).padding(1, 1).ceilMode(true),
        PoolParams.of(3, 3).stride(2, 2).padding(1, 1).countIncludePad(false),
    };

    static Stream<Arguments> backendsTimesPools() {
        List<Arguments> a = new ArrayList<>();
        for (String b : Backends.available()) {
            for (PoolParams p : POOLS) {
                a.add(Arguments.of(b, p));
            }
        }
        return a.stream();
    }

    /** Distinct values 0.5 apart, shuffled: no ties, and a +-0.05 nudge never changes which cell wins a max. */
    static float[] distinct(Random rnd, int n) {
        List<Float> v = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            v.add(0.5f * i - n / 4f);
        }
        Collections.shuffle(v, rnd);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    void checkAgainstFiniteDifferences(Layer layer, int[] xShape, Random rnd) {
        int n = 1;
        for (int d : xShape) {
            n *= d;
        }
        float[] x = distinct(rnd, n);
        Tensor y = layer.forward(Tensor.of(x, xShape));
        float[] r = NumericGradient.random(rnd, y.size());
        Tensor dx = layer.backward(Tensor.of(r, y.shape()));
        assertArrayEquals(xShape, dx.shape());
        double[] num = NumericGradient.of(v -> layer.forward(Tensor.of(v, xShape)), x, r, 0.05f);
        NumericGradient.assertClose(layer.toString() + " dx", num, dx.toArray(), 2e-3);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("backendsTimesPools")
    void maxPoolBackwardMatchesFiniteDifferences(String backend, PoolParams p) {
        checkAgainstFiniteDifferences(new MaxPool2D(p, Backends.get(backend)), new int[] {2, 3, 5, 7}, new Random(11));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("backendsTimesPools")
    void avgPoolBackwardMatchesFiniteDifferences(String backend, PoolParams p) {
        checkAgainstFiniteDifferences(new AvgPool2D(p, Backends.get(backend)), new int[] {2, 3, 5, 7}, new Random(12));
    }

    static Stream<String> backends() {
        return Backends.available().stream();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void globalAvgPoolShapeValuesAndGradient(String backendName) {
        Backend backend = Backends.get(backendName);
        GlobalAvgPool2D gap = new GlobalAvgPool2D(backend);
        float[] x = new float[2 * 3 * 4 * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        Tensor y = gap.forward(Tensor.of(x, 2, 3, 4, 5));
        assertArrayEquals(new int[] {2, 3, 1, 1}, y.shape());
        float[] v = y.toArray();
        for (int plane = 0; plane < 6; plane++) {
            // the mean of 20 consecutive integers starting at 20 * plane
            assertEquals(20 * plane + 9.5f, v[plane], 1e-4f, "plane " + plane);
        }
        Tensor dx = gap.backward(Tensor.of(new float[] {20, 40, 60, 80, 100, 120}, 2, 3, 1, 1));
        assertArrayEquals(new int[] {2, 3, 4, 5}, dx.shape());
        float[] d = dx.toArray();
        for (int i = 0; i < d.length; i++) {
            assertEquals((i / 20 + 1) * 1f, d[i], 1e-6f, "dx[" + i + "]");
        }
        checkAgainstFiniteDifferences(gap, new int[] {1, 2, 3, 3}, new Random(13));
        // a 1x1 plane is the identity
        assertArrayEquals(new float[] {7, 8}, gap.forward(Tensor.of(new float[] {7, 8}, 1, 2, 1, 1)).toArray());
    }

    @Test
    void theBooksPoolingExamples() {
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, 1, 1, 3, 3);
        assertArrayEquals(new float[] {4, 5, 7, 8}, new MaxPool2D(PoolParams.of(2, 2).stride(1, 1)).forward(x).toArray());
        assertArrayEquals(new float[] {2, 3, 5, 6}, new AvgPool2D(PoolParams.of(2, 2).stride(1, 1)).forward(x).toArray());
        float[] s = new float[16];
        for (int i = 0; i < 16; i++) {
            s[i] = i;
        }
        Tensor x16 = Tensor.of(s, 1, 1, 4, 4);
        assertArrayEquals(new float[] {10}, new MaxPool2D(PoolParams.of(3, 3)).forward(x16).toArray());
        assertArrayEquals(new float[] {5, 7, 13, 15},
                new MaxPool2D(PoolParams.of(3, 3).padding(1, 1).stride(2, 2)).forward(x16).toArray());
    }

    @Test
    void errors() {
        MaxPool2D max = new MaxPool2D(PoolParams.of(2, 2), Backends.java());
        assertEquals("MaxPool2D.backward: call forward first",
                assertThrows(IllegalStateException.class, () -> max.backward(Tensor.zeros(1, 1, 1, 1))).getMessage());
        AvgPool2D avg = new AvgPool2D(PoolParams.of(2, 2), Backends.java());
        assertThrows(IllegalStateException.class, () -> avg.backward(Tensor.zeros(1, 1, 1, 1)));
        GlobalAvgPool2D gap = new GlobalAvgPool2D(Backends.java());
        assertThrows(IllegalStateException.class, () -> gap.backward(Tensor.zeros(1, 1, 1, 1)));
        assertEquals("GlobalAvgPool2D: x must have rank 4 [N, C, H, W], got shape [3, 4]",
                assertThrows(IllegalArgumentException.class, () -> gap.forward(Tensor.zeros(3, 4))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> gap.forward(null));
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2D(null));
        assertThrows(IllegalArgumentException.class, () -> new AvgPool2D(null));
        max.forward(Tensor.zeros(1, 1, 4, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> max.backward(Tensor.zeros(1, 1, 3, 3)));
        assertTrue(e.getMessage().contains("[1, 1, 2, 2]"), e.getMessage());
        gap.forward(Tensor.zeros(1, 2, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> gap.backward(Tensor.zeros(1, 2, 3, 3)));
        // the book's MaxPool2D((2, 3), padding=(1, 2), strides=(2, 3)) breaks PyTorch's padding rule
        MaxPool2D book = new MaxPool2D(PoolParams.of(2, 3).padding(1, 2).stride(2, 3), Backends.java());
        e = assertThrows(IllegalArgumentException.class, () -> book.forward(Tensor.zeros(1, 1, 4, 4)));
        assertTrue(e.getMessage().contains("padding (1, 2) must be at most half the window 2x3"), e.getMessage());
        assertTrue(max.parameters().isEmpty() && avg.parameters().isEmpty() && gap.parameters().isEmpty());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("backendsTimesPools")
    void maxPoolTrainingAndEvaluationModesGiveTheSameGradient(String backend, PoolParams p) {
        Random rnd = new Random(21);
        int[] xs = {2, 3, 6, 7};
        Tensor x = Tensor.of(distinct(rnd, 2 * 3 * 6 * 7), xs);
        MaxPool2D train = new MaxPool2D(p, Backends.get(backend));
        MaxPool2D eval = new MaxPool2D(p, Backends.get(backend)).train(false);
        assertTrue(train.isTraining());
        assertTrue(!eval.isTraining());
        Tensor y = train.forward(x);
        assertArrayEquals(y.toArray(), eval.forward(x).toArray());
        Tensor dy = Tensor.of(NumericGradient.random(rnd, y.size()), y.shape());
        assertArrayEquals(eval.backward(dy).toArray(), train.backward(dy).toArray());
        checkAgainstFiniteDifferences(train, xs, new Random(22));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void adaptiveLayersMatchFiniteDifferences(String backendName) {
        Backend b = Backends.get(backendName);
        for (int[] out : new int[][] {{1, 1}, {2, 3}, {3, 3}, {7, 9}}) {
            checkAgainstFiniteDifferences(new AdaptiveAvgPool2D(out[0], out[1], b), new int[] {2, 3, 5, 7}, new Random(31));
            checkAgainstFiniteDifferences(new AdaptiveMaxPool2D(out[0], out[1], b), new int[] {2, 3, 5, 7}, new Random(32));
        }
        AdaptiveAvgPool2D gap = new AdaptiveAvgPool2D(1, 1, b);
        float[] x = new float[2 * 3 * 4 * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        float[] v = gap.forward(Tensor.of(x, 2, 3, 4, 5)).toArray();
        for (int plane = 0; plane < 6; plane++) {
            assertEquals(20 * plane + 9.5f, v[plane], 1e-4f, "plane " + plane);
        }
    }

    @Test
    void adaptiveLayerErrors() {
        assertEquals("AdaptiveAvgPool2D: output size must be positive, got (0, 1)",
                assertThrows(IllegalArgumentException.class, () -> new AdaptiveAvgPool2D(0, 1, Backends.java())).getMessage());
        assertEquals("AdaptiveMaxPool2D: output size must be positive, got (1, -2)",
                assertThrows(IllegalArgumentException.class, () -> new AdaptiveMaxPool2D(1, -2, Backends.java())).getMessage());
        AdaptiveAvgPool2D avg = new AdaptiveAvgPool2D(2, 2, Backends.java());
        assertThrows(IllegalStateException.class, () -> avg.backward(Tensor.zeros(1, 1, 2, 2)));
        avg.forward(Tensor.zeros(1, 1, 5, 5));
        assertEquals("AdaptiveAvgPool2D.backward: dy has shape [1, 1, 3, 3] but the last output was [1, 1, 2, 2]",
                assertThrows(IllegalArgumentException.class, () -> avg.backward(Tensor.zeros(1, 1, 3, 3))).getMessage());
        AdaptiveMaxPool2D max = new AdaptiveMaxPool2D(2, 2, Backends.java());
        assertThrows(IllegalStateException.class, () -> max.backward(Tensor.zeros(1, 1, 2, 2)));
    }
}
