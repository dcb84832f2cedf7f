package io.github.conv4j.cli;

import io.github.conv4j.data.BatchConfig;
import io.github.conv4j.data.Batches;
import io.github.conv4j.data.Dataset;
import io.github.conv4j.data.Normalization;
import io.github.conv4j.nn.Model;
import io.github.conv4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How often each true class (row) was predicted as each class (column) on a dataset. */
final class ConfusionMatrix {
    private final List<String> classNames;
    private final long[][] counts;

    private ConfusionMatrix(List<String> classNames, long[][] counts) {
        this.classNames = List.copyOf(classNames);
        this.counts = counts;
    }

    /** Runs {@code model} in evaluation mode over {@code data} and counts (true, predicted) pairs. */
    static ConfusionMatrix of(Model model, Dataset data, Normalization norm, List<String> classNames) {
        int k = classNames.size();
        if (model.sampleOutput().dim(0) != k)
            throw new IllegalArgumentException("the model has " + model.sampleOutput().dim(0) + " outputs but there are " + k + " class names");
        long[][] counts = new long[k][k];
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (Batches batches = new BatchConfig().batchSize(256).normalization(norm).inOrder().create(data)) {
            batches.startEpoch(0);
            float[] logits = new float[0];
            while (batches.next()) {
                Tensor out = model.forward(batches.images());
                int n = batches.size();
                if (logits.length < n * k) logits = new float[n * k];
                out.copyTo(0, logits, 0, n * k);
                for (int i = 0; i < n; i++) counts[batches.labels().get(i)][argmax(logits, i * k, k)]++;
            }
        } finally {
            model.train(wasTraining);
        }
        return new ConfusionMatrix(classNames, counts);
    }

    private static int argmax(float[] v, int from, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) if (v[from + j] > v[from + best]) best = j;
        return best;
    }

    List<String> classNames() { return classNames; }
    int classes() { return classNames.size(); }
    long count(int trueClass, int predicted) { return counts[trueClass][predicted]; }

    long total() {
        long t = 0;
        for (long[] row : counts) for (long c : row) t += c;
        return t;
    }

    long max() {
        long m = 0;
        for (long[] row : counts) for (long c : row) m = Math.max(m, c);
        return m;
    }

    /** One row per true class: {@code true \ predicted,<class names>} then the counts. */
    String toCsv() {
        StringBuilder b = new StringBuilder("true \\ predicted");
        for (String name : classNames) b.append(',').append(csvField(name));
        b.append('\n');
        for (int i = 0; i < classes(); i++) {
            b.append(csvField(classNames.get(i)));
            for (long c : counts[i]) b.append(',').append(c);
            b.append('\n');
        }
        return b.toString();
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    /** For the JSON report: the class names and the rows of counts (true class by predicted class). */
    Map<String, Object> toReport() {
        List<List<Long>> rows = new ArrayList<>();
        for (long[] row : counts) {
            List<Long> r = new ArrayList<>();
            for (long c : row) r.add(c);
            rows.add(r);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("classes", classNames);
        m.put("rows_true_columns_predicted", rows);
        return m;
    }
}
