package org.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.conv4j.Backends;
import org.conv4j.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void theFileIsTheDocumentedLayout() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("a", Tensor.of(new float[] {1f, -2.5f}, 2));
        t.put("b.weight", Tensor.of(new float[] {3f, 4f, 5f, 6f, 7f, 8f}, 2, 3));
        Path f = dir.resolve("t.safetensors");
        SafeTensors.save(f, t, Map.of("k", "v \"quoted\""));
        byte[] bytes = Files.readAllBytes(f);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong();
        assertEquals(0, n % 8, "data aligned to 8 bytes");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8).trim();
        assertEquals("{\"__metadata__\":{\"k\":\"v \\\"quoted\\\"\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[8,32]}}", header);
        b.position((int) (8 + n));
        assertEquals(1f, b.getFloat());
        assertEquals(-2.5f, b.getFloat());
        assertEquals(3f, b.getFloat());
        assertEquals(8 + n + 32, bytes.length);
        Map<String, Tensor> back = SafeTensors.load(f);
        assertArrayEquals(new int[] {2, 3}, back.get("b.weight").shape());
        assertArrayEquals(t.get("b.weight").toArray(), back.get("b.weight").toArray());
        assertEquals("v \"quoted\"", SafeTensors.metadata(f).get("k"));
    }

    @Test
    void brokenFilesNameTheFileAndTheProblem() throws IOException {
        Path f = dir.resolve("t.safetensors");
        SafeTensors.save(f, Map.of("w", Tensor.of(new float[] {1, 2, 3, 4}, 4)), null);
        byte[] ok = Files.readAllBytes(f);
        Path cut = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(ok, ok.length - 4));
        IOException e = assertThrows(IOException.class, () -> SafeTensors.load(cut));
        assertTrue(e.getMessage().startsWith(cut.toString()) && e.getMessage().contains("truncated"), e.getMessage());
        Path tiny = Files.write(dir.resolve("tiny"), new byte[3]);
        e = assertThrows(IOException.class, () -> SafeTensors.load(tiny));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        byte[] f16 = new String(ok, StandardCharsets.ISO_8859_1).replace("F32", "F16").getBytes(StandardCharsets.ISO_8859_1);
        Path half = Files.write(dir.resolve("half"), f16);
        e = assertThrows(IOException.class, () -> SafeTensors.load(half));
        assertTrue(e.getMessage().contains("dtype F16"), e.getMessage());
        byte[] bad = ok.clone();
        bad[8] = '[';
        Path notJson = Files.write(dir.resolve("bad"), bad);
        assertThrows(IOException.class, () -> SafeTensors.load(notJson));
    }

    @Test
    void stateDictUsesPyTorchNamesAndLoadIntoChecksShapes() {
        Sequential net = new Sequential(new Flatten(), Linear.builder(4, 3).backend(Backends.java()).build(), new Sigmoid(),
                new Sequential(Linear.builder(3, 2).backend(Backends.java()).bias(false).build()));
        Map<String, Tensor> sd = SafeTensors.stateDict(net);
        assertEquals(java.util.List.of("1.weight", "1.bias", "3.0.weight"), java.util.List.copyOf(sd.keySet()));
        Map<String, Tensor> wrong = new LinkedHashMap<>(sd);
        wrong.put("1.bias", Tensor.zeros(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.loadInto(net, wrong));
        assertEquals("SafeTensors.loadInto: 1.bias has shape [4] in the file but [3] in the network", e.getMessage());
        Map<String, Tensor> extra = new LinkedHashMap<>(sd);
        extra.put("9.weight", Tensor.zeros(1));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.loadInto(net, extra));
        Map<String, Tensor> missing = new LinkedHashMap<>(sd);
        missing.remove("3.0.weight");
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.loadInto(net, missing));
    }
}
