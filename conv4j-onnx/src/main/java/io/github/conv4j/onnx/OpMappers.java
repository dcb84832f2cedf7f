package io.github.conv4j.onnx;

import io.github.conv4j.nn.GELU;
import io.github.conv4j.nn.HardSwish;
import io.github.conv4j.nn.Identity;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.ReLU;
import io.github.conv4j.nn.SiLU;
import io.github.conv4j.nn.Sigmoid;
import io.github.conv4j.nn.Tanh;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The mapper of each op type conv4j imports. A new op is one entry here and, unless it is a
 * plain layer, one mapping function in the file of its kind.
 *
 * <p>The ops that combine values (Add, Concat, Mul, Sum) have no mapper here: they become a
 * graph's merge nodes ({@link MergeMappers}). A chain has only the Add of a MatMul's bias, which
 * {@link LinearMappers#matMul} takes.
 */
final class OpMappers {
    private static final Map<String, OpMapper> MAPPERS = Map.ofEntries(
            Map.entry("Conv", ConvMapper::map),
            Map.entry("Gemm", LinearMappers::gemm),
            Map.entry("MatMul", LinearMappers::matMul),
            Map.entry("Relu", plain(ReLU::new)),
            Map.entry("Clip", ActivationMappers::clip),
            Map.entry("LeakyRelu", ActivationMappers::leakyRelu),
            Map.entry("Sigmoid", plain(Sigmoid::new)),
            Map.entry("Tanh", plain(Tanh::new)),
            Map.entry("HardSigmoid", ActivationMappers::hardSigmoid),
            Map.entry("HardSwish", plain(HardSwish::new)),
            Map.entry("Softmax", ActivationMappers::softmax),
            Map.entry("LogSoftmax", ActivationMappers::logSoftmax),
            Map.entry("MaxPool", PoolMappers::maxPool),
            Map.entry("AveragePool", PoolMappers::averagePool),
            Map.entry("GlobalAveragePool", PoolMappers::globalAveragePool),
            Map.entry("ReduceMean", PoolMappers::reduceMean),
            Map.entry("BatchNormalization", BatchNormMapper::map),
            Map.entry("Flatten", ShapeMappers::flatten),
            Map.entry("Reshape", ShapeMappers::reshape),
            Map.entry("Dropout", ShapeMappers::dropout),
            Map.entry("Pad", ShapeMappers::pad),
            Map.entry("Slice", ChannelMappers::slice),
            Map.entry("Split", ChannelMappers::split),
            Map.entry("Transpose", ChannelMappers::transpose),
            Map.entry("Identity", plain(Identity::new)),
            // Not ai.onnx operators: the node chains ActivationPatterns and ChannelShufflePattern recognise.
            Map.entry(ChannelShufflePattern.OP, ChannelMappers::channelShuffle),
            Map.entry(ActivationPatterns.SILU, plain(SiLU::new)),
            Map.entry(ActivationPatterns.GELU, plain(GELU::new)),
            Map.entry(ActivationPatterns.GELU_TANH, plain(() -> new GELU().tanhApproximation())));

    private OpMappers() {
    }

    /** Every op type a file may use: the mapped ones and the merges, sorted. */
    static Set<String> known() {
        Set<String> known = mapped();
        known.addAll(MergeMappers.OPS);
        return known;
    }

    /** The mapper of {@code opType}, or empty for a merge (or an unknown one). */
    static Optional<OpMapper> of(String opType) {
        return Optional.ofNullable(MAPPERS.get(opType));
    }

    /** The ai.onnx ops mapped onto layers, sorted: not the op types of recognised chains, which no file uses. */
    static Set<String> mapped() {
        Set<String> mapped = new TreeSet<>(MAPPERS.keySet());
        mapped.removeAll(patternOps());
        return mapped;
    }

    /** The op types of the recognised node chains. */
    static Set<String> patternOps() {
        Set<String> ops = new TreeSet<>(ActivationPatterns.OPS);
        ops.add(ChannelShufflePattern.OP);
        return ops;
    }

    /** An op whose layer has no options: any attribute it has is ONNX's fixed default. */
    private static OpMapper plain(Supplier<Layer> layer) {
        return context -> List.of(MappedLayer.of(layer.get()));
    }
}
