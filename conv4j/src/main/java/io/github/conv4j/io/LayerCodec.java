package io.github.conv4j.io;

import io.github.conv4j.nn.AdaptiveAvgPool2d;
import io.github.conv4j.nn.AvgPool2d;
import io.github.conv4j.nn.BatchNorm1d;
import io.github.conv4j.nn.BatchNorm2d;
import io.github.conv4j.nn.ChannelShuffle;
import io.github.conv4j.nn.ChannelSlice;
import io.github.conv4j.nn.Conv2d;
import io.github.conv4j.nn.Dropout;
import io.github.conv4j.nn.Flatten;
import io.github.conv4j.nn.GELU;
import io.github.conv4j.nn.GlobalAvgPool2d;
import io.github.conv4j.nn.HardSigmoid;
import io.github.conv4j.nn.HardSwish;
import io.github.conv4j.nn.Identity;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.LeakyReLU;
import io.github.conv4j.nn.Linear;
import io.github.conv4j.nn.LogSoftmax;
import io.github.conv4j.nn.MaxPool2d;
import io.github.conv4j.nn.PaddingMode;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.ReLU6;
import io.github.conv4j.nn.SiLU;
import io.github.conv4j.nn.Sigmoid;
import io.github.conv4j.nn.Softmax;
import io.github.conv4j.nn.Tanh;

/**
 * Turns the one-line {@link Layer#spec()} of every layer type back into the layer: conv4j's own
 * here, any other through the {@link LayerRegistry}.
 */
public final class LayerCodec {
    private LayerCodec() {}

    /** The layer a {@link Layer#spec()} line describes, or an IllegalArgumentException saying what is wrong with it. */
    public static Layer parse(String line) {
        Spec s = new Spec(new LayerSpec(line));
        Layer layer = switch (s.spec().type()) {
            case "Conv2d" -> new Conv2d(s.i("in"), s.i("out"), s.pair("kernel")[0], s.pair("kernel")[1])
                    .stride(s.pair("stride")[0], s.pair("stride")[1]).padding(s.pair("padding")[0], s.pair("padding")[1])
                    .dilation(s.pair("dilation")[0], s.pair("dilation")[1]).groups(s.i("groups")).bias(s.bool("bias"))
                    .mode(s.mode());
            case "MaxPool2d" -> new MaxPool2d(s.pair("kernel")[0], s.pair("kernel")[1]).stride(s.pair("stride")[0], s.pair("stride")[1])
                    .padding(s.pair("padding")[0], s.pair("padding")[1]).dilation(s.pair("dilation")[0]).ceilMode(s.bool("ceil"))
                    .mode(s.mode());
            case "AvgPool2d" -> new AvgPool2d(s.pair("kernel")[0], s.pair("kernel")[1]).stride(s.pair("stride")[0], s.pair("stride")[1])
                    .padding(s.pair("padding")[0], s.pair("padding")[1]).ceilMode(s.bool("ceil")).mode(s.mode())
                    .countIncludePad(s.bool("countIncludePad"));
            case "GlobalAvgPool2d" -> new GlobalAvgPool2d();
            case "ReLU" -> new ReLU();
            case "Flatten" -> new Flatten();
            case "Linear" -> new Linear(s.i("in"), s.i("out")).bias(s.bool("bias"));
            case "Dropout" -> s.spec().has("seed") ? new Dropout(Double.parseDouble(s.get("p")), Long.parseLong(s.get("seed")))
                    : new Dropout(Double.parseDouble(s.get("p")));
            case "BatchNorm2d" -> new BatchNorm2d(s.i("channels"), Float.parseFloat(s.get("eps")), Float.parseFloat(s.get("momentum")));
            case "BatchNorm1d" -> new BatchNorm1d(s.i("features"), s.f("eps"), s.f("momentum"));
            case "AdaptiveAvgPool2d" -> new AdaptiveAvgPool2d(s.pair("size")[0], s.pair("size")[1]);
            case "LeakyReLU" -> new LeakyReLU(s.f("slope"));
            case "Sigmoid" -> new Sigmoid();
            case "Tanh" -> new Tanh();
            case "ReLU6" -> new ReLU6();
            case "SiLU" -> new SiLU();
            case "GELU" -> switch (s.get("approximate")) {
                case "none" -> new GELU();
                case "tanh" -> new GELU().tanhApproximation();
                default -> throw new IllegalArgumentException("layer spec '" + s.line() + "': approximate is not none or tanh");
            };
            case "HardSigmoid" -> new HardSigmoid();
            case "HardSwish" -> new HardSwish();
            case "Identity" -> new Identity();
            case "Softmax" -> new Softmax();
            case "LogSoftmax" -> new LogSoftmax();
            case "ChannelShuffle" -> new ChannelShuffle(s.i("groups"));
            case "ChannelSlice" -> new ChannelSlice(s.i("start"), s.i("end"));
            default -> LayerRegistry.layer(line);
        };
        if (!layer.spec().equals(line.trim()))
            throw new IllegalArgumentException("layer spec '" + line + "' does not round-trip (read back as '" + layer.spec() + "')");
        return layer;
    }

    /**
     * A parsed line ({@link LayerSpec}, which registered layers are given too) with what only
     * conv4j's own layers read: floats parsed as floats (a double rounded to float can differ),
     * pairs of integers and the padding mode.
     */
    private record Spec(LayerSpec spec) {
        String line() { return spec.line(); }

        String get(String key) { return spec.get(key); }

        int i(String key) { return spec.integer(key); }

        boolean bool(String key) { return spec.bool(key); }

        float f(String key) {
            try {
                return Float.parseFloat(get(key));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("layer spec '" + line() + "': " + key + " is not a number");
            }
        }

        int[] pair(String key) {
            String[] p = get(key).split(",");
            if (p.length != 2) throw new IllegalArgumentException("layer spec '" + line() + "': " + key + " is not two integers");
            try {
                return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("layer spec '" + line() + "': " + key + " is not two integers");
            }
        }

        PaddingMode mode() {
            try {
                return PaddingMode.valueOf(get("mode"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer spec '" + line() + "': unknown mode " + get("mode"));
            }
        }
    }
}
