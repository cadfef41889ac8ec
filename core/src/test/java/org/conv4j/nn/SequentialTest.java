package org.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.conv4j.cpu.NativeStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.conv4j.spi.TensorAccess;

class SequentialTest {

    static Iterable<String> backends() {
        return Backends.available();
    }

    /** A small LeNet: conv, sigmoid, avg pool, conv, ReLU, max pool, flatten, linear, sigmoid, linear. */
    static Sequential smallNet(Backend b, long seed) {
        Random rnd = new Random(seed);
        Initializer xavier = Initializer.xavierUniform(rnd);
        Initializer smallBias = Initializer.uniform(0.1, rnd);
        return new Sequential(
                Conv2D.builder(1, 3, 3, 3).params(ConvParams.defaults().padding(1, 1)).backend(b)
                        .weightInit(xavier).biasInit(smallBias).build(),
                new Sigmoid(),
                new AvgPool2D(PoolParams.of(2, 2), b),
                Conv2D.builder(3, 4, 2, 2).backend(b).weightInit(xavier).biasInit(smallBias).build(),
                new ReLU(),
                new MaxPool2D(PoolParams.of(2, 2).stride(1, 1), b),
                new Flatten(),
                Linear.builder(4, 5).backend(b).weightInit(xavier).biasInit(smallBias).build(),
                new Sigmoid(),
                Linear.builder(5, 3).backend(b).weightInit(xavier).biasInit(smallBias).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void wholeNetworkGradientMatchesFiniteDifferences(String backendName) {
        Backend b = Backends.get(backendName);
        Sequential net = smallNet(b, 4);
        Random rnd = new Random(9);
        int[] xShape = {2, 1, 6, 6};
        float[] x = NumericGradient.random(rnd, 72);
        int[] labels = {2, 0};
        Tensor y = net.forward(Tensor.of(x, xShape));
        assertArrayEquals(new int[] {2, 3}, y.shape());
        SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.of(y, labels);
        Tensor dx = net.backward(r.gradient());
        // d loss / d x, and d loss / d (first conv's weight), by central differences of the whole network
        double[] dxNum = centralDifferences(v -> lossOf(net, Tensor.of(v, xShape), labels), x, 1e-2);
        NumericGradient.assertClose("dx", dxNum, dx.toArray(), 2e-3);
        Parameter w0 = net.parameters().get(0);
        float[] w = w0.value().toArray();
        double[] dwNum = centralDifferences(v -> {
            w0.set(Tensor.of(v, w0.shape()));
            return lossOf(net, Tensor.of(x, xShape), labels);
        }, w.clone(), 1e-2);
        NumericGradient.assertClose("dw0", dwNum, w0.grad().toArray(), 2e-3);
    }

    private static double lossOf(Sequential net, Tensor x, int[] labels) {
        try (Tensor y = net.forward(x)) {
            return SoftmaxCrossEntropy.loss(y, labels);
        }
    }

    private static double[] centralDifferences(java.util.function.ToDoubleFunction<float[]> f, float[] x, double eps) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            float keep = x[i];
            x[i] = (float) (keep + eps);
            double up = f.applyAsDouble(x);
            x[i] = (float) (keep - eps);
            double down = f.applyAsDouble(x);
            x[i] = keep;
            g[i] = (up - down) / (2 * eps);
        }
        return g;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void backwardParametersGivesTheSameGradientsWithoutTheInputGradient(String backendName) {
        Backend b = Backends.get(backendName);
        Sequential a = smallNet(b, 4), c = smallNet(b, 4);
        Tensor x = Tensor.of(NumericGradient.random(new Random(2), 72), 2, 1, 6, 6);
        int[] labels = {1, 2};
        a.backward(SoftmaxCrossEntropy.of(a.forward(x), labels).gradient());
        c.backwardParameters(SoftmaxCrossEntropy.of(c.forward(x), labels).gradient());
        for (int i = 0; i < a.parameters().size(); i++) {
            assertArrayEquals(a.parameters().get(i).grad().toArray(), c.parameters().get(i).grad().toArray(),
                    "parameter " + i);
        }
        assertThrows(IllegalStateException.class, () -> c.backwardParameters(Tensor.zeros(2, 3)));
    }

    @Test
    void failuresNameTheLayer() {
        Sequential net = new Sequential(new Flatten(), new Linear(4, 2), new Sigmoid());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.forward(Tensor.zeros(3, 5)));
        assertTrue(e.getMessage().startsWith("Sequential layer 1 (Linear(4 -> 2"), e.getMessage());
        assertTrue(e.getMessage().contains("x has shape [3, 5]"), e.getMessage());
        assertTrue(e.getCause() instanceof IllegalArgumentException);
        net.forward(Tensor.zeros(3, 2, 2));
        e = assertThrows(IllegalArgumentException.class, () -> net.backward(Tensor.zeros(3, 3)));
        assertTrue(e.getMessage().startsWith("Sequential layer 2 (Sigmoid).backward"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> net.backward(Tensor.zeros(3, 2)),
                "the failed backward released the activations");
        assertThrows(IllegalArgumentException.class, () -> new Sequential());
        Sigmoid s = new Sigmoid();
        assertThrows(IllegalArgumentException.class, () -> new Sequential(s, s));
    }

    @Test
    void intermediatesAreClosedButNotTheCallersTensors() {
        Backend cpu = Backends.get("cpu");
        List<Tensor> seen = new ArrayList<>();
        Layer spy = new Layer() {
            @Override
            public Tensor forward(Tensor x) {
                seen.add(x);
                return x.reshape(x.shape());
            }

            @Override
            public Tensor backward(Tensor dy) {
                seen.add(dy);
                return dy.reshape(dy.shape());
            }

            @Override
            public List<Parameter> parameters() {
                return List.of();
            }
        };
        Conv2D conv = Conv2D.builder(1, 2, 3, 3).backend(cpu).build();
        Sequential net = new Sequential(conv, spy, new AvgPool2D(PoolParams.of(2, 2), cpu));
        Tensor x = Tensor.of(new float[64], 1, 1, 8, 8);
        Tensor y = net.forward(x);
        Tensor convOut = seen.get(0);
        assertTrue(TensorAccess.storage(convOut) instanceof NativeStorage, "the conv result lives in native memory");
        Tensor dy = Tensor.of(new float[18], y.shape());
        Tensor dx = net.backward(dy);
        Tensor poolGrad = seen.get(1);
        assertTrue(((NativeStorage) TensorAccess.storage(convOut)).isClosed(), "the activation between layers is closed");
        assertTrue(((NativeStorage) TensorAccess.storage(poolGrad)).isClosed(), "the gradient between layers is closed");
        assertFalse(((NativeStorage) TensorAccess.storage(y)).isClosed(), "the output belongs to the caller");
        assertFalse(((NativeStorage) TensorAccess.storage(dx)).isClosed(), "dx belongs to the caller");
        // a forward without backward (evaluation) frees its activations at the next forward
        net.forward(x).close();
        Tensor evalAct = seen.get(2);
        net.forward(x).close();
        assertTrue(((NativeStorage) TensorAccess.storage(evalAct)).isClosed());
        net.release();
        assertEquals(4, seen.size());
    }
}
