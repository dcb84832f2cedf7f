package io.github.conv4j.spark;

import io.github.conv4j.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/** Turns conv4j datasets into RDDs of {@link LabelledImage} for {@link SparkTrainer}. */
public final class SparkDatasets {
    private SparkDatasets() {}

    /** The samples of an 8-bit {@code data} set, in order, spread over {@code partitions} partitions. */
    public static JavaRDD<LabelledImage> parallelize(JavaSparkContext sc, Dataset data, int partitions) {
        return sc.parallelize(samples(data), partitions);
    }

    /** The samples of an 8-bit {@code data} set, in order, as records. */
    public static List<LabelledImage> samples(Dataset data) {
        if (!data.isBytes()) throw new IllegalArgumentException("Spark training takes 8-bit images; this dataset holds float32 values");
        List<LabelledImage> out = new ArrayList<>(data.size());
        int per = data.valuesPerImage();
        for (int i = 0; i < data.size(); i++) {
            float[] unit = data.image(i);   // b / 255 exactly, so rounding back recovers the byte
            byte[] pixels = new byte[per];
            for (int j = 0; j < per; j++) pixels[j] = (byte) Math.round(unit[j] * 255f);
            out.add(new LabelledImage(pixels, data.label(i)));
        }
        return out;
    }
}
