package org.conv4j.nn;

import java.util.Arrays;
import org.conv4j.Tensor;

/**
 * Softmax followed by cross-entropy, fused and numerically stable, averaged over the batch (PyTorch's
 * {@code nn.CrossEntropyLoss()}, which the book's training loop uses):
 * {@code loss = mean over n of (logsumexp(z[n, :]) - z[n, label[n]])} with the row maximum subtracted
 * before exponentiating, so logits of any magnitude give a finite loss. Its gradient with respect to the
 * logits is {@code (softmax(z) - onehot(label)) / N}. Sums are accumulated in double precision in a fixed
 * order, so equal inputs give bit-identical results.
 *
 * <pre>{@code
 * SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.of(logits, labels);   // logits [N, K]
 * net.backward(r.gradient());
 * double loss = r.loss(); int right = r.correct();
 * }</pre>
 */
public final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {
    }

    /** The loss, its gradient and the number of correct predictions of one batch. */
    public static final class Result {
        private final double loss;
        private final Tensor gradient;
        private final int correct;

        private Result(double loss, Tensor gradient, int correct) {
            this.loss = loss;
            this.gradient = gradient;
            this.correct = correct;
        }

        /**
         * The loss.
         *
         * @return the mean cross-entropy over the batch, in nats (natural log), at least 0
         */
        public double loss() {
            return loss;
        }

        /**
         * The gradient of the mean loss.
         *
         * @return {@code d loss / d logits = (softmax - onehot) / N}, a heap tensor {@code [N, K]}
         */
        public Tensor gradient() {
            return gradient;
        }

        /**
         * How many rows predict their label.
         *
         * @return the rows whose largest logit is at the label (ties: the first maximum, as argmax), in
         *         {@code [0, N]}
         */
        public int correct() {
            return correct;
        }
    }

    /**
     * The mean loss, its gradient and the correct count.
     *
     * @param logits {@code [N, K]} unnormalised scores, any location
     * @param labels {@code N} class indices in {@code [0, K)}
     * @return the mean loss in nats, its gradient {@code [N, K]} and the number of correct rows
     * @throws IllegalArgumentException if an argument is null, {@code logits} is not rank 2, the label count
     *                                  is not {@code N}, or a label is outside {@code [0, K)} (naming its index)
     */
    public static Result of(Tensor logits, int[] labels) {
        float[] z = check("of", logits, labels);
        int n = logits.dim(0), k = logits.dim(1);
        float[] g = new float[z.length];
        double total = 0;
        int correct = 0;
        double invN = 1.0 / n;
        double[] e = new double[k];
        for (int r = 0; r < n; r++) {
            int base = r * k;
            int arg = argmaxRow(z, base, k);
            double max = z[base + arg];
            double sum = 0;
            for (int j = 0; j < k; j++) {
                e[j] = Math.exp(z[base + j] - max);
                sum += e[j];
            }
            int y = labels[r];
            total += Math.log(sum) - (z[base + y] - max);
            for (int j = 0; j < k; j++) {
                g[base + j] = (float) ((e[j] / sum - (j == y ? 1 : 0)) * invN);
            }
            if (arg == y) {
                correct++;
            }
        }
        return new Result(total * invN, Elementwise.wrap(g, logits.shape()), correct);
    }

    /**
     * The mean loss only.
     *
     * @param logits {@code [N, K]} unnormalised scores, any location
     * @param labels {@code N} class indices in {@code [0, K)}
     * @return the mean cross-entropy over the {@code N} rows, in nats
     * @throws IllegalArgumentException as {@link #of}
     */
    public static double loss(Tensor logits, int[] labels) {
        float[] z = check("loss", logits, labels);
        int n = logits.dim(0), k = logits.dim(1);
        double total = 0;
        for (int r = 0; r < n; r++) {
            int base = r * k;
            double max = z[base + argmaxRow(z, base, k)];
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(z[base + j] - max);
            }
            total += Math.log(sum) - (z[base + labels[r]] - max);
        }
        return total / n;
    }

    static int argmaxRow(float[] z, int base, int k) {
        int arg = 0;
        float best = z[base];
        for (int j = 1; j < k; j++) {
            if (z[base + j] > best) {
                best = z[base + j];
                arg = j;
            }
        }
        return arg;
    }

    private static float[] check(String op, Tensor logits, int[] labels) {
        String where = "SoftmaxCrossEntropy." + op;
        if (logits == null || labels == null) {
            throw new IllegalArgumentException(where + ": " + (logits == null ? "logits" : "labels") + " is null");
        }
        if (logits.rank() != 2) {
            throw new IllegalArgumentException(where + ": logits have shape " + Arrays.toString(logits.shape())
                    + ", expected [N, K]");
        }
        int n = logits.dim(0), k = logits.dim(1);
        if (labels.length != n) {
            throw new IllegalArgumentException(where + ": " + labels.length + " labels for " + n + " rows of logits "
                    + Arrays.toString(logits.shape()));
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException(where + ": label " + i + " is " + labels[i] + ", outside [0, " + k + ")");
            }
        }
        float[] z = Elementwise.values(logits);
        return z;
    }
}
