package io.github.conv4j.train;

import io.github.conv4j.data.Batches;
import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.nn.Model;

/** Mean loss and accuracy of a model over a dataset, in evaluation mode. */
public record Evaluation(double loss, double accuracy, int examples) {

    public static Evaluation of(Model model, Batches batches) {
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
