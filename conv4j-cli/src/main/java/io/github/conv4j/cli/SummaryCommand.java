package io.github.conv4j.cli;

import io.github.conv4j.nn.Model;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.zoo.ResNet;
import io.github.conv4j.zoo.Zoo;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "summary", mixinStandardHelpOptions = true, description = "Layers, output shapes, parameters and FLOPs of a zoo model.")
final class SummaryCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--model", defaultValue = "reference",
            description = "reference, lenet5, fashioncnn, alexnet, vgg16, resnet20, mobilenetv2, resnet18, resnet34 or resnet50 (default: ${DEFAULT-VALUE}).")
    String model;
    @Option(names = "--kernels-batch", paramLabel = "N", defaultValue = "0",
            description = "Also build the model, run one training step on N zero images and list the convolution kernels "
                    + "(fwd/dW/dX) auto, the default -Dconv4j.kernels, chose for that batch; 0 = only the summary (default: ${DEFAULT-VALUE}).")
    int kernelsBatch;

    @Override public Integer call() {
        Flags.notNegative(spec, "--kernels-batch", kernelsBatch);
        ResNet resnet = switch (model.toLowerCase()) {
            case "resnet18", "resnet-18" -> ResNet.resnet18(1000);
            case "resnet34", "resnet-34" -> ResNet.resnet34(1000);
            case "resnet50", "resnet-50" -> ResNet.resnet50(1000);
            default -> null;
        };
        if (resnet != null) {   // a graph, summarised from its nodes
            System.out.println(model + ":");
            System.out.print(resnet.summary());
            chooseKernels(() -> resnet.build(42));
            return 0;
        }
        String name = Zoo.canonicalName(model);   // the zoo's own, for its designed input and classes
        System.out.println(name + ":");
        System.out.print(Zoo.summary(name, Zoo.naturalInput(name), Zoo.naturalClasses(name)));
        chooseKernels(() -> Zoo.create(name, Zoo.naturalInput(name), Zoo.naturalClasses(name), 42));
        return 0;
    }

    /** With --kernels-batch: the kernels are chosen at a layer's first batch, so run one and report them. */
    private void chooseKernels(Supplier<? extends Model> build) {
        if (kernelsBatch == 0) return;
        try (Model m = build.get(); Tensor x = Tensor.zeros(m.sampleInput().prependBatch(kernelsBatch))) {
            Tensor y = m.forward(x);
            try (Tensor dy = Tensor.zeros(y.shape())) {
                m.backward(dy);
            }
        }
        System.out.println();
        System.out.println("convolution kernels: " + ConvKernelsReport.mode());
        ConvKernelsReport.print();
    }
}
