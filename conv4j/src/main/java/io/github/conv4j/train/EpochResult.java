package io.github.conv4j.train;

/**
 * Figures of one finished epoch. Accuracies are fractions in [0, 1]; the validation figures are
 * NaN when training had no validation set. {@code dataWaitShare} is the fraction of the epoch's
 * training time spent waiting for the next batch (in [0, 1]; NaN when not measured, as in
 * checkpoints written before it existed).
 */
public record EpochResult(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                          double imagesPerSecond, double seconds, double learningRate, double validationLoss, double validationAccuracy,
                          double dataWaitShare) {

    /** An epoch whose data wait was not measured. */
    public EpochResult(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                       double imagesPerSecond, double seconds, double learningRate, double validationLoss, double validationAccuracy) {
        this(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, imagesPerSecond, seconds, learningRate, validationLoss, validationAccuracy,
                Double.NaN);
    }

    /** An epoch trained without a validation set. */
    public EpochResult(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                       double imagesPerSecond, double seconds, double learningRate) {
        this(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy, imagesPerSecond, seconds, learningRate, Double.NaN, Double.NaN);
    }

    /** Whether the epoch was validated on a held-out part of the training set. */
    public boolean hasValidation() { return !Double.isNaN(validationAccuracy); }

    /**
     * A compact line for logs: {@code epoch 1: train loss 0.5123 acc 81.20% | [val loss … acc … |] test loss 0.4100 acc 85.30% | 2,345 img/s
     * | 3.1 s[ | data wait 0.4%]}.
     */
    public String line() {
        String validation = hasValidation() ? String.format(" | val loss %.4f acc %.2f%%", validationLoss, 100 * validationAccuracy) : "";
        String wait = Double.isNaN(dataWaitShare) ? "" : String.format(" | data wait %.1f%%", 100 * dataWaitShare);
        return String.format("epoch %d: train loss %.4f acc %.2f%%%s | test loss %.4f acc %.2f%% | %,.0f img/s | %.1f s%s",
                epoch, trainLoss, 100 * trainAccuracy, validation, testLoss, 100 * testAccuracy, imagesPerSecond, seconds, wait);
    }

    String encode() {
        return epoch + ":" + trainLoss + ":" + trainAccuracy + ":" + testLoss + ":" + testAccuracy + ":" + imagesPerSecond + ":" + seconds
                + ":" + learningRate + ":" + validationLoss + ":" + validationAccuracy + ":" + dataWaitShare;
    }

    static EpochResult decode(String s) {
        String[] p = s.split(":");
        // Checkpoints written before validation existed hold 8 fields, before the data wait 10.
        if (p.length != 8 && p.length != 10 && p.length != 11) throw new IllegalArgumentException("bad epoch record '" + s + "'");
        return new EpochResult(Integer.parseInt(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2]), Double.parseDouble(p[3]),
                Double.parseDouble(p[4]), Double.parseDouble(p[5]), Double.parseDouble(p[6]), Double.parseDouble(p[7]),
                p.length >= 10 ? Double.parseDouble(p[8]) : Double.NaN, p.length >= 10 ? Double.parseDouble(p[9]) : Double.NaN,
                p.length == 11 ? Double.parseDouble(p[10]) : Double.NaN);
    }
}
