package org.conv4j.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.conv4j.Backends;
import org.junit.jupiter.api.Test;

/** Runs the README's first command's main class and reads what a user would see. */
class DemoTest {

    @Test
    void mainPrintsTheBooksOutputsAndNoMismatch() {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            Demo.main(new String[] {"--quick"});
        } finally {
            System.setOut(saved);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        saved.println(out); // visible in the surefire report
        String[] expected = {
            "== 1. Cross-correlation",
            "    [[19, 25],\n     [37, 43]]",
            "[[ 0,  1,  0,  0,  0, -1,  0],",
            "epoch 2, loss ", "epoch 10, loss ", "learned kernel: [[0.9",
            "batch 9 0.011 (book 0.011)", "epoch 2, loss 4.949 (book 4.949)",
            "    [[ 56,  72],\n     [104, 120]]",
            "[[ 96, 128],",
            "kernel 3x5, padding (0, 1), stride (3, 4)  -> 2x2 as in the book",
            "    [[4, 5],\n     [7, 8]]",
            "    [[2, 3],\n     [5, 6]]",
            "    [[10]]",
            "    [[ 5,  7],\n     [13, 15]]",
            "refuses it, as PyTorch does: maxPool2d: padding (1, 2) must be at most half the window 2x3",
            "matches the book [[0, 3], [8, 11], [12, 15]]",
            "matches the book [[[5, 7], [13, 15]], [[6, 8], [14, 16]]]",
            "GFLOP/s", "ResNet 3x3",
            "checks passed ✓",
        };
        for (String e : expected) {
            assertTrue(out.contains(e), "demo output lacks: " + e);
        }
        for (String b : Backends.available()) {
            assertTrue(out.contains("✓ " + Checks.pad(b) + "matches the book [[19, 25], [37, 43]]"), b);
        }
        assertFalse(out.contains(Checks.BAD), "the demo reports a mismatch");
        assertFalse(out.matches("(?s).*\\[[FI]@[0-9a-f]+.*"), "raw array printed");
    }

    @Test
    void unknownArgumentsAreRefused() {
        assertEquals("Demo: unknown argument '--fast'; the only option is --quick",
                assertThrows(IllegalArgumentException.class, () -> Demo.main(new String[] {"--fast"})).getMessage());
    }

    @Test
    void checksCountAndReportMismatches() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Checks c = new Checks(new PrintStream(bytes, true, StandardCharsets.UTF_8), java.util.List.of(Backends.java()));
        c.book("wrong on purpose", org.conv4j.Tensor.of(new float[] {1, 2}, 1, 2),
                b -> org.conv4j.Tensor.of(new float[] {1, 3}, 1, 2));
        assertEquals(1, c.failed());
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("✗ java  value 1 is 3 instead of 2"));
    }
}
