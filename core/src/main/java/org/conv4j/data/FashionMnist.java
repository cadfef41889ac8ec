package org.conv4j.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The Fashion-MNIST data set (Xiao, Rasul and Vollgraf, 2017; MIT licence): 60,000 training and 10,000 test
 * images of 28x28 gray pixels in ten clothing classes, read from its four IDX files (gzipped or not).
 *
 * <p>Where the files are looked for, first match wins: the directory passed to {@link #directory(String)}
 * (a command-line option), the environment variable {@value #ENV}, then {@value #DEFAULT_DIR}, where the
 * Debian package {@code dataset-fashion-mnist} installs them.
 *
 * <pre>{@code
 * FashionMnist data = FashionMnist.load(FashionMnist.directory(null));
 * data.train().size();   // 60000
 * }</pre>
 */
public final class FashionMnist {
    /** Where the Debian package {@code dataset-fashion-mnist} puts the files. */
    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
    /** Environment variable naming a directory with the files. */
    public static final String ENV = "CONV4J_FASHION_MNIST";
    /** The class names, by label. */
    public static final String[] CLASSES = {"t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt",
        "sneaker", "bag", "ankle boot"};
    private static final String[] FILES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

    private final LabeledImages train;
    private final LabeledImages test;

    private FashionMnist(LabeledImages train, LabeledImages test) {
        this.train = train;
        this.test = test;
    }

    /**
     * The directory to read: {@code cliDir} if not null, else {@value #ENV} if set, else {@value #DEFAULT_DIR}.
     * Whether the files are there is checked by {@link #load}.
     *
     * @param cliDir a directory given on the command line, or null or empty for none
     * @return the directory to pass to {@link #load}; not checked for existence
     */
    public static Path directory(String cliDir) {
        if (cliDir != null && !cliDir.isEmpty()) {
            return Path.of(cliDir);
        }
        String env = System.getenv(ENV);
        return Path.of(env != null && !env.isEmpty() ? env : DEFAULT_DIR);
    }

    /**
     * Reads the four files from {@code dir}, each as {@code NAME.gz} or {@code NAME}.
     *
     * @param dir the directory holding {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
     *            {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte} (each gzipped or not)
     * @return the training and test sets, 28x28 gray images with values in {@code [0, 1]} and labels 0 to 9
     * @throws FileNotFoundException if a file is missing; the message names what was looked for and both ways
     *                               to get the files (the Debian package, or a download plus a directory)
     * @throws IdxFormatException    if a file is truncated or corrupt, or the files disagree (image and label
     *                               counts, 28x28 images, labels 0 to 9); names the file and the problem
     * @throws IOException           on other read errors
     */
    public static FashionMnist load(Path dir) throws IOException {
        Path[] p = new Path[4];
        for (int i = 0; i < 4; i++) {
            p[i] = find(dir, FILES[i]);
        }
        return new FashionMnist(read(p[0], p[1]), read(p[2], p[3]));
    }

    private static Path find(Path dir, String name) throws FileNotFoundException {
        for (String candidate : new String[] {name + ".gz", name}) {
            Path f = dir.resolve(candidate);
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new FileNotFoundException("Fashion-MNIST: " + name + ".gz (or " + name + ") not found in " + dir
                + ". Get the data set in one of two ways: install the Debian package (sudo apt-get install"
                + " dataset-fashion-mnist, which puts the files in " + DEFAULT_DIR + "), or download the four files"
                + " train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz,"
                + " t10k-labels-idx1-ubyte.gz from https://github.com/zalandoresearch/fashion-mnist (data/fashion)"
                + " into a directory and pass it with --data DIR or the environment variable " + ENV + ".");
    }

    private static LabeledImages read(Path imagesFile, Path labelsFile) throws IOException {
        IdxFile images = IdxFile.read(imagesFile);
        IdxFile labels = IdxFile.read(labelsFile);
        int[] d = images.dims();
        if (d.length != 3 || d[1] != 28 || d[2] != 28) {
            throw new IdxFormatException(imagesFile, "dimensions " + Arrays.toString(d) + ", expected [n, 28, 28]", null);
        }
        if (labels.dims().length != 1 || labels.size() != d[0]) {
            throw new IdxFormatException(labelsFile, "dimensions " + Arrays.toString(labels.dims()) + ", expected ["
                    + d[0] + "] to match the " + d[0] + " images of " + imagesFile.getFileName(), null);
        }
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i) > 9) {
                throw new IdxFormatException(labelsFile, "label " + i + " is " + labels.get(i) + ", expected 0 to 9", null);
            }
        }
        return LabeledImages.fromIdx(images, labels);
    }

    /**
     * The training set.
     *
     * @return the 60,000 training images {@code [1, 28, 28]} each, with their labels
     */
    public LabeledImages train() {
        return train;
    }

    /**
     * The test set.
     *
     * @return the 10,000 test images {@code [1, 28, 28]} each, with their labels
     */
    public LabeledImages test() {
        return test;
    }
}
