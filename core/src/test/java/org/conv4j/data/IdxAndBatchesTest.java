package org.conv4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxAndBatchesTest {
    @TempDir
    Path dir;

    /** An IDX ubyte file: header for dims, then values[i] = (seed + i) & 0xff. */
    static byte[] idx(int seed, int... dims) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(0);
        out.write(0x08);
        out.write(dims.length);
        int n = 1;
        for (int d : dims) {
            out.write(d >>> 24);
            out.write(d >>> 16);
            out.write(d >>> 8);
            out.write(d);
            n *= d;
        }
        for (int i = 0; i < n; i++) {
            out.write((seed + i) & 0xff);
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] b) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    @Test
    void readsPlainAndGzippedFilesAlike() throws IOException {
        byte[] raw = idx(250, 3, 2, 4);
        IdxFile plain = IdxFile.read(write("a-idx3-ubyte", raw));
        IdxFile gz = IdxFile.read(write("a-idx3-ubyte.gz", gzip(raw)));
        assertArrayEquals(new int[] {3, 2, 4}, plain.dims());
        assertArrayEquals(plain.bytes(), gz.bytes());
        assertEquals(250, plain.get(0));
        assertEquals(255, plain.get(5));
        assertEquals(0, plain.get(6), "values wrap as unsigned bytes");
    }

    @Test
    void truncatedAndCorruptFilesNameTheFileAndTheProblem() throws IOException {
        byte[] raw = idx(0, 10, 3);
        Path shortData = write("short", Arrays.copyOf(raw, raw.length - 5));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.read(shortData));
        assertEquals(shortData + ": truncated: 25 of the 30 data bytes that the header [10, 3] declares", e.getMessage());
        assertEquals(shortData, e.file());

        Path shortHeader = write("header", Arrays.copyOf(raw, 6));
        e = assertThrows(IdxFormatException.class, () -> IdxFile.read(shortHeader));
        assertTrue(e.getMessage().contains("truncated in the header"), e.getMessage());

        byte[] longer = Arrays.copyOf(raw, raw.length + 1);
        Path trailing = write("trailing", longer);
        e = assertThrows(IdxFormatException.class, () -> IdxFile.read(trailing));
        assertTrue(e.getMessage().contains("bytes follow the 30 data bytes"), e.getMessage());

        Path text = write("text", "hello world".getBytes());
        e = assertThrows(IdxFormatException.class, () -> IdxFile.read(text));
        assertTrue(e.getMessage().startsWith(text + ": not an IDX file"), e.getMessage());

        byte[] ints = raw.clone();
        ints[2] = 0x0C;
        Path intFile = write("ints", ints);
        e = assertThrows(IdxFormatException.class, () -> IdxFile.read(intFile));
        assertTrue(e.getMessage().contains("element type 0x0c is not supported"), e.getMessage());

        byte[] gz = gzip(idx(0, 1000));
        Path cutGz = write("cut.gz", Arrays.copyOf(gz, gz.length / 2));
        e = assertThrows(IdxFormatException.class, () -> IdxFile.read(cutGz));
        assertTrue(e.getMessage().startsWith(cutGz + ": "), e.getMessage());

        byte[] zeroDim = idx(0, 2, 3);
        zeroDim[7] = 0;
        zeroDim[11] = 0; // dims [0, 0]: no bytes promised, the reader must still refuse it
        Path zero = write("zero", Arrays.copyOf(zeroDim, 12));
        e = assertThrows(IdxFormatException.class, () -> IdxFile.read(zero));
        assertTrue(e.getMessage().contains("dimension 0 is 0"), e.getMessage());
    }

    private void writeFashion(Path d, int nTrain, int nTest, boolean gz) throws IOException {
        Files.createDirectories(d);
        String ext = gz ? ".gz" : "";
        byte[][] files = {idx(1, nTrain, 28, 28), labels(nTrain), idx(2, nTest, 28, 28), labels(nTest)};
        String[] names = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte"};
        for (int i = 0; i < 4; i++) {
            Files.write(d.resolve(names[i] + ext), gz ? gzip(files[i]) : files[i]);
        }
    }

    private static byte[] labels(int n) {
        byte[] b = idx(0, n);
        for (int i = 0; i < n; i++) {
            b[8 + i] = (byte) (i % 10);
        }
        return b;
    }

    @Test
    void fashionMnistLoadsScaledPixelsAndLabels() throws IOException {
        writeFashion(dir.resolve("gz"), 5, 3, true);
        writeFashion(dir.resolve("plain"), 5, 3, false);
        FashionMnist a = FashionMnist.load(dir.resolve("gz"));
        FashionMnist b = FashionMnist.load(dir.resolve("plain"));
        assertEquals(5, a.train().size());
        assertEquals(3, b.test().size());
        assertEquals(28, a.train().height());
        assertEquals(4, a.train().label(4));
        float[] px = new float[784];
        a.train().copyImage(0, px, 0);
        assertEquals(1 / 255f, px[0], 0f);
        assertEquals(255 / 255f, px[254], 0f);
        assertEquals(Path.of("/some/dir"), FashionMnist.directory("/some/dir"));
    }

    @Test
    void missingFilesSayBothWaysToGetThem() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> FashionMnist.load(empty));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("--data DIR") && e.getMessage().contains(FashionMnist.ENV), e.getMessage());
    }

    @Test
    void inconsistentFilesAreRefused() throws IOException {
        Path d = dir.resolve("bad");
        writeFashion(d, 5, 3, false);
        Files.write(d.resolve("t10k-labels-idx1-ubyte"), labels(4));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> FashionMnist.load(d));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte") && e.getMessage().contains("expected [3]"),
                e.getMessage());
    }

    @Test
    void batchesAreSeededShuffledAndCoverEveryImageOnce() {
        int n = 10;
        float[] px = new float[n * 2];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            px[2 * i] = i;
            px[2 * i + 1] = -i;
            labels[i] = i;
        }
        LabeledImages data = new LabeledImages(px, labels, 1, 1, 2);
        Batches batches = new Batches(data, 4, true, 42);
        assertEquals(3, batches.count());
        int[] seen = new int[n];
        int[] sizes = new int[3];
        int k = 0;
        for (Batches.Batch b : batches.epoch(0)) {
            sizes[k++] = b.size();
            float[] v = b.images().toArray();
            assertArrayEquals(new int[] {b.size(), 1, 1, 2}, b.images().shape());
            for (int j = 0; j < b.size(); j++) {
                assertEquals(b.labels()[j], (int) v[2 * j], "pixels and label travel together");
                seen[b.labels()[j]]++;
            }
        }
        assertArrayEquals(new int[] {4, 4, 2}, sizes);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, seen);
        assertArrayEquals(batches.order(3), new Batches(data, 4, true, 42).order(3), "same seed, same order");
        assertNotEquals(Arrays.toString(batches.order(0)), Arrays.toString(batches.order(1)));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, new Batches(data, 4, false, 42).order(5));
        assertThrows(IllegalArgumentException.class, () -> new Batches(data, 0, true, 1));
    }
}
