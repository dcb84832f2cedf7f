package io.github.conv4j.cli;

import io.github.conv4j.nn.ModelSummary;
import io.github.conv4j.zoo.Zoo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "summary", mixinStandardHelpOptions = true, description = "Layers, output shapes, parameters and FLOPs of a zoo model.")
final class SummaryCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "reference", description = "reference, lenet5, alexnet or vgg16 (default: ${DEFAULT-VALUE}).") String model;

    @Override public Integer call() {
        Zoo.Architecture a = Zoo.byName(model);
        System.out.println(a.name() + ":");
        System.out.print(ModelSummary.of(a.input(), a.layers()));
        return 0;
    }
}
