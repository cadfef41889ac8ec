package org.conv4j.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An array of unsigned bytes read from a file in the IDX format of MNIST and Fashion-MNIST: two zero bytes,
 * the type code {@code 0x08} (unsigned byte), the number of dimensions, each dimension as a big-endian
 * 32-bit integer, then the values in row-major order. Gzipped files ({@code .gz}, recognised by their
 * content, not their name) are decompressed while reading.
 *
 * <pre>{@code
 * IdxFile images = IdxFile.read(Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"));
 * images.dims();        // [60000, 28, 28]
 * }</pre>
 */
public final class IdxFile {
    /** The only element type the MNIST family uses: unsigned bytes. */
    private static final int UBYTE = 0x08;
    /** Refuse headers that promise more than a Java array can hold. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private final int[] dims;
    private final byte[] data;

    private IdxFile(int[] dims, byte[] data) {
        this.dims = dims;
        this.data = data;
    }

    /**
     * Reads the whole file; never returns a partly filled array.
     *
     * @param file an IDX file of unsigned bytes, gzipped or not
     * @return its dimensions and values
     * @throws NoSuchFileException if the file does not exist
     * @throws IdxFormatException  naming the file and the problem when it is truncated, has bytes after the
     *                             data, a bad magic number, an element type other than unsigned byte, a zero
     *                             or oversized dimension, or a corrupt gzip stream
     * @throws IOException         on other read errors
     */
    public static IdxFile read(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            boolean gz = b0 == 0x1f && b1 == 0x8b;
            try (DataInputStream in = new DataInputStream(gz ? new GZIPInputStream(raw, 1 << 16) : raw)) {
                return parse(file, in, gz);
            } catch (ZipException | EOFException e) {
                throw new IdxFormatException(file, (gz ? "corrupt or truncated gzip stream: " : "truncated: ")
                        + e.getMessage(), e);
            }
        }
    }

    private static IdxFile parse(Path file, DataInputStream in, boolean gz) throws IOException {
        byte[] head = new byte[4];
        int got = in.readNBytes(head, 0, 4);
        if (got < 4) {
            throw new IdxFormatException(file, "truncated: " + got + " of the 4 header bytes", null);
        }
        if (head[0] != 0 || head[1] != 0) {
            throw new IdxFormatException(file, "not an IDX file: the first two bytes are "
                    + String.format("0x%02x 0x%02x", head[0] & 0xff, head[1] & 0xff) + ", expected 0x00 0x00"
                    + (gz ? "" : " (nor a gzip file)"), null);
        }
        if ((head[2] & 0xff) != UBYTE) {
            throw new IdxFormatException(file, String.format("element type 0x%02x is not supported, only 0x08 "
                    + "(unsigned byte, as in MNIST and Fashion-MNIST)", head[2] & 0xff), null);
        }
        int rank = head[3] & 0xff;
        if (rank < 1) {
            throw new IdxFormatException(file, "the header declares 0 dimensions", null);
        }
        int[] dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++) {
            byte[] d = new byte[4];
            int n = in.readNBytes(d, 0, 4);
            if (n < 4) {
                throw new IdxFormatException(file, "truncated in the header: dimension " + i + " of " + rank + " is missing", null);
            }
            long v = ((d[0] & 0xffL) << 24) | ((d[1] & 0xff) << 16) | ((d[2] & 0xff) << 8) | (d[3] & 0xff);
            if (v < 1 || v > MAX_BYTES) {
                throw new IdxFormatException(file, "dimension " + i + " is " + v + ", expected 1 to " + MAX_BYTES, null);
            }
            dims[i] = (int) v;
            count *= v;
            if (count > MAX_BYTES) {
                throw new IdxFormatException(file, "dimensions " + Arrays.toString(Arrays.copyOf(dims, i + 1))
                        + " hold more values than a Java array can", null);
            }
        }
        byte[] data = new byte[(int) count];
        int read = in.readNBytes(data, 0, data.length);
        if (read < data.length) {
            throw new IdxFormatException(file, "truncated: " + read + " of the " + data.length + " data bytes that the "
                    + "header " + Arrays.toString(dims) + " declares", null);
        }
        if (in.read() != -1) {
            throw new IdxFormatException(file, "corrupt: bytes follow the " + data.length + " data bytes that the header "
                    + Arrays.toString(dims) + " declares", null);
        }
        return new IdxFile(dims, data);
    }

    /**
     * The dimensions from the header.
     *
     * @return a copy of the dimensions, e.g. {@code [60000, 28, 28]} for images or {@code [60000]} for labels
     */
    public int[] dims() {
        return dims.clone();
    }

    /**
     * Number of values.
     *
     * @return the product of the dimensions
     */
    public int size() {
        return data.length;
    }

    /**
     * One value.
     *
     * @param i the index in row-major order, in {@code [0, size())}
     * @return value {@code i}, {@code 0..255}
     * @throws ArrayIndexOutOfBoundsException if {@code i} is outside {@code [0, size())}
     */
    public int get(int i) {
        return data[i] & 0xff;
    }

    /**
     * All values.
     *
     * @return a copy of the values {@code 0..255} in row-major order, as bytes to read with {@code & 0xff}
     */
    public byte[] bytes() {
        return data.clone();
    }

    byte[] rawBytes() {
        return data;
    }
}
