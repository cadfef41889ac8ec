package org.conv4j.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.bytedeco.javacpp.Pointer;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.Conv4j;
import org.conv4j.data.Batches;
import org.conv4j.data.FashionMnist;
import org.conv4j.nn.SGD;
import org.conv4j.nn.SafeTensors;
import org.conv4j.nn.Sequential;

/**
 * Trains the book's LeNet on Fashion-MNIST (section "Convolutional Neural Networks (LeNet)"): Xavier-uniform
 * weights, sigmoid, average pooling, SGD with learning rate 0.9, batch 256, 10 epochs. Prints per epoch the
 * train loss, train accuracy, test accuracy, training examples per second and the live native memory;
 * shows a progress bar on a terminal; writes the chart of the three curves as a PNG and the weights as
 * safetensors.
 *
 * <pre>
 * LeNetApp [--epochs 10] [--batch 256] [--lr 0.9] [--seed 42] [--threads 2] [--backend auto|cpu|java|cuda]
 *          [--relu] [--data DIR] [--train-limit N] [--save FILE] [--chart FILE] [--no-progress]
 * LeNetApp --eval FILE [--data DIR] [--backend ...]
 * </pre>
 * {@code --relu} trains the ReLU + max-pooling variant (He-uniform weights, default lr 0.1). The data
 * directory defaults to {@code $CONV4J_FASHION_MNIST}, then {@code /usr/share/datasets/fashion-mnist}.
 */
public final class LeNetApp {
    private LeNetApp() {
    }

    /** Parsed command line. */
    static final class Options {
        int epochs = 10;
        int batch = 256;
        Double lr;
        long seed = 42;
        int threads = 2;
        String backend = "auto";
        LeNet.Variant variant = LeNet.Variant.SIGMOID;
        String data;
        int trainLimit;
        Path save;
        Path chart;
        Path eval;
        boolean progress = true;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--epochs": o.epochs = positive(a, value(args, ++i, a)); break;
                    case "--batch": o.batch = positive(a, value(args, ++i, a)); break;
                    case "--lr": o.lr = Double.parseDouble(value(args, ++i, a)); break;
                    case "--seed": o.seed = Long.parseLong(value(args, ++i, a)); break;
                    case "--threads": o.threads = positive(a, value(args, ++i, a)); break;
                    case "--backend": o.backend = value(args, ++i, a); break;
                    case "--relu": o.variant = LeNet.Variant.RELU; break;
                    case "--data": o.data = value(args, ++i, a); break;
                    case "--train-limit": o.trainLimit = positive(a, value(args, ++i, a)); break;
                    case "--save": o.save = Path.of(value(args, ++i, a)); break;
                    case "--chart": o.chart = Path.of(value(args, ++i, a)); break;
                    case "--eval": o.eval = Path.of(value(args, ++i, a)); break;
                    case "--no-progress": o.progress = false; break;
                    default:
                        throw new IllegalArgumentException("unknown option " + a + "; see the class comment of "
                                + LeNetApp.class.getName() + " or --help");
                }
            }
            String v = o.variant.id();
            if (o.save == null) {
                o.save = Path.of("target", "lenet-" + v + ".safetensors");
            }
            if (o.chart == null) {
                o.chart = Path.of("target", "lenet-" + v + ".png");
            }
            return o;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static int positive(String option, String s) {
            int v = Integer.parseInt(s);
            if (v < 1) {
                throw new IllegalArgumentException(option + " must be at least 1, got " + v);
            }
            return v;
        }
    }

    private static final String USAGE = "usage: LeNetApp [--epochs 10] [--batch 256] [--lr 0.9] [--seed 42] [--threads 2]"
            + " [--backend auto|cpu|java|cuda] [--relu] [--data DIR] [--train-limit N] [--save FILE] [--chart FILE]"
            + " [--no-progress]\n       LeNetApp --eval FILE [--data DIR] [--backend ...]";

    /**
     * Runs the application; exits with status 2 on a bad command line and 1 when the data cannot be read.
     *
     * @throws IOException if the chart or the weights cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(USAGE);
            return;
        }
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("LeNetApp: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        Conv4j.setThreads(o.threads);
        Backend backend = o.backend.equals("auto") ? Backends.auto() : Backends.get(o.backend);
        FashionMnist data;
        try {
            data = FashionMnist.load(FashionMnist.directory(o.data));
        } catch (IOException e) {
            System.err.println("LeNetApp: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (o.eval != null) {
            evaluate(o, backend, data);
        } else {
            train(o, backend, data, System.out);
        }
    }

    private static void evaluate(Options o, Backend backend, FashionMnist data) throws IOException {
        Map<String, String> meta = SafeTensors.metadata(o.eval);
        LeNet.Variant v = LeNet.Variant.of(meta.getOrDefault("variant", "sigmoid"));
        Sequential net = LeNet.create(v, backend, 0);
        SafeTensors.loadInto(net, SafeTensors.load(o.eval));
        double acc = Training.accuracy(net, data.test(), 1000);
        System.out.printf(Locale.ROOT, "%s (LeNet, %s): test acc %.3f on %d images, backend %s%n", o.eval, v.id(), acc,
                data.test().size(), backend.name());
    }

    /** Trains as the options say, printing to {@code out}; returns the per-epoch results. */
    static List<double[]> train(Options o, Backend backend, FashionMnist data, PrintStream out) throws IOException {
        double lr = o.lr != null ? o.lr : o.variant.learningRate();
        var trainSet = o.trainLimit > 0 ? data.train().head(o.trainLimit) : data.train();
        Sequential net = LeNet.create(o.variant, backend, o.seed);
        SGD sgd = SGD.of(net);
        Batches batches = new Batches(trainSet, o.batch, true, o.seed);
        out.printf(Locale.ROOT, "LeNet (%s) on Fashion-MNIST: %d training, %d test images; batch %d, lr %s, %d epochs,"
                + " backend %s, %d threads%n", o.variant.id(), trainSet.size(), data.test().size(), o.batch, lr, o.epochs,
                backend.name(), Conv4j.threads());
        List<Double> losses = new ArrayList<>(), trainAcc = new ArrayList<>(), testAcc = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        long examples = 0;
        double seconds = 0;
        boolean bar = o.progress && System.console() != null;
        for (int e = 0; e < o.epochs; e++) {
            Training.EpochStats s;
            if (bar) {
                try (ProgressBar pb = new ProgressBarBuilder().setTaskName(String.format("epoch %d/%d", e + 1, o.epochs))
                        .setInitialMax(trainSet.size()).setUnit(" img", 1).showSpeed()
                        .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(200).build()) {
                    s = Training.epoch(net, sgd, lr, batches, e, pb::stepBy);
                }
            } else {
                s = Training.epoch(net, sgd, lr, batches, e, null);
            }
            double test = Training.accuracy(net, data.test(), 1000);
            losses.add(s.loss);
            trainAcc.add(s.trainAccuracy);
            testAcc.add(test);
            examples += s.examples;
            seconds += s.seconds;
            rows.add(new double[] {s.loss, s.trainAccuracy, test, s.examplesPerSecond()});
            out.printf(Locale.ROOT, "epoch %2d  loss %.4f  train acc %.3f  test acc %.3f  %8.0f examples/s"
                    + "  native memory %.1f MiB%n", e + 1, s.loss, s.trainAccuracy, test, s.examplesPerSecond(),
                    Pointer.totalBytes() / 1048576.0);
        }
        out.printf(Locale.ROOT, "loss %.3f, train acc %.3f, test acc %.3f%n%.1f examples/sec on %s%n",
                losses.get(losses.size() - 1), trainAcc.get(trainAcc.size() - 1), testAcc.get(testAcc.size() - 1),
                examples / seconds, backend.name());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model", "LeNet");
        meta.put("variant", o.variant.id());
        meta.put("epochs", Integer.toString(o.epochs));
        meta.put("test_accuracy", String.format(Locale.ROOT, "%.4f", testAcc.get(testAcc.size() - 1)));
        SafeTensors.save(o.save, SafeTensors.stateDict(net), meta);
        TrainingChart.write(o.chart, "LeNet (" + o.variant.id() + ") on Fashion-MNIST, " + backend.name(), losses,
                trainAcc, testAcc, 640, 420);
        out.println("weights: " + o.save + " (safetensors; --eval " + o.save + " reloads them)");
        out.println("chart:   " + o.chart);
        return rows;
    }
}
