package org.conv4j.examples;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.Conv4j;
import org.conv4j.data.Batches;
import org.conv4j.data.FashionMnist;
import org.conv4j.data.LabeledImages;
import org.conv4j.nn.AvgPool2D;
import org.conv4j.nn.Conv2D;
import org.conv4j.nn.Layer;
import org.conv4j.nn.Linear;
import org.conv4j.nn.MaxPool2D;
import org.conv4j.nn.SGD;
import org.conv4j.nn.ReLU;
import org.conv4j.nn.Sequential;
import org.conv4j.nn.Sigmoid;

/**
 * Training speed of the book's LeNet recipe (batch 256, SGD) per backend, with the share of the step time in
 * convolution, pooling, linear layers and everything else (activations, flatten, loss, SGD update; the
 * activations alone in the last column), as shares of the process CPU time (robust on a shared machine).
 * Columns: engine, threads, examples per wall-clock second, examples per CPU second (all threads), shares. Prints one
 * markdown row per backend; {@code tools/lenet-bench.sh} runs it beside PyTorch.
 *
 * <pre>
 * LeNetBenchmark [--backends auto,cpu,java] [--threads 2] [--images 15360] [--warmup 2560] [--relu] [--data DIR]
 * </pre>
 * Each backend trains on {@code --warmup} images first (JIT, caches), then is timed over {@code --images}
 * images of the shuffled training set. Examples/s counts the whole training step, as the application does.
 */
public final class LeNetBenchmark {
    private LeNetBenchmark() {
    }

    /** Time shares; "activations" (sigmoid or ReLU) are part of "other" in the summary, shown apart to guide work. */
    private static final String[] PARTS = {"conv", "pooling", "linear", "other", "activations"};

    /**
     * Runs the benchmark.
     *
     * @throws IOException if the data cannot be read
     */
    public static void main(String[] args) throws IOException {
        List<String> backends = List.of("auto", "cpu", "java");
        int threads = 2, images = 15360, warmup = 2560;
        LeNet.Variant variant = LeNet.Variant.SIGMOID;
        String dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--backends": backends = Arrays.asList(args[++i].split(",")); break;
                case "--threads": threads = Integer.parseInt(args[++i]); break;
                case "--images": images = Integer.parseInt(args[++i]); break;
                case "--warmup": warmup = Integer.parseInt(args[++i]); break;
                case "--relu": variant = LeNet.Variant.RELU; break;
                case "--data": dir = args[++i]; break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Conv4j.setThreads(threads);
        LabeledImages train = FashionMnist.load(FashionMnist.directory(dir)).train();
        for (String name : backends) {
            Backend b = name.equals("auto") ? Backends.auto() : Backends.get(name);
            long[] nanos = new long[PARTS.length];
            Sequential net = timed(LeNet.create(variant, b, 42), nanos);
            SGD sgd = SGD.of(net);
            Batches batches = new Batches(train, 256, true, 42);
            double lr = variant.learningRate();
            runImages(net, sgd, lr, batches, warmup);
            Arrays.fill(nanos, 0);
            long t0 = System.nanoTime(), c0 = Cpu.nanos();
            int done = runImages(net, sgd, lr, batches, images);
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpu = (Cpu.nanos() - c0) / 1e9;
            long layers = nanos[0] + nanos[1] + nanos[2] + nanos[3] + nanos[4];
            nanos[3] += (long) (cpu * 1e9) - layers; // loss, update, batching: everything outside the layers
            nanos[3] += nanos[4];                    // "other" includes the activations
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| conv4j %-5s | %d | %8.0f | %8.0f |", name,
                    threads, done / secs, done / cpu));
            for (int p = 0; p < PARTS.length; p++) {
                row.append(String.format(Locale.ROOT, " %4.1f%% |", 100.0 * nanos[p] / (cpu * 1e9)));
            }
            System.out.println(row);
        }
    }

    /** Trains on about {@code images} images (whole batches, epochs continue as needed); returns the count. */
    private static int runImages(Sequential net, SGD sgd, double lr, Batches batches, int images) {
        int done = 0;
        int epoch = 0;
        while (done < images) {
            for (Batches.Batch bt : batches.epoch(epoch++)) {
                org.conv4j.Tensor logits = net.forward(bt.images());
                var r = org.conv4j.nn.SoftmaxCrossEntropy.of(logits, bt.labels());
                sgd.zeroGrad();
                net.backwardParameters(r.gradient());
                sgd.step(lr);
                logits.close();
                done += bt.size();
                if (done >= images) {
                    break;
                }
            }
        }
        return done;
    }

    private static Sequential timed(Sequential net, long[] nanos) {
        List<Layer> wrapped = new ArrayList<>();
        for (Layer l : net.layers()) {
            int slot = l instanceof Conv2D ? 0 : (l instanceof AvgPool2D || l instanceof MaxPool2D) ? 1
                    : l instanceof Linear ? 2 : (l instanceof Sigmoid || l instanceof ReLU) ? 4 : 3;
            wrapped.add(new TimedLayer(l, nanos, slot));
        }
        return new Sequential(wrapped.toArray(new Layer[0]));
    }
}
