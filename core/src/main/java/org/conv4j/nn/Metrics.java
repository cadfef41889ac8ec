package org.conv4j.nn;

import java.util.Arrays;
import org.conv4j.Tensor;

/** Classification metrics over a batch of logits {@code [N, K]} (any location). */
public final class Metrics {
    private Metrics() {
    }

    /**
     * The predicted class of every row: the index of its largest value (the first one on ties).
     *
     * @param logits {@code [N, K]}
     * @return {@code N} indices in {@code [0, K)}
     * @throws IllegalArgumentException if {@code logits} is null or not rank 2
     */
    public static int[] argmax(Tensor logits) {
        checkLogits("argmax", logits);
        int n = logits.dim(0), k = logits.dim(1);
        float[] z = Elementwise.values(logits);
        int[] out = new int[n];
        for (int r = 0; r < n; r++) {
            out[r] = SoftmaxCrossEntropy.argmaxRow(z, r * k, k);
        }
        return out;
    }

    /**
     * How many rows predict their label.
     *
     * @param logits {@code [N, K]}
     * @param labels {@code N} class indices
     * @return the number of rows whose {@link #argmax} equals their label, in {@code [0, N]}
     * @throws IllegalArgumentException if an argument is null, {@code logits} is not rank 2, or the label
     *                                  count is not {@code N}
     */
    public static int correct(Tensor logits, int[] labels) {
        int[] pred = argmax(logits);
        if (labels == null || labels.length != pred.length) {
            throw new IllegalArgumentException("Metrics.correct: " + (labels == null ? "labels is null"
                    : labels.length + " labels for " + pred.length + " rows of logits " + Arrays.toString(logits.shape())));
        }
        int c = 0;
        for (int i = 0; i < pred.length; i++) {
            if (pred[i] == labels[i]) {
                c++;
            }
        }
        return c;
    }

    /**
     * The fraction of rows that predict their label, in {@code [0, 1]}.
     *
     * @param logits {@code [N, K]}, any location
     * @param labels {@code N} class indices
     * @return {@link #correct} divided by {@code N}, in {@code [0, 1]}
     * @throws IllegalArgumentException as {@link #correct}
     */
    public static double accuracy(Tensor logits, int[] labels) {
        return (double) correct(logits, labels) / logits.dim(0);
    }

    private static void checkLogits(String op, Tensor logits) {
        if (logits == null) {
            throw new IllegalArgumentException("Metrics." + op + ": logits is null");
        }
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("Metrics." + op + ": logits have shape " + Arrays.toString(logits.shape())
                    + ", expected [N, K]");
        }
    }
}
