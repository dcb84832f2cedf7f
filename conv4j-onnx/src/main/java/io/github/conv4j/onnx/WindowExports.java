package io.github.conv4j.onnx;

import static io.github.conv4j.onnx.ExportGraph.integer;
import static io.github.conv4j.onnx.ExportGraph.ints;
import static io.github.conv4j.onnx.ExportGraph.text;

import io.github.conv4j.nn.PaddingMode;
import io.github.conv4j.onnx.proto.OnnxProtos.AttributeProto;
import java.util.ArrayList;
import java.util.List;

/**
 * The layers that slide a window: Conv2d → Conv, MaxPool2d → MaxPool, AvgPool2d → AveragePool,
 * AdaptiveAvgPool2d → GlobalAveragePool or an AveragePool when its windows tile the input. conv4j's
 * SAME mode is ONNX's auto_pad SAME_UPPER; STRICT computes what TRUNCATE does on the inputs it
 * accepts, so it is written as explicit pads.
 */
final class WindowExports {
    private WindowExports() {
    }

    static void conv(ExportedLayer layer, ExportGraph graph) {
        LayerSpec spec = layer.spec();
        List<String> inputs = new ArrayList<>();
        inputs.add(graph.initializer("weight", layer.parameterShape(0), layer.parameters().get(0)));
        if (spec.flag("bias")) {
            inputs.add(graph.initializer("bias", layer.parameterShape(1), layer.parameters().get(1)));
        }
        List<AttributeProto> attributes = window(spec);
        attributes.add(ints("dilations", spec.pair("dilation")));
        attributes.add(integer("group", spec.integer("groups")));
        graph.node("Conv", inputs, attributes.toArray(AttributeProto[]::new));
    }

    static void maxPool(ExportedLayer layer, ExportGraph graph) {
        List<AttributeProto> attributes = window(layer.spec());
        attributes.add(ints("dilations", layer.spec().pair("dilation")));
        attributes.add(integer("ceil_mode", layer.spec().flag("ceil") ? 1 : 0));
        graph.node("MaxPool", List.of(), attributes.toArray(AttributeProto[]::new));
    }

    static void averagePool(ExportedLayer layer, ExportGraph graph) {
        List<AttributeProto> attributes = window(layer.spec());
        attributes.add(integer("ceil_mode", layer.spec().flag("ceil") ? 1 : 0));
        attributes.add(integer("count_include_pad", layer.spec().flag("countIncludePad") ? 1 : 0));
        graph.node("AveragePool", List.of(), attributes.toArray(AttributeProto[]::new));
    }

    /** Adaptive windows are fixed ones when the output divides the input; 1×1 is the global pooling. */
    static void adaptiveAveragePool(ExportedLayer layer, ExportGraph graph) {
        long[] size = layer.spec().pair("size");
        long h = layer.input().dim(1);
        long w = layer.input().dim(2);
        if (size[0] == 1 && size[1] == 1) {
            graph.node("GlobalAveragePool", List.of());
            return;
        }
        if (h % size[0] != 0 || w % size[1] != 0) {
            throw layer.refuse("its " + size[0] + "×" + size[1] + " output does not divide its " + h + "×" + w
                    + " input, so its windows differ in size, which no ONNX pooling computes");
        }
        long[] kernel = {h / size[0], w / size[1]};
        graph.node("AveragePool", List.of(), ints("kernel_shape", kernel), ints("strides", kernel));
    }

    /** kernel_shape, strides, and pads or auto_pad. */
    private static List<AttributeProto> window(LayerSpec spec) {
        List<AttributeProto> attributes = new ArrayList<>();
        attributes.add(ints("kernel_shape", spec.pair("kernel")));
        attributes.add(ints("strides", spec.pair("stride")));
        if (PaddingMode.valueOf(spec.text("mode")) == PaddingMode.SAME) {
            attributes.add(text("auto_pad", "SAME_UPPER"));
        } else {
            long[] padding = spec.pair("padding");
            attributes.add(ints("pads", padding[0], padding[1], padding[0], padding[1]));
        }
        return attributes;
    }
}
