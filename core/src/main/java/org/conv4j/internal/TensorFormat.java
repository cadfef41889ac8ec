package org.conv4j.internal;

/** Prints tensors as aligned nested rows, the way the textbook shows them. */
public final class TensorFormat {
    private static final int MAX_PRINTED = 4096;

    private TensorFormat() {
    }

    /** Formats one value: integers without a fraction, others with up to 4 significant decimals. */
    public static String value(float v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e7f) {
            return Long.toString((long) v);
        }
        String s = String.format(java.util.Locale.ROOT, "%.4f", v);
        // trim trailing zeros but keep one decimal
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '0' && s.charAt(end - 2) != '.') {
            end--;
        }
        return s.substring(0, end);
    }

    /** Formats {@code data} of {@code shape} as nested brackets with right-aligned columns. */
    public static String format(float[] data, int[] shape) {
        if (data.length > MAX_PRINTED) {
            return "Tensor" + java.util.Arrays.toString(shape) + " (" + data.length + " values)";
        }
        if (shape.length == 0) {
            return value(data[0]);
        }
        int width = 1;
        String[] cells = new String[data.length];
        for (int i = 0; i < data.length; i++) {
            cells[i] = value(data[i]);
            width = Math.max(width, cells[i].length());
        }
        StringBuilder sb = new StringBuilder();
        append(sb, cells, shape, 0, 0, width);
        return sb.toString();
    }

    private static int append(StringBuilder sb, String[] cells, int[] shape, int dim, int pos, int width) {
        sb.append('[');
        for (int i = 0; i < shape[dim]; i++) {
            if (i > 0) {
                sb.append(dim == shape.length - 1 ? ", " : ",\n" + " ".repeat(dim + 1));
            }
            if (dim == shape.length - 1) {
                String c = cells[pos++];
                sb.append(" ".repeat(width - c.length())).append(c);
            } else {
                pos = append(sb, cells, shape, dim + 1, pos, width);
            }
        }
        sb.append(']');
        return pos;
    }
}
