package org.conv4j.nn;

/**
 * The logistic function {@code y = 1 / (1 + exp(-x))}, element by element, any shape; the book's LeNet
 * activation. Backward: {@code dx = dy * y * (1 - y)}. Computed on the Java heap (on conv4j's threads
 * for large tensors) whatever the input's location; results are heap tensors. No parameters. Not
 * thread-safe.
 *
 * <p>Accuracy: within {@code 3e-7} of the exact value everywhere, and within a few float32 units in the last
 * place relative to it for {@code x < -9}. Most values come from {@code (1 + tanh(x / 2)) / 2} with a rational
 * approximation of tanh (the one Eigen and TensorFlow use for float32), which the JIT compiles to SIMD
 * instructions, about ten times faster than {@link Math#exp}; the tail below {@code -9}, where that formula
 * loses its relative precision, is recomputed with {@link Math#exp}.
 */
public final class Sigmoid extends OutputActivation {
    /** A sigmoid layer. */
    public Sigmoid() {
        super("Sigmoid");
    }

    @Override
    void forwardRange(float[] in, float[] out, int from, int to) {
        apply(in, out, from, to);
    }

    /** {@code dx = dy * y * (1 - y)} with {@code y} the last output. */
    @Override
    void backwardRange(float[] dy, float[] y, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] = dy[i] * (y[i] * (1f - y[i]));
        }
    }

    /** The rational tanh's input bound: beyond it tanh(x / 2) is +-1 in float32 up to rounding. */
    private static final float CLAMP = 7.90531110763549805f;
    /** Below this input, {@code (1 + tanh(x / 2)) / 2} cancels too much; the exact formula is used instead. */
    private static final float TAIL = -9f;

    /** {@code out[i] = sigmoid(in[i])} for {@code i} in {@code [from, to)}. */
    static void apply(float[] in, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            // a branch-free loop of multiplies, adds, one divide and min/max: the JIT vectorises it
            float x = Math.max(-CLAMP, Math.min(CLAMP, in[i] * 0.5f));
            float x2 = x * x;
            float p = -2.76076847742355e-16f;
            p = p * x2 + 2.00018790482477e-13f;
            p = p * x2 + -8.60467152213735e-11f;
            p = p * x2 + 5.12229709037114e-08f;
            p = p * x2 + 1.48572235717979e-05f;
            p = p * x2 + 6.37261928875436e-04f;
            p = p * x2 + 4.89352455891786e-03f;
            p = p * x;
            float q = 1.19825839466702e-06f;
            q = q * x2 + 1.18534705686654e-04f;
            q = q * x2 + 2.26843463243900e-03f;
            q = q * x2 + 4.89352518554385e-03f;
            out[i] = 0.5f * (p / q) + 0.5f;
        }
        for (int i = from; i < to; i++) {
            float v = in[i];
            if (v < TAIL || v != v) {
                out[i] = (float) (1.0 / (1.0 + Math.exp(-v)));
            }
        }
    }
}
