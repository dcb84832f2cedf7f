package io.github.conv4j.train;

import io.github.conv4j.data.BatchConfig;
import io.github.conv4j.data.Batches;
import io.github.conv4j.data.Dataset;
import io.github.conv4j.data.Normalization;
import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.nn.Model;

/** Mean loss and accuracy of a model over a dataset, in evaluation mode. */
public record Evaluation(double loss, double accuracy, int examples) {

    /**
     * Evaluates {@code model} on {@code data} standardised by {@code normalization}, in batches of
     * 256; data of another shape than the model's input is refused naming both.
     */
    public static Evaluation of(Model model, Dataset data, Normalization normalization) {
        InputShapes.requireFits(model, data, "evaluation");
        try (Batches batches = new BatchConfig().batchSize(256).normalization(normalization).create(data)) {
            return of(model, batches);
        }
    }

    /** Evaluates {@code model} on every batch of {@code batches}, whose images must have the model's input shape. */
    public static Evaluation of(Model model, Batches batches) {
        InputShapes.requireFits(model, batches.dataset(), "evaluation");
        boolean was = model.isTraining();
        model.train(false);
        try (SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy()) {
            double total = 0;
            long correct = 0, n = 0;
            batches.startEpoch(0);
            while (batches.next()) {
                total += (double) loss.forward(model.forward(batches.images()), batches.labels()) * batches.size();
                correct += loss.correct();
                n += batches.size();
            }
            return new Evaluation(total / n, (double) correct / n, (int) n);
        } finally {
            model.train(was);
        }
    }
}
