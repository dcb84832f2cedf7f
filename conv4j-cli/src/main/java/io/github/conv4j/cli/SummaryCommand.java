package io.github.conv4j.cli;

import io.github.conv4j.zoo.ResNet;
import io.github.conv4j.zoo.Zoo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "summary", mixinStandardHelpOptions = true, description = "Layers, output shapes, parameters and FLOPs of a zoo model.")
final class SummaryCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "reference",
            description = "reference, lenet5, alexnet, vgg16, resnet20, mobilenetv2, resnet18, resnet34 or resnet50 (default: ${DEFAULT-VALUE}).")
    String model;

    @Override public Integer call() {
        ResNet resnet = switch (model.toLowerCase()) {
            case "resnet18", "resnet-18" -> ResNet.resnet18(1000);
            case "resnet34", "resnet-34" -> ResNet.resnet34(1000);
            case "resnet50", "resnet-50" -> ResNet.resnet50(1000);
            default -> null;
        };
        if (resnet != null) {   // a graph, summarised from its nodes
            System.out.println(model + ":");
            System.out.print(resnet.summary());
            return 0;
        }
        String name = Zoo.canonicalName(model);   // the zoo's own, for its designed input and classes
        System.out.println(name + ":");
        System.out.print(Zoo.summary(name, Zoo.naturalInput(name), Zoo.naturalClasses(name)));
        return 0;
    }
}
