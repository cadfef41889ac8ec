package org.conv4j.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.conv4j.Backend;
import org.conv4j.Tensor;
import org.conv4j.internal.TensorFormat;

/**
 * The demo's bookkeeping: runs one computation on every available backend, prints the result once and a
 * ✓ or ✗ line per backend against the book's printed value and against the other backends.
 */
final class Checks {
    static final String OK = "✓";
    static final String BAD = "✗";

    private final PrintStream out;
    private final List<Backend> backends;
    private int passed;
    private int failed;

    Checks(PrintStream out, List<Backend> backends) {
        this.out = out;
        this.backends = backends;
    }

    PrintStream out() {
        return out;
    }

    List<Backend> backends() {
        return backends;
    }

    int passed() {
        return passed;
    }

    int failed() {
        return failed;
    }

    /** Prints a section heading. */
    void section(String title) {
        out.println();
        out.println("== " + title + " " + "=".repeat(Math.max(3, 74 - title.length())));
    }

    /** Prints {@code label =} and the tensor below it, indented. */
    void show(String label, Tensor t) {
        out.println(label + " =");
        out.println(indent(t.toString(), "    "));
    }

    /**
     * Computes {@code op} on every backend, shows the first result under {@code label} and checks every
     * backend's result against {@code expected} (the book's values, shape {@code shape}).
     *
     * @return the first backend's result
     */
    Tensor book(String label, Tensor expected, Function<Backend, Tensor> op) {
        List<Tensor> results = new ArrayList<>();
        for (Backend b : backends) {
            results.add(op.apply(b));
        }
        show(label, results.get(0));
        String book = compact(expected);
        for (int i = 0; i < backends.size(); i++) {
            String diff = difference(expected, results.get(i), 1e-4);
            claim(diff == null, pad(backends.get(i).name()) + (diff == null
                    ? "matches the book" + (book.length() <= 60 ? " " + book : "")
                    : diff + " (the book says " + book + ")"));
        }
        agree(results);
        return results.get(0);
    }

    /** With more than one backend: one line saying whether all gave the same values (to 1e-4 relative). */
    void agree(List<Tensor> results) {
        if (results.size() < 2) {
            return;
        }
        String worst = null;
        for (int i = 1; i < results.size() && worst == null; i++) {
            worst = difference(results.get(0), results.get(i), 1e-4);
            if (worst != null) {
                worst = backends.get(i).name() + " vs " + backends.get(0).name() + ": " + worst;
            }
        }
        claim(worst == null, worst == null ? "all " + results.size() + " backends agree" : worst);
    }

    /** Prints {@code "  ✓ text"} or {@code "  ✗ text"} and counts it. */
    void claim(boolean ok, String text) {
        if (ok) {
            passed++;
        } else {
            failed++;
        }
        out.println("  " + (ok ? OK : BAD) + " " + text);
    }

    /** Null when equal in shape and within {@code tol * max(1, |e|)}, else where they differ. */
    static String difference(Tensor expected, Tensor actual, double tol) {
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            return "shape " + Arrays.toString(actual.shape()) + " instead of " + Arrays.toString(expected.shape());
        }
        float[] e = expected.toArray();
        float[] a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= tol * Math.max(1, Math.abs(e[i])))) {
                return "value " + i + " is " + TensorFormat.value(a[i]) + " instead of " + TensorFormat.value(e[i]);
            }
        }
        return null;
    }

    /** A tensor on one line: {@code [[19, 25], [37, 43]]}. */
    static String compact(Tensor t) {
        return t.toString().replaceAll(",\\s*\\n\\s*", ", ").replaceAll("\\[\\s+", "[").replaceAll(",\\s+", ", ");
    }

    static String indent(String s, String prefix) {
        return prefix + s.replace("\n", "\n" + prefix);
    }

    static String pad(String name) {
        return String.format("%-5s ", name);
    }
}
