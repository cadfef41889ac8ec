package org.conv4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.conv4j.Backend;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.conv4j.spi.ConvGeometry;
import org.conv4j.spi.PoolGeometry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Checks the CUDA kernels against the java reference backend without a GPU: computes random cases with
 * {@link Backends#java()}, writes them to {@code target/cuda-host-replay.bin}, and runs
 * {@code c4j_cuda_host_replay} (native/cuda/tests/host_replay.cpp), which executes the kernels' own
 * {@code __host__ __device__} bodies block by block, thread by thread and phase by phase on the CPU and compares.
 *
 * <p>The harness binary comes from system property {@code conv4j.cuda.hostReplay} when that file exists, else the
 * first of {@code build/cuda/c4j_cuda_host_replay} and {@code target/**}{@code /c4j_cuda_host_replay}; the test is
 * skipped, with the reason printed, when none exists (a build that has not run CMake, e.g. -Dconv4j.skipNative).
 */
class HostHarnessReplayTest {
    private static final Backend REF = Backends.java();

    private static Path findHarness() throws IOException {
        String prop = System.getProperty("conv4j.cuda.hostReplay");
        if (prop != null && !prop.isBlank() && Files.isExecutable(Paths.get(prop))) {
            return Paths.get(prop);
        }
        Path standalone = Paths.get("build", "cuda", "c4j_cuda_host_replay");
        if (Files.isExecutable(standalone)) {
            return standalone;
        }
        Path target = Paths.get("target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> s = Files.walk(target, 8)) {
                return s.filter(p -> p.getFileName().toString().equals("c4j_cuda_host_replay") && Files.isExecutable(p))
                        .findFirst().orElse(null);
            }
        }
        return null;
    }

    /** One case: op code, descriptor, arrays (inputs then the java result), as host_replay.cpp reads them. */
    private record Case(int op, int[] desc, List<float[]> arrays) {
    }

    private static float[] rand(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    private static float[] ties(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (r.nextInt(7) - 3) * 0.25f;
        }
        return v;
    }

    private static List<Case> cases() {
        Random r = new Random(2026);
        List<Case> out = new ArrayList<>();
        for (int c = 0; c < 120; c++) {
            int g = r.nextInt(4) == 0 ? 2 + r.nextInt(3) : 1;
            boolean depthwise = r.nextInt(6) == 0;
            int cinG = depthwise ? 1 : 1 + r.nextInt(5), coutG = depthwise ? 1 + r.nextInt(2) : 1 + r.nextInt(6);
            if (depthwise) {
                g = 2 + r.nextInt(6);
            }
            int kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4), dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
            int h = Math.max(1, dh * (kh - 1) + 1 - 2 + r.nextInt(12)), w = Math.max(1, dw * (kw - 1) + 1 - 2 + r.nextInt(12));
            int pt = r.nextInt(3), pb = r.nextInt(3), pl = r.nextInt(3), pr = r.nextInt(3);
            if (h + pt + pb < dh * (kh - 1) + 1 || w + pl + pr < dw * (kw - 1) + 1) {
                continue;
            }
            ConvParams p = ConvParams.defaults().stride(1 + r.nextInt(3), 1 + r.nextInt(3)).padding(pt, pb, pl, pr)
                    .dilation(dh, dw).groups(g);
            int n = 1 + r.nextInt(3);
            Tensor x = Tensor.of(rand(r, n * g * cinG * h * w), n, g * cinG, h, w);
            Tensor wt = Tensor.of(rand(r, g * coutG * cinG * kh * kw), g * coutG, cinG, kh, kw);
            Tensor b = r.nextBoolean() ? Tensor.of(rand(r, g * coutG), g * coutG) : null;
            ConvGeometry geo = ConvGeometry.forward(x, wt, b, p);
            int[] desc = geo.toDescriptor();
            Tensor y = REF.conv2d(x, wt, b, p);
            out.add(new Case(0, desc, List.of(x.toArray(), wt.toArray(), b == null ? new float[0] : b.toArray(), y.toArray())));
            Tensor dy = Tensor.of(rand(r, y.size()), y.shape());
            out.add(new Case(1, desc, List.of(dy.toArray(), wt.toArray(),
                    REF.conv2dBackwardData(dy, wt, x.shape(), p).toArray())));
            out.add(new Case(2, desc, List.of(dy.toArray(), x.toArray(),
                    REF.conv2dBackwardWeights(dy, x, wt.shape(), p).toArray())));
            out.add(new Case(3, dy.shape(), List.of(dy.toArray(), REF.conv2dBackwardBias(dy).toArray())));
        }
        for (int c = 0; c < 150; c++) {
            int kh = 1 + r.nextInt(5), kw = 1 + r.nextInt(5);
            int h = kh + r.nextInt(9), w = kw + r.nextInt(9);
            PoolParams pp = PoolParams.of(kh, kw).stride(1 + r.nextInt(4), 1 + r.nextInt(4))
                    .padding(r.nextInt(kh / 2 + 1), r.nextInt(kw / 2 + 1)).ceilMode(r.nextBoolean())
                    .countIncludePad(r.nextBoolean());
            int n = 1 + r.nextInt(2), ch = 1 + r.nextInt(3);
            Tensor x = Tensor.of(c % 3 == 0 ? ties(r, n * ch * h * w) : rand(r, n * ch * h * w), n, ch, h, w);
            int[] desc = PoolGeometry.forward("maxPool2d", x, pp).toDescriptor();
            Tensor my = REF.maxPool2d(x, pp);
            out.add(new Case(4, desc, List.of(x.toArray(), my.toArray())));
            Tensor dy = Tensor.of(rand(r, my.size()), my.shape());
            out.add(new Case(5, desc, List.of(dy.toArray(), x.toArray(), REF.maxPool2dBackward(dy, x, pp).toArray())));
            out.add(new Case(6, desc, List.of(x.toArray(), REF.avgPool2d(x, pp).toArray())));
            out.add(new Case(7, desc, List.of(dy.toArray(), REF.avgPool2dBackward(dy, x.shape(), pp).toArray())));
        }
        return out;
    }

    private static byte[] encode(List<Case> cases) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write("C4JR".getBytes(StandardCharsets.US_ASCII));
            writeInt(out, 1);
            writeInt(out, cases.size());
            for (Case c : cases) {
                writeInt(out, c.op);
                writeInt(out, c.desc.length);
                for (int v : c.desc) {
                    writeInt(out, v);
                }
                writeInt(out, c.arrays.size());
                for (float[] a : c.arrays) {
                    writeInt(out, a.length);
                    ByteBuffer bb = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
                    bb.asFloatBuffer().put(a);
                    out.write(bb.array());
                }
            }
        }
        return bytes.toByteArray();
    }

    private static void writeInt(DataOutputStream out, int v) throws IOException {
        out.writeInt(Integer.reverseBytes(v));  // little-endian
    }

    @Test
    void everyKernelOnTheHostHarnessMatchesTheJavaReference() throws Exception {
        Path harness = findHarness();
        if (harness == null) {
            System.out.println("SKIPPED: c4j_cuda_host_replay not built (run ci/cuda-host-tests.sh or the native build)");
        }
        Assumptions.assumeTrue(harness != null, "c4j_cuda_host_replay not built");
        List<Case> cases = cases();
        assertTrue(cases.size() > 900, "too few cases: " + cases.size());
        Path file = Paths.get("target", "cuda-host-replay.bin");
        Files.createDirectories(file.getParent());
        Files.write(file, encode(cases));
        Process proc = new ProcessBuilder(harness.toAbsolutePath().toString(), file.toAbsolutePath().toString())
                .redirectErrorStream(true).start();
        String output = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(5, TimeUnit.MINUTES), "host harness did not finish");
        System.out.print(output);
        assertEquals(0, proc.exitValue(), "host harness reports mismatches:\n" + output);
        assertTrue(output.contains("replayed " + cases.size() + " cases: 0 mismatches"), output);
    }
}
