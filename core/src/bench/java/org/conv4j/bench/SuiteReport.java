package org.conv4j.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;

/**
 * The network suite's tables (see {@link SideBySide}, {@code -Dside.shapes=suite}): per direction one row per layer
 * with the cpu backend's implementation, conv4j cpu's and oneDNN NCHW's time, GFLOP/s and % of the measured peak, and the ratio oneDNN time / cpu
 * time; then the geometric-mean ratio per direction and over all cells, the worst cell, the cells below 0.8 and the
 * s2-s8 cells below 1.0 (the goals of the issue this suite was built for).
 */
final class SuiteReport {
    private static final String[] OPS = {"forward", "backwardData", "backwardWeights"};

    private SuiteReport() {
    }

    static String tables(Map<String, RunResult> r, List<String> shapes, double peak) {
        StringBuilder sb = new StringBuilder();
        double logSum = 0;
        int cells = 0;
        double worst = Double.MAX_VALUE;
        String worstCell = "-";
        StringBuilder below = new StringBuilder();
        StringBuilder benchBelow = new StringBuilder();
        StringBuilder summary = new StringBuilder();
        for (String op : OPS) {
            sb.append(String.format(Locale.ROOT, "%n### Suite, %s: time per call (GFLOP/s, %% of peak); ratio = oneDNN "
                    + "NCHW+reorders time / cpu time%n%n", op));
            sb.append("| id | class | shape | cpu implementation | cpu | oneDNN NCHW+reorders | ratio |\n")
                    .append("|---|---|---|---|---|---|---|\n");
            double opLog = 0;
            int opCells = 0;
            for (String id : shapes) {
                Shapes.Conv c = Shapes.CONV.get(id);
                RunResult mine = r.get(id + "/" + op + "/cpu");
                RunResult peer = r.get(id + "/" + op + "/oneDNN-nchw");
                sb.append("| ").append(id).append(" | ").append(c.kind()).append(" | ").append(c.describe())
                        .append(" | ").append(implementation(c, op)).append(" | ")
                        .append(cell(mine, c.flops(), peak)).append(" | ").append(cell(peer, c.flops(), peak))
                        .append(" | ");
                if (mine != null && peer != null) {
                    double ratio = ms(peer) / ms(mine);
                    sb.append(String.format(Locale.ROOT, "%.2f", ratio));
                    opLog += Math.log(ratio);
                    opCells++;
                    String where = id + " " + op + " (" + c.kind() + ")";
                    if (ratio < worst) {
                        worst = ratio;
                        worstCell = where;
                    }
                    if (ratio < 0.8) {
                        below.append(String.format(Locale.ROOT, "%s %.2f; ", where, ratio));
                    }
                    if (c.net().equals("bench") && !id.equals("s1") && ratio < 1.0) {
                        benchBelow.append(String.format(Locale.ROOT, "%s %.2f; ", where, ratio));
                    }
                } else {
                    sb.append('-');
                }
                sb.append(" |\n");
            }
            if (opCells > 0) {
                summary.append(String.format(Locale.ROOT, "- %s: geomean ratio %.2f over %d cells%n", op,
                        Math.exp(opLog / opCells), opCells));
            }
            logSum += opLog;
            cells += opCells;
        }
        sb.append("\n### Suite summary\n\n").append(summary);
        if (cells > 0) {
            sb.append(String.format(Locale.ROOT, "- all directions: geomean ratio %.2f over %d cells; worst cell %s "
                    + "%.2f%n", Math.exp(logSum / cells), cells, worstCell, worst));
        }
        sb.append("- cells below 0.8: ").append(below.length() == 0 ? "none" : below).append('\n');
        sb.append("- s2-s8 cells below 1.0: ").append(benchBelow.length() == 0 ? "none" : benchBelow).append('\n');
        return sb.toString();
    }

    /** The cpu backend's choice for the layer in direction {@code op} (its implementation list, this ISA cap). */
    static String implementation(Shapes.Conv c, String op) {
        org.conv4j.cpu.ConvDirection d = switch (op) {
            case "forward" -> org.conv4j.cpu.ConvDirection.FORWARD;
            case "backwardData" -> org.conv4j.cpu.ConvDirection.BACKWARD_DATA;
            default -> org.conv4j.cpu.ConvDirection.BACKWARD_WEIGHTS;
        };
        try (org.conv4j.Tensor x = org.conv4j.Tensor.zeros(c.xShape());
                org.conv4j.Tensor w = org.conv4j.Tensor.zeros(c.wShape())) {
            return org.conv4j.cpu.CpuBackend.create(true).implementation(d,
                    org.conv4j.spi.ConvGeometry.forward(x, w, null, c.params()));
        }
    }

    private static double ms(RunResult r) {
        return r.getPrimaryResult().getScore();
    }

    private static String cell(RunResult r, double flops, double peak) {
        if (r == null) {
            return "-";
        }
        double ms = ms(r);
        String t = ms < 0.1 ? String.format(Locale.ROOT, "%.2f µs", ms * 1e3) : String.format(Locale.ROOT, "%.3f ms", ms);
        double gf = flops / (ms * 1e6);
        return t + String.format(Locale.ROOT, " (%.1f, %.0f%%)", gf, 100 * gf / peak);
    }
}
