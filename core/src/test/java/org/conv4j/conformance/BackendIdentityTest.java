package org.conv4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.conv4j.Backend;
import org.conv4j.BackendUnavailableException;
import org.conv4j.Backends;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.conv4j.spi.TensorAccess;

/**
 * Which backend actually ran: a backend that silently fell back to another one (or returned another's
 * tensors) fails here, and CI's {@code CONV4J_EXPECT_BACKENDS} turns a broken native build into a red
 * build instead of a suite that quietly tested only {@code java}.
 */
class BackendIdentityTest {

    static Stream<String> names() {
        return Backends.available().stream();
    }

    /** Every operation's result lives in the backend's own memory: heap for java, native for cpu, cuda for cuda. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void theNamedBackendRunsEveryOperation(String name) {
        Backend b = Backends.get(name);
        assertEquals(name, b.name());
        assertSame(b, Backends.get(name.toUpperCase(Locale.ROOT)), "Backends.get must hand out the one instance");
        Tensor x = Tensor.of(new float[2 * 3 * 6 * 6], 2, 3, 6, 6);
        Tensor w = Tensor.of(new float[4 * 3 * 3 * 3], 4, 3, 3, 3);
        Tensor bias = Tensor.of(new float[4], 4);
        ConvParams cp = ConvParams.defaults().padding(1, 1);
        PoolParams pp = PoolParams.of(2, 2);
        Tensor dyConv = Tensor.of(new float[2 * 4 * 6 * 6], 2, 4, 6, 6);
        Tensor dyPool = Tensor.of(new float[2 * 3 * 3 * 3], 2, 3, 3, 3);
        Map<String, Tensor> results = new LinkedHashMap<>();
        results.put("conv2d", b.conv2d(x, w, bias, cp));
        results.put("conv2dBackwardData", b.conv2dBackwardData(dyConv, w, x.shape(), cp));
        results.put("conv2dBackwardWeights", b.conv2dBackwardWeights(dyConv, x, w.shape(), cp));
        results.put("conv2dBackwardBias", b.conv2dBackwardBias(dyConv));
        results.put("maxPool2d", b.maxPool2d(x, pp));
        results.put("maxPool2dBackward", b.maxPool2dBackward(dyPool, x, pp));
        results.put("avgPool2d", b.avgPool2d(x, pp));
        results.put("avgPool2dBackward", b.avgPool2dBackward(dyPool, x.shape(), pp));
        org.conv4j.MaxPoolResult withIdx = b.maxPool2dWithIndices(x, pp);
        results.put("maxPool2dWithIndices", withIdx.output());
        results.put("maxPool2dBackward(indices)", b.maxPool2dBackward(dyPool, withIdx.indices(), x.shape()));
        results.put("maxUnpool2d", b.maxUnpool2d(dyPool, withIdx.indices(), x.shape()));
        results.put("adaptiveAvgPool2d", b.adaptiveAvgPool2d(x, 3, 3));
        results.put("adaptiveAvgPool2dBackward", b.adaptiveAvgPool2dBackward(dyPool, x.shape()));
        results.put("adaptiveMaxPool2d", b.adaptiveMaxPool2d(x, 3, 3));
        results.put("adaptiveMaxPool2dWithIndices", b.adaptiveMaxPool2dWithIndices(x, 3, 3).output());
        String expected = Conformance.expectedLocation(name);
        for (Map.Entry<String, Tensor> e : results.entrySet()) {
            Tensor t = e.getValue();
            assertEquals(expected, t.location(), name + "." + e.getKey() + " returned a tensor living in "
                    + t.location() + ": did another backend run?");
            assertEquals(t.location(), TensorAccess.storage(t).location());
            t.close();
            t.close(); // closing twice is harmless
            if (!"heap".equals(expected)) {
                // native or GPU memory is gone after close: reading it must fail cleanly, not crash
                org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, t::toArray,
                        name + "." + e.getKey() + ": toArray after close");
            }
        }
    }

    /** The names of {@code available()} and the reasons of {@code unavailableReason} agree, and java is always there. */
    @Test
    void availableAndUnavailableReasonsAgree() {
        List<String> available = Backends.available();
        assertEquals("java", available.get(available.size() - 1), "available() must end with java: " + available);
        for (String name : List.of("cuda", "cpu", "java")) {
            String reason = Backends.unavailableReason(name);
            if (available.contains(name)) {
                assertNull(reason, name + " is available but has an unavailable reason");
            } else {
                assertNotNull(reason, name + " is unavailable but gives no reason");
                assertFalse(reason.isBlank(), name + " gives a blank reason");
                BackendUnavailableException e = org.junit.jupiter.api.Assertions.assertThrows(
                        BackendUnavailableException.class, () -> Backends.get(name));
                assertTrue(e.getMessage().contains(reason), "the exception should carry the reason: " + e.getMessage());
            }
        }
    }

    /**
     * With {@code CONV4J_EXPECT_BACKENDS} (e.g. {@code cpu,java}) set, as CI does, each backend it names
     * must be available here; unset, only {@code java} is required.
     */
    @Test
    void expectedBackendsAreAvailable() {
        String env = System.getenv("CONV4J_EXPECT_BACKENDS");
        List<String> expected = expectedBackends(env);
        List<String> available = Backends.available();
        System.out.println("conv4j conformance: CONV4J_EXPECT_BACKENDS=" + (env == null ? "(unset)" : env)
                + ", expecting " + expected + ", available " + available);
        List<String> missing = new ArrayList<>();
        for (String name : expected) {
            if (!available.contains(name)) {
                missing.add(name + ": " + Backends.unavailableReason(name));
            }
        }
        assertTrue(missing.isEmpty(), "CONV4J_EXPECT_BACKENDS=" + env + " but these backends are unavailable: " + missing);
    }

    /** Parses {@code CONV4J_EXPECT_BACKENDS}: comma-separated names, blanks ignored; {@code java} when unset or blank. */
    static List<String> expectedBackends(String env) {
        List<String> names = new ArrayList<>();
        if (env != null) {
            for (String s : env.split(",")) {
                String n = s.trim().toLowerCase(Locale.ROOT);
                if (!n.isEmpty()) {
                    if (!List.of("java", "cpu", "cuda").contains(n)) {
                        throw new IllegalArgumentException("CONV4J_EXPECT_BACKENDS names an unknown backend '" + n
                                + "'; expected java, cpu or cuda");
                    }
                    names.add(n);
                }
            }
        }
        if (names.isEmpty()) {
            names.add("java");
        }
        return names;
    }

    @Test
    void expectedBackendsParsing() {
        assertEquals(List.of("java"), expectedBackends(null));
        assertEquals(List.of("java"), expectedBackends(" "));
        assertEquals(List.of("cpu", "java"), expectedBackends("cpu, JAVA,"));
        assertEquals(List.of("cuda"), expectedBackends("cuda"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> expectedBackends("cpuu"));
    }
}
