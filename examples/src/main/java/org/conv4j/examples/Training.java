package org.conv4j.examples;

import java.util.function.IntConsumer;
import org.conv4j.Tensor;
import org.conv4j.data.Batches;
import org.conv4j.data.LabeledImages;
import org.conv4j.nn.Metrics;
import org.conv4j.nn.SGD;
import org.conv4j.nn.Sequential;
import org.conv4j.nn.SoftmaxCrossEntropy;

/** The book's training loop ({@code d2l.train_ch6}) for a classifier: mean softmax cross-entropy, SGD. */
public final class Training {
    private Training() {
    }

    /** What one epoch of training measured. */
    public static final class EpochStats {
        /** Mean training loss over the epoch's examples (each batch's mean weighted by its size). */
        public final double loss;
        /** Fraction of the epoch's training examples classified right while training. */
        public final double trainAccuracy;
        /** Training examples processed. */
        public final int examples;
        /** Seconds spent in the training steps (forward, loss, backward, update; not the batching). */
        public final double seconds;

        EpochStats(double loss, double trainAccuracy, int examples, double seconds) {
            this.loss = loss;
            this.trainAccuracy = trainAccuracy;
            this.examples = examples;
            this.seconds = seconds;
        }

        /** Training examples per second. */
        public double examplesPerSecond() {
            return examples / seconds;
        }
    }

    /**
     * One epoch: for each batch, forward, loss, backward, {@code sgd.step(lr)}.
     *
     * @param afterBatch called with the batch size after each step (progress display), or null
     */
    public static EpochStats epoch(Sequential net, SGD sgd, double lr, Batches batches, int epoch, IntConsumer afterBatch) {
        double lossSum = 0;
        long correct = 0;
        int seen = 0;
        long nanos = 0;
        for (Batches.Batch b : batches.epoch(epoch)) {
            long t0 = System.nanoTime();
            Tensor logits = net.forward(b.images());
            SoftmaxCrossEntropy.Result r = SoftmaxCrossEntropy.of(logits, b.labels());
            sgd.zeroGrad();
            net.backwardParameters(r.gradient());
            sgd.step(lr);
            logits.close();
            nanos += System.nanoTime() - t0;
            lossSum += r.loss() * b.size();
            correct += r.correct();
            seen += b.size();
            if (afterBatch != null) {
                afterBatch.accept(b.size());
            }
        }
        return new EpochStats(lossSum / seen, (double) correct / seen, seen, nanos / 1e9);
    }

    /** Fraction of {@code data} that {@code net} classifies right, in batches of {@code batchSize}. */
    public static double accuracy(Sequential net, LabeledImages data, int batchSize) {
        long correct = 0;
        for (Batches.Batch b : new Batches(data, batchSize, false, 0).epoch(0)) {
            try (Tensor logits = net.forward(b.images())) {
                correct += Metrics.correct(logits, b.labels());
            }
        }
        net.release();
        return (double) correct / data.size();
    }
}
