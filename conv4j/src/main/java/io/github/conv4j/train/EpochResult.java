package io.github.conv4j.train;

/** Figures of one finished epoch. Accuracies are fractions in [0, 1]. */
public record EpochResult(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                          double imagesPerSecond, double seconds, double learningRate) {

    /** A compact line for logs: {@code epoch 1: loss 0.5123 acc 81.2% | test loss 0.41 acc 85.3% | 2,345 img/s}. */
    public String line() {
        return String.format("epoch %d: train loss %.4f acc %.2f%% | test loss %.4f acc %.2f%% | %,.0f img/s | %.1f s",
                epoch, trainLoss, 100 * trainAccuracy, testLoss, 100 * testAccuracy, imagesPerSecond, seconds);
    }

    String encode() {
        return epoch + ":" + trainLoss + ":" + trainAccuracy + ":" + testLoss + ":" + testAccuracy + ":" + imagesPerSecond + ":" + seconds
                + ":" + learningRate;
    }

    static EpochResult decode(String s) {
        String[] p = s.split(":");
        if (p.length != 8) throw new IllegalArgumentException("bad epoch record '" + s + "'");
        return new EpochResult(Integer.parseInt(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2]), Double.parseDouble(p[3]),
                Double.parseDouble(p[4]), Double.parseDouble(p[5]), Double.parseDouble(p[6]), Double.parseDouble(p[7]));
    }
}
