package io.github.conv4j.cli;

import io.github.conv4j.nn.Model;
import io.github.conv4j.train.EpochResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code train --plots DIR}: the pictures of a training run, each file written atomically. */
final class Plots {
    static final String CURVES = "training-curves.png", FILTERS = "conv1-filters.png", CONFUSION = "confusion-matrix.png",
            CONFUSION_CSV = "confusion-matrix.csv";

    private Plots() {}

    /** Writes the plots into {@code dir} (created if needed); returns the files written. */
    static List<Path> write(Path dir, List<EpochResult> history, Model model, ConfusionMatrix confusion) throws IOException {
        List<Path> written = new ArrayList<>();
        Path curves = dir.resolve(CURVES);
        AtomicFiles.writePng(curves, TrainingCurvesPlot.render(history));
        written.add(curves);
        var filters = FilterGridImage.render(model);
        if (filters.isPresent()) {
            Path f = dir.resolve(FILTERS);
            AtomicFiles.writePng(f, filters.get());
            written.add(f);
        }
        Path matrix = dir.resolve(CONFUSION), csv = dir.resolve(CONFUSION_CSV);
        AtomicFiles.writePng(matrix, ConfusionMatrixPlot.render(confusion));
        AtomicFiles.writeString(csv, confusion.toCsv());
        written.add(matrix);
        written.add(csv);
        return written;
    }
}
