package io.github.conv4j.cli;

import io.github.conv4j.nn.Model;
import io.github.conv4j.tensor.Tensor;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Optional;

/**
 * The first convolution's filters as a grid of grey tiles, one per (output, input) channel pair:
 * each filter normalised on its own (its minimum black, its maximum white), since filters differ
 * in scale and one shared range would leave most of them flat grey; each weight drawn as a
 * square block so that a 5×5 filter is big enough to see.
 */
final class FilterGridImage {
    /** Each filter tile is at least this many pixels across. */
    private static final int MIN_TILE = 80;
    private static final int GAP = 6;
    private static final Color BACKGROUND = new Color(0x30, 0x60, 0x90);

    private FilterGridImage() {}

    /**
     * The first convolution's filters, whatever the topology: the first rank-4 parameter in buffer
     * order (only convolution weights are out × in × kh × kw). Empty when the model has no convolution.
     */
    static Optional<BufferedImage> render(Model model) {
        return model.namedParameters().values().stream().filter(p -> p.shape().rank() == 4).findFirst().map(FilterGridImage::render);
    }

    /** {@code weights}: out × in × kh × kw. */
    static BufferedImage render(Tensor weights) {
        int out = weights.dim(0), in = weights.dim(1), kh = weights.dim(2), kw = weights.dim(3);
        int filters = out * in, size = kh * kw;
        int scale = Math.max(1, (MIN_TILE + Math.max(kh, kw) - 1) / Math.max(kh, kw));
        int columns = (int) Math.ceil(Math.sqrt(filters)), rows = (filters + columns - 1) / columns;
        int tileW = kw * scale, tileH = kh * scale;
        BufferedImage img = new BufferedImage(GAP + columns * (tileW + GAP), GAP + rows * (tileH + GAP), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            float[] w = weights.toArray();
            for (int f = 0; f < filters; f++) {
                int x0 = GAP + (f % columns) * (tileW + GAP), y0 = GAP + (f / columns) * (tileH + GAP);
                float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < size; j++) {
                    min = Math.min(min, w[f * size + j]);
                    max = Math.max(max, w[f * size + j]);
                }
                float range = max - min;
                for (int y = 0; y < kh; y++)
                    for (int x = 0; x < kw; x++) {
                        // A constant filter has no contrast to show: mid grey.
                        float t = range > 0 ? (w[f * size + y * kw + x] - min) / range : 0.5f;
                        int grey = Math.round(255 * t);
                        g.setColor(new Color(grey, grey, grey));
                        g.fillRect(x0 + x * scale, y0 + y * scale, scale, scale);
                    }
            }
        } finally {
            g.dispose();
        }
        return img;
    }
}
