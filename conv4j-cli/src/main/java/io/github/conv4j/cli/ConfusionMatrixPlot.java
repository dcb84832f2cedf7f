package io.github.conv4j.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler;

/** The confusion matrix as a heat map: true class down, predicted class across, each cell's count written in it. */
final class ConfusionMatrixPlot {
    private ConfusionMatrixPlot() {}

    static BufferedImage render(ConfusionMatrix m) {
        int k = m.classes();
        // The builder, not new HeatMapChart(w, h): in XChart 3.8.8 only the builder applies the theme's fonts.
        HeatMapChart chart = new HeatMapChartBuilder().width(860).height(760)
                .title("Test confusion matrix (" + String.format("%,d", m.total()) + " images)")
                .xAxisTitle("predicted class").yAxisTitle("true class").build();
        HeatMapStyler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setShowValue(true);
        styler.setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setHeatMapValueDecimalPattern("#,##0");
        styler.setXAxisLabelRotation(45);
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        // White for zero to mid blue for the largest count (dark enough to stand out, light enough for black digits): the diagonal stands out, and so do the big mistakes.
        styler.setRangeColors(new Color[] {Color.WHITE, new Color(158, 202, 225), new Color(33, 113, 181)});
        styler.setMin(0);
        styler.setMax(Math.max(1, m.max()));
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < k; t++)
            for (int p = 0; p < k; p++)
                // The y axis runs upwards, so the first class's row goes at the top (index k - 1).
                cells.add(new Number[] {p, k - 1 - t, m.count(t, p)});
        List<String> names = m.classNames(), reversed = new ArrayList<>(names);
        Collections.reverse(reversed);
        chart.addSeries("count", names, reversed, cells);
        return BitmapEncoder.getBufferedImage(chart);
    }
}
