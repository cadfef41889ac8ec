package org.conv4j.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The book's training plot: train loss, train accuracy and test accuracy per epoch, as a PNG (JFreeChart). */
public final class TrainingChart {
    private TrainingChart() {
    }

    /**
     * Writes the three curves to {@code file} ({@code width x height} pixels), creating parent directories.
     *
     * @param loss     train loss per epoch (epoch 1 first)
     * @param trainAcc train accuracy per epoch
     * @param testAcc  test accuracy per epoch
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, String title, List<Double> loss, List<Double> trainAcc, List<Double> testAcc,
                             int width, int height) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(series("train loss", loss));
        data.addSeries(series("train acc", trainAcc));
        data.addSeries(series("test acc", testAcc));
        NumberAxis x = new NumberAxis("epoch");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis y = new NumberAxis();
        y.setAutoRangeIncludesZero(true);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        Color[] colours = {new Color(31, 119, 180), new Color(191, 0, 191), new Color(44, 160, 44)};
        float[][] dashes = {null, {6f, 4f}, {2f, 3f}};
        for (int i = 0; i < 3; i++) {
            r.setSeriesPaint(i, colours[i]);
            r.setSeriesStroke(i, dashes[i] == null ? new BasicStroke(2f)
                    : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dashes[i], 0f));
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
    }

    private static XYSeries series(String name, List<Double> values) {
        XYSeries s = new XYSeries(name);
        for (int i = 0; i < values.size(); i++) {
            s.add(i + 1, values.get(i));
        }
        return s;
    }
}
