package org.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Conv2DTest {

    /** name, N, C_in, C_out, H, W, kH, kW, params, bias. */
    record Case(String name, int n, int cin, int cout, int h, int w, int kh, int kw, ConvParams p, boolean bias) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final Case[] CASES = {
        new Case("book 1x2, no bias", 1, 1, 1, 6, 8, 1, 2, ConvParams.defaults(), false),
        new Case("3x3 plain", 2, 3, 4, 5, 6, 3, 3, ConvParams.defaults(), true),
        new Case("3x3 stride 2 pad 1", 2, 2, 3, 7, 6, 3, 3, ConvParams.defaults().stride(2, 2).padding(1, 1), true),
        new Case("asym pad, dilation (2,1)", 1, 2, 2, 6, 5, 2, 3,
                ConvParams.defaults().padding(1, 0, 2, 1).dilation(2, 1).stride(1, 2), true),
        new Case("groups 2", 2, 4, 2, 4, 5, 3, 2, ConvParams.defaults().groups(2).padding(1, 0), true),
        new Case("depthwise", 1, 3, 3, 4, 4, 3, 3, ConvParams.defaults().groups(3).padding(1, 1), false),
    };

    static Stream<Arguments> backendsTimesCases() {
        List<Arguments> a = new ArrayList<>();
        for (String b : Backends.available()) {
            for (Case c : CASES) {
                a.add(Arguments.of(b, c));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("backendsTimesCases")
    void backwardMatchesFiniteDifferences(String backendName, Case c) {
        Backend backend = Backends.get(backendName);
        Random rnd = new Random(c.name.hashCode());
        int cinG = c.cin / c.p.groups();
        float[] w = NumericGradient.random(rnd, c.cout * cinG * c.kh * c.kw);
        float[] b = NumericGradient.random(rnd, c.cout);
        float[] x = NumericGradient.random(rnd, c.n * c.cin * c.h * c.w);
        Conv2D conv = Conv2D.builder(c.cin, c.cout, c.kh, c.kw).params(c.p).bias(c.bias).backend(backend)
                .weightInit(Initializer.constant(w)).biasInit(Initializer.constant(b)).build();
        int[] xShape = {c.n, c.cin, c.h, c.w};
        int[] wShape = conv.weight().shape();

        Tensor y = conv.forward(Tensor.of(x, xShape));
        float[] r = NumericGradient.random(rnd, y.size());
        Tensor dx = conv.backward(Tensor.of(r, y.shape()));
        assertArrayEquals(xShape, dx.shape());

        float eps = 0.05f; // the layer is linear in x, w and b: central differences are exact up to rounding
        double[] dxNum = NumericGradient.of(v -> conv.forward(Tensor.of(v, xShape)), x, r, eps);
        NumericGradient.assertClose("dx", dxNum, dx.toArray(), 2e-3);

        Tensor xt = Tensor.of(x, xShape);
        double[] dwNum = NumericGradient.of(v -> {
            conv.weight().set(Tensor.of(v, wShape));
            return conv.forward(xt);
        }, w.clone(), r, eps);
        NumericGradient.assertClose("dw", dwNum, conv.weight().grad().toArray(), 2e-3);

        if (c.bias) {
            conv.weight().set(Tensor.of(w, wShape));
            double[] dbNum = NumericGradient.of(v -> {
                conv.bias().set(Tensor.of(v, c.cout));
                return conv.forward(xt);
            }, b.clone(), r, eps);
            NumericGradient.assertClose("db", dbNum, conv.bias().grad().toArray(), 2e-3);
        } else {
            assertNull(conv.bias());
            assertEquals(1, conv.parameters().size());
        }
    }

    @Test
    void gradientsAccumulateUntilZeroed() {
        Conv2D conv = Conv2D.builder(1, 2, 2, 2).backend(Backends.java()).random(new Random(1)).build();
        Tensor x = Tensor.of(NumericGradient.random(new Random(2), 16), 1, 1, 4, 4);
        Tensor y = conv.forward(x);
        Tensor dy = Tensor.of(NumericGradient.random(new Random(3), y.size()), y.shape());
        conv.backward(dy);
        float[] once = conv.weight().grad().toArray();
        float[] onceB = conv.bias().grad().toArray();
        conv.backward(dy);
        float[] twice = conv.weight().grad().toArray();
        for (int i = 0; i < once.length; i++) {
            assertEquals(2 * once[i], twice[i], 1e-5f);
        }
        assertEquals(2 * onceB[0], conv.bias().grad().toArray()[0], 1e-5f);
        SGD.of(conv).zeroGrad();
        assertArrayEquals(new float[once.length], conv.weight().grad().toArray());
    }

    @Test
    void backwardUsesTheWeightOfTheLastForward() {
        Conv2D conv = Conv2D.builder(1, 1, 1, 2).bias(false).backend(Backends.java())
                .weightInit(Initializer.constant(1, 2)).build();
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 1, 1, 1, 3);
        conv.forward(x);
        conv.weight().set(Tensor.of(new float[] {100, 100}, 1, 1, 1, 2));
        Tensor dx = conv.backward(Tensor.of(new float[] {1, 1}, 1, 1, 1, 2));
        assertArrayEquals(new float[] {1, 3, 2}, dx.toArray());
    }

    @Test
    void outputShapeAndValues() {
        // the book's corr2d example as a layer: [[19, 25], [37, 43]] plus bias 1
        Conv2D conv = Conv2D.builder(1, 1, 2, 2).backend(Backends.java())
                .weightInit(Initializer.constant(0, 1, 2, 3)).biasInit(Initializer.constant(1)).build();
        Tensor y = conv.forward(Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, 1, 1, 3, 3));
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
        assertArrayEquals(new float[] {20, 26, 38, 44}, y.toArray());
    }

    @Test
    void defaultInitIsMxnetsUniformAndSeeded() {
        Conv2D a = new Conv2D(3, 8, 3, 3, ConvParams.defaults(), true, new Random(7));
        Conv2D b = new Conv2D(3, 8, 3, 3, ConvParams.defaults(), true, new Random(7));
        assertArrayEquals(a.weight().value().toArray(), b.weight().value().toArray());
        assertArrayEquals(new int[] {8, 3, 3, 3}, a.weight().shape());
        float min = 1, max = -1;
        for (float v : a.weight().value().toArray()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min >= -0.07f && max <= 0.07f && max - min > 0.1f, "range [" + min + ", " + max + "]");
        assertArrayEquals(new float[8], a.bias().value().toArray());
    }

    @Test
    void badConstructionArgumentsNameTheValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv2D.builder(3, 4, 3, 3).params(ConvParams.defaults().groups(2)).build());
        assertEquals("Conv2D: groups=2 must divide both the input channels (3) and the output channels (4)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Conv2D(0, 4, 3, 3));
        assertEquals("Conv2D: channel counts must be positive, got in=0, out=4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Conv2D(1, 1, 3, 0));
        assertEquals("Conv2D: kernel must be positive, got (3, 0)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Conv2D.builder(1, 1, 1, 2).weightInit(Initializer.constant(1, 2, 3)).build());
        assertTrue(e.getMessage().contains("3 values do not fill shape [1, 1, 1, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Conv2D.builder(1, 1, 1, 2).weightInit(s -> Tensor.zeros(2, 1)).build());
        assertEquals("Conv2D: the weight initializer returned shape [2, 1], expected shape [1, 1, 1, 2]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Conv2D.builder(1, 1, 1, 2).params(null));
        assertThrows(IllegalArgumentException.class, () -> Conv2D.builder(1, 1, 1, 2).backend(null));
    }

    @Test
    void badForwardAndBackwardArguments() {
        Conv2D conv = Conv2D.builder(3, 4, 3, 3).backend(Backends.java()).random(new Random(0)).build();
        IllegalStateException st = assertThrows(IllegalStateException.class,
                () -> conv.backward(Tensor.zeros(1, 4, 3, 3)));
        assertEquals("Conv2D.backward: call forward first", st.getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> conv.forward(Tensor.zeros(1, 2, 5, 5)));
        assertTrue(e.getMessage().contains("2 channels"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> conv.forward(null));
        conv.forward(Tensor.zeros(1, 3, 5, 5));
        float[] before = conv.weight().grad().toArray();
        e = assertThrows(IllegalArgumentException.class, () -> conv.backward(Tensor.zeros(1, 4, 2, 3)));
        assertTrue(e.getMessage().contains("[1, 4, 2, 3]"), e.getMessage());
        assertArrayEquals(before, conv.weight().grad().toArray(), "a refused backward must not touch the gradients");
    }
}
