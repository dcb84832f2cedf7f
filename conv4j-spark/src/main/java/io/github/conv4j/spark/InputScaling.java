package io.github.conv4j.spark;

import io.github.conv4j.data.Normalization;
import java.io.Serializable;

/**
 * A {@link Normalization} in a form that can ride in a Spark closure (Normalization itself is not
 * serializable): one mean and standard deviation per channel, applied to bytes exactly as
 * {@link io.github.conv4j.data.Batches} does, {@code (b / 255 − mean[c]) / std[c]}, so that a
 * distributed gradient sees the same inputs as a single-process one.
 */
final class InputScaling implements Serializable {
    private static final long serialVersionUID = 1L;
    private final float[] mean, std;

    /** The scaling of {@code n} for images of {@code channels} channels. */
    InputScaling(Normalization n, int channels) {
        Normalization perChannel = n.forChannels(channels);
        mean = new float[channels];
        std = new float[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = perChannel.mean(c);
            std[c] = perChannel.std(c);
        }
    }

    /** Writes {@code pixels} (C planes of {@code plane} bytes) scaled into {@code out} from {@code offset}. */
    void scale(byte[] pixels, int plane, float[] out, int offset) {
        for (int c = 0, i = 0; c < mean.length; c++) {
            float m = mean[c], s = std[c];
            for (int end = i + plane; i < end; i++) out[offset + i] = ((pixels[i] & 0xFF) / 255f - m) / s;
        }
    }
}
