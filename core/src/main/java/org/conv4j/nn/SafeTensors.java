package org.conv4j.nn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conv4j.Tensor;

/**
 * Tensors saved in and loaded from the safetensors format (Hugging Face's, read by {@code safetensors.torch.load_file}
 * and {@code safetensors.numpy.load_file}): an 8-byte little-endian header length, a JSON header mapping each
 * name to {@code {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}} plus an optional
 * {@code "__metadata__"} map of strings, then the little-endian float32 values.
 *
 * <p>{@link #stateDict(Layer)} names the parameters of a network as PyTorch's {@code state_dict()} of the same
 * {@code nn.Sequential} does ({@code "0.weight"}, {@code "0.bias"}, {@code "7.weight"} ...), so weights trained
 * here load into the equivalent PyTorch model and back.
 *
 * <pre>{@code
 * SafeTensors.save(Path.of("lenet.safetensors"), SafeTensors.stateDict(net), Map.of("variant", "sigmoid"));
 * SafeTensors.loadInto(net, SafeTensors.load(Path.of("lenet.safetensors")));
 * }</pre>
 */
public final class SafeTensors {
    private static final String META = "__metadata__";

    private SafeTensors() {
    }

    /**
     * The parameters of {@code net} by PyTorch name: {@code "<layer index>.<parameter name>"} for a
     * {@link Sequential} (nested ones give {@code "1.0.weight"}), {@code "<parameter name>"} for a single layer.
     * The values are the current snapshots (heap tensors).
     *
     * @param net a layer or a {@link Sequential} of them
     * @return parameter name to its current value, in the order of {@link Layer#parameters()}
     * @throws IllegalArgumentException if {@code net} is null
     */
    public static Map<String, Tensor> stateDict(Layer net) {
        if (net == null) {
            throw new IllegalArgumentException("SafeTensors.stateDict: net is null");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", net, out);
        return out;
    }

    private static void collect(String prefix, Layer l, Map<String, Tensor> out) {
        if (l instanceof Sequential) {
            List<Layer> ls = ((Sequential) l).layers();
            for (int i = 0; i < ls.size(); i++) {
                collect(prefix + i + ".", ls.get(i), out);
            }
            return;
        }
        for (Parameter p : l.parameters()) {
            out.put(prefix + p.name(), p.value());
        }
    }

    /**
     * Sets every parameter of {@code net} from {@code tensors} (names as {@link #stateDict}).
     *
     * @param net     the layer whose parameters are set
     * @param tensors name to value, e.g. from {@link #load}; every name must match a parameter of the same shape
     * @throws IllegalArgumentException if an argument is null, a parameter has no tensor, a tensor names no
     *                                  parameter, or a shape differs; the message names the parameter and both
     *                                  shapes. Nothing is changed then.
     */
    public static void loadInto(Layer net, Map<String, Tensor> tensors) {
        if (net == null || tensors == null) {
            throw new IllegalArgumentException("SafeTensors.loadInto: " + (net == null ? "net" : "tensors") + " is null");
        }
        Map<String, Parameter> params = new LinkedHashMap<>();
        collectParams("", net, params);
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Tensor t = tensors.get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException("SafeTensors.loadInto: no tensor named " + e.getKey()
                        + " for the parameter of shape " + Arrays.toString(e.getValue().shape()) + "; the file has "
                        + tensors.keySet());
            }
            if (!Arrays.equals(t.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("SafeTensors.loadInto: " + e.getKey() + " has shape "
                        + Arrays.toString(t.shape()) + " in the file but " + Arrays.toString(e.getValue().shape())
                        + " in the network");
            }
        }
        for (String name : tensors.keySet()) {
            if (!params.containsKey(name)) {
                throw new IllegalArgumentException("SafeTensors.loadInto: the network has no parameter " + name
                        + "; it has " + params.keySet());
            }
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            e.getValue().set(tensors.get(e.getKey()));
        }
    }

    private static void collectParams(String prefix, Layer l, Map<String, Parameter> out) {
        if (l instanceof Sequential) {
            List<Layer> ls = ((Sequential) l).layers();
            for (int i = 0; i < ls.size(); i++) {
                collectParams(prefix + i + ".", ls.get(i), out);
            }
            return;
        }
        for (Parameter p : l.parameters()) {
            out.put(prefix + p.name(), p);
        }
    }

    /**
     * Writes {@code tensors} (in map order) and {@code metadata} to {@code file}, replacing it.
     *
     * @param file     the safetensors file to write
     * @param tensors  name to tensor, each stored as F32 with its shape; tensors on any backend are read back
     * @param metadata string pairs stored under {@code "__metadata__"}; null or empty for none
     * @throws IllegalArgumentException if {@code file} or {@code tensors} is null, a name is null, empty or
     *                                  {@code "__metadata__"}, or a tensor is null
     * @throws IOException              if the file cannot be written
     */
    public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        if (file == null || tensors == null) {
            throw new IllegalArgumentException("SafeTensors.save: " + (file == null ? "file" : "tensors") + " is null");
        }
        StringBuilder json = new StringBuilder("{");
        if (metadata != null && !metadata.isEmpty()) {
            json.append(quote(META)).append(":{");
            boolean first = true;
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                json.append(first ? "" : ",").append(quote(m.getKey())).append(':').append(quote(m.getValue()));
                first = false;
            }
            json.append('}');
        }
        long offset = 0;
        List<float[]> values = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.equals(META) || e.getValue() == null) {
                throw new IllegalArgumentException("SafeTensors.save: bad entry " + name + " -> " + e.getValue());
            }
            float[] v = e.getValue().toArray();
            values.add(v);
            json.append(json.length() > 1 ? "," : "").append(quote(name)).append(":{\"dtype\":\"F32\",\"shape\":")
                    .append(Arrays.toString(e.getValue().shape()).replace(" ", "")).append(",\"data_offsets\":[")
                    .append(offset).append(',').append(offset + 4L * v.length).append("]}");
            offset += 4L * v.length;
        }
        json.append('}');
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8; // the format allows trailing spaces; 8-byte aligned data
        ByteBuffer buf = ByteBuffer.allocate((int) (8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded).put(header);
        for (int i = header.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        for (float[] v : values) {
            buf.asFloatBuffer().put(v);
            buf.position(buf.position() + 4 * v.length);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, buf.array());
    }

    /**
     * Reads every F32 tensor of a safetensors file, in the order of their data.
     *
     * @param file a safetensors file, e.g. written by {@link #save} or PyTorch's {@code safetensors.torch.save_file}
     * @return name to heap tensor
     * @throws IOException naming the file and the problem if it cannot be read, is truncated, its header is not
     *                     valid JSON of the format, a dtype is not F32, or offsets and shapes disagree
     */
    public static Map<String, Tensor> load(Path file) throws IOException {
        try {
            return read(file);
        } catch (UncheckedFormat e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static Map<String, Tensor> read(Path file) throws IOException {
        Header h = header(file);
        Map<String, Tensor> out = new LinkedHashMap<>();
        ByteBuffer data = ByteBuffer.wrap(h.bytes, h.dataStart, h.bytes.length - h.dataStart).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        List<Map.Entry<String, Object>> entries = new ArrayList<>(h.json.entrySet());
        entries.removeIf(e -> e.getKey().equals(META));
        entries.sort((a, b) -> Long.compare(offsets(file, a)[0], offsets(file, b)[0]));
        for (Map.Entry<String, Object> e : entries) {
            Map<?, ?> info = asMap(file, e.getKey(), e.getValue());
            if (!"F32".equals(info.get("dtype"))) {
                throw new IOException(file + ": tensor " + e.getKey() + " has dtype " + info.get("dtype")
                        + "; only F32 is supported");
            }
            Object shapeObj = info.get("shape");
            if (!(shapeObj instanceof List)) {
                throw new IOException(file + ": tensor " + e.getKey() + " has no shape list");
            }
            List<?> shapeList = (List<?>) shapeObj;
            int[] shape = new int[shapeList.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                long d = shapeList.get(i) instanceof Long ? (Long) shapeList.get(i) : -1;
                if (d < 1 || d > Integer.MAX_VALUE) {
                    throw new IOException(file + ": tensor " + e.getKey() + " has a bad shape " + shapeList);
                }
                shape[i] = (int) d;
                count *= d;
            }
            long[] off = offsets(file, e);
            if (off[1] - off[0] != 4 * count || off[1] > data.capacity()) {
                throw new IOException(file + ": tensor " + e.getKey() + " of shape " + shapeList + " needs " + 4 * count
                        + " bytes but its data_offsets are [" + off[0] + ", " + off[1] + "] in a data section of "
                        + data.capacity() + " bytes" + (off[1] > data.capacity() ? " (truncated file?)" : ""));
            }
            float[] v = new float[(int) count];
            ByteBuffer part = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            part.position((int) off[0]);
            part.asFloatBuffer().get(v);
            out.put(e.getKey(), Tensor.of(v, shape));
        }
        return out;
    }

    /**
     * The {@code "__metadata__"} strings of a safetensors file (empty when it has none).
     *
     * @param file a safetensors file
     * @return the metadata key to value, in file order; non-string values as {@link String#valueOf}
     * @throws IOException as {@link #load}
     */
    public static Map<String, String> metadata(Path file) throws IOException {
        Object m = header(file).json.get(META);
        Map<String, String> out = new LinkedHashMap<>();
        if (m instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) m).entrySet()) {
                out.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
            }
        }
        return out;
    }

    private static final class Header {
        byte[] bytes;
        int dataStart;
        Map<String, Object> json;
    }

    private static Header header(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("SafeTensors: file is null");
        }
        Header h = new Header();
        h.bytes = Files.readAllBytes(file);
        if (h.bytes.length < 8) {
            throw new IOException(file + ": truncated: " + h.bytes.length + " bytes, not even the 8-byte header length");
        }
        long n = ByteBuffer.wrap(h.bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 2 || n > h.bytes.length - 8) {
            throw new IOException(file + ": the header length " + n + " does not fit the file of " + h.bytes.length
                    + " bytes (not a safetensors file, or truncated)");
        }
        String text = new String(h.bytes, 8, (int) n, StandardCharsets.UTF_8);
        Object parsed;
        try {
            parsed = new Json(text).document();
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": the header is not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map)) {
            throw new IOException(file + ": the header is not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) parsed;
        h.json = json;
        h.dataStart = (int) (8 + n);
        return h;
    }

    private static Map<?, ?> asMap(Path file, String name, Object o) {
        if (!(o instanceof Map)) {
            throw new UncheckedFormat(file + ": entry " + name + " is not an object");
        }
        return (Map<?, ?>) o;
    }

    private static long[] offsets(Path file, Map.Entry<String, Object> e) {
        Object o = e.getValue() instanceof Map ? ((Map<?, ?>) e.getValue()).get("data_offsets") : null;
        if (o instanceof List && ((List<?>) o).size() == 2 && ((List<?>) o).get(0) instanceof Long
                && ((List<?>) o).get(1) instanceof Long) {
            long a = (Long) ((List<?>) o).get(0), b = (Long) ((List<?>) o).get(1);
            if (a >= 0 && b >= a) {
                return new long[] {a, b};
            }
        }
        throw new UncheckedFormat(file + ": tensor " + e.getKey() + " has bad data_offsets " + o);
    }

    /** A format error found inside a comparator; {@link #load} rethrows it as an IOException. */
    private static final class UncheckedFormat extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        UncheckedFormat(String m) {
            super(m);
        }
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** The JSON subset of safetensors headers: objects, arrays, strings, integers, true/false/null. */
    private static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object document() {
            Object v = value();
            ws();
            if (i != s.length()) {
                throw error("text after the end");
            }
            return v;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at character " + i);
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private Object value() {
            ws();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                ws();
                if (peek('}')) {
                    return m;
                }
                do {
                    ws();
                    String k = string();
                    ws();
                    expect(':');
                    m.put(k, value());
                    ws();
                } while (accept(','));
                expect('}');
                return m;
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                ws();
                if (peek(']')) {
                    return l;
                }
                do {
                    l.add(value());
                    ws();
                } while (accept(','));
                expect(']');
                return l;
            }
            if (c == '"') {
                return string();
            }
            if (s.startsWith("true", i) || s.startsWith("null", i)) {
                i += 4;
                return s.charAt(i - 4) == 't' ? Boolean.TRUE : null;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String num = s.substring(start, i);
            try {
                return num.matches("-?\\d+") ? (Object) Long.parseLong(num) : (Object) Double.parseDouble(num);
            } catch (NumberFormatException e) {
                i = start;
                throw error("unexpected '" + c + "'");
            }
        }

        private boolean peek(char c) {
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        private boolean accept(char c) {
            return peek(c);
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    if (i >= s.length()) {
                        break;
                    }
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n': b.append('\n'); break;
                        case 't': b.append('\t'); break;
                        case 'r': b.append('\r'); break;
                        case 'b': b.append('\b'); break;
                        case 'f': b.append('\f'); break;
                        case 'u':
                            if (i + 4 > s.length()) {
                                throw error("short \\u escape");
                            }
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                            break;
                        default: b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
            throw error("unterminated string");
        }
    }
}
