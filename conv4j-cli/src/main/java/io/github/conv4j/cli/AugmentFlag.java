package io.github.conv4j.cli;

import io.github.conv4j.data.augment.Augmentation;
import io.github.conv4j.data.augment.HorizontalFlip;
import io.github.conv4j.data.augment.RandomCrop;
import io.github.conv4j.data.augment.RandomErasing;
import io.github.conv4j.data.augment.RandomResizedCrop;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code --augment}: a comma-separated list of training augmentations, applied in the order
 * given, or {@code none}. The names are checked before any data is read; the transforms are made
 * once the image size is known.
 */
final class AugmentFlag {
    /** The names {@code --augment} accepts, as the help lists them. */
    static final String NAMES = "crop (pad by 1/8 of the side, zeros; 4 px at 32), flip (horizontal, p = 0.5), "
            + "erase (random erasing, p = 0.5, scale [0.02, 0.33], ratio [0.3, 3.3]), resized-crop (scale [0.08, 1], ratio [3/4, 4/3], back to the image size)";
    private static final Set<String> KNOWN = Set.of("crop", "flip", "erase", "resized-crop");

    private AugmentFlag() {}

    /** The names in {@code value}, in order (empty for {@code none}); a usage error names an unknown or repeated one. */
    static List<String> names(CommandSpec spec, String value) {
        if (value.strip().equals("none")) return List.of();
        Set<String> names = new LinkedHashSet<>();
        for (String raw : value.split(",", -1)) {
            String name = raw.strip();
            if (!KNOWN.contains(name))
                throw new ParameterException(spec.commandLine(), "--augment: unknown augmentation '" + name + "' (crop, flip, erase, resized-crop, or none)");
            if (!names.add(name)) throw new ParameterException(spec.commandLine(), "--augment: '" + name + "' is named twice");
        }
        return List.copyOf(names);
    }

    /** The transforms {@code names} stand for, for images of {@code side}×{@code side}. */
    static List<Augmentation> transforms(List<String> names, int side) {
        List<Augmentation> steps = new ArrayList<>();
        for (String name : names)
            steps.add(switch (name) {
                case "crop" -> new RandomCrop(Math.max(1, side / 8));   // CIFAR's customary 4 pixels at 32
                case "flip" -> new HorizontalFlip();
                case "erase" -> new RandomErasing();
                case "resized-crop" -> new RandomResizedCrop(side);
                default -> throw new IllegalArgumentException("unknown augmentation '" + name + "'");   // names() let it through: a bug
            });
        return steps;
    }
}
