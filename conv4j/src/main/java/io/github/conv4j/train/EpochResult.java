package io.github.conv4j.train;

/**
 * Figures of one finished epoch. Accuracies are fractions in [0, 1]; the validation figures are
 * NaN when training had no validation set.
 */
public record EpochResult(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                          double imagesPerSecond, double seconds, double learningRate, double validationLoss, double validationAccuracy) {

    /** An epoch trained without a validation set. */
    public EpochResult(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                       double imagesPerSecond, double seconds, double learningRate) {
        this(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, imagesPerSecond, seconds, learningRate, Double.NaN, Double.NaN);
    }

    /** Whether the epoch was validated on a held-out part of the training set. */
    public boolean hasValidation() { return !Double.isNaN(validationAccuracy); }

    /** A compact line for logs: {@code epoch 1: train loss 0.5123 acc 81.20% | [val loss … acc … |] test loss 0.4100 acc 85.30% | 2,345 img/s | 3.1 s}. */
    public String line() {
        String validation = hasValidation() ? String.format(" | val loss %.4f acc %.2f%%", validationLoss, 100 * validationAccuracy) : "";
        return String.format("epoch %d: train loss %.4f acc %.2f%%%s | test loss %.4f acc %.2f%% | %,.0f img/s | %.1f s",
                epoch, trainLoss, 100 * trainAccuracy, validation, testLoss, 100 * testAccuracy, imagesPerSecond, seconds);
    }

    String encode() {
        return epoch + ":" + trainLoss + ":" + trainAccuracy + ":" + testLoss + ":" + testAccuracy + ":" + imagesPerSecond + ":" + seconds
                + ":" + learningRate + ":" + validationLoss + ":" + validationAccuracy;
    }

    static EpochResult decode(String s) {
        String[] p = s.split(":");
        // Checkpoints written before validation existed hold 8 fields.
        if (p.length != 8 && p.length != 10) throw new IllegalArgumentException("bad epoch record '" + s + "'");
        return new EpochResult(Integer.parseInt(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2]), Double.parseDouble(p[3]),
                Double.parseDouble(p[4]), Double.parseDouble(p[5]), Double.parseDouble(p[6]), Double.parseDouble(p[7]),
                p.length == 10 ? Double.parseDouble(p[8]) : Double.NaN, p.length == 10 ? Double.parseDouble(p[9]) : Double.NaN);
    }
}
