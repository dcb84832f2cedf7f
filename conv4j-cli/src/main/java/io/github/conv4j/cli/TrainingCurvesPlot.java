package io.github.conv4j.cli;

import io.github.conv4j.train.EpochResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Loss (left axis) and accuracy in % (right axis) per epoch, on the training and the test set:
 * one chart, so that over- or under-fitting shows as the training and test curves parting.
 */
final class TrainingCurvesPlot {
    private static final int LOSS_AXIS = 0, ACCURACY_AXIS = 1;
    private static final Color TRAIN = new Color(31, 119, 180), TEST = new Color(214, 39, 40);
    private static final BasicStroke SOLID = new BasicStroke(2f),
            DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);

    private TrainingCurvesPlot() {}

    static BufferedImage render(List<EpochResult> history) {
        XYChart chart = new XYChart(900, 540);
        chart.setTitle("Loss and accuracy per epoch");
        chart.setXAxisTitle("epoch");
        chart.setYAxisGroupTitle(LOSS_AXIS, "loss (cross-entropy)");
        chart.setYAxisGroupTitle(ACCURACY_AXIS, "accuracy (%)");
        XYStyler styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setYAxisGroupPosition(ACCURACY_AXIS, Styler.YAxisPosition.Right);
        styler.setXAxisDecimalPattern("0");
        styler.setMarkerSize(8);
        // Both axes from 0, accuracy up to 100 %: each axis scaled to its own min and max would put
        // the lowest loss and the lowest accuracy at the same height (with one epoch, on top of each
        // other), and a run's chart would not compare with another's.
        double[] epochs = values(history, EpochResult::epoch);
        double maxLoss = Math.max(max(values(history, EpochResult::trainLoss)), max(values(history, EpochResult::testLoss)));
        styler.setYAxisMin(LOSS_AXIS, 0.0);
        if (Double.isFinite(maxLoss) && maxLoss > 0) styler.setYAxisMax(LOSS_AXIS, maxLoss * 1.1);
        styler.setYAxisMin(ACCURACY_AXIS, 0.0);
        styler.setYAxisMax(ACCURACY_AXIS, 100.0);
        add(chart, "training loss", epochs, values(history, EpochResult::trainLoss), TRAIN, false, LOSS_AXIS);
        add(chart, "test loss", epochs, values(history, EpochResult::testLoss), TEST, false, LOSS_AXIS);
        add(chart, "training accuracy", epochs, values(history, e -> 100 * e.trainAccuracy()), TRAIN, true, ACCURACY_AXIS);
        add(chart, "test accuracy", epochs, values(history, e -> 100 * e.testAccuracy()), TEST, true, ACCURACY_AXIS);
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** Loss solid with circles, accuracy dashed with squares: the colour says which set, the line which measure. */
    private static void add(XYChart chart, String name, double[] x, double[] y, Color color, boolean accuracy, int axis) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setYAxisGroup(axis);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(accuracy ? SeriesMarkers.SQUARE : SeriesMarkers.CIRCLE);
        s.setLineStyle(accuracy ? DASHED : SOLID);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }

    private static double[] values(List<EpochResult> history, ToDoubleFunction<EpochResult> f) {
        return history.stream().mapToDouble(f).toArray();
    }
}
