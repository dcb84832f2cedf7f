package io.github.conv4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reader of the "binary version" of CIFAR-10 ({@code cifar-10-batches-bin/}) and CIFAR-100
 * ({@code cifar-100-binary/}). Each record is the label byte(s) then 3,072 pixel bytes: the red,
 * green and blue 32×32 planes, row-major, which is already the N×C×H×W order of
 * {@link DecodedImages}, so records are copied without rearranging.
 *
 * <p>Memory is sized from the files' lengths, never from their content, and a file whose length is
 * not a whole number of records (a truncated download, or images of another size) is refused
 * before anything is allocated for it.
 */
public final class Cifar {
    /** Side of a CIFAR image. */
    public static final int SIDE = 32;
    /** Bytes of one image: three 32×32 planes. */
    public static final int IMAGE_BYTES = 3 * SIDE * SIDE;

    private static final String CIFAR10_DIR = "cifar-10-batches-bin", CIFAR100_DIR = "cifar-100-binary";
    private static final int CIFAR10_TRAIN_BATCHES = 5;

    /** Which of CIFAR-100's two labels to keep (CIFAR-10 has one and ignores this). */
    public enum Labels {
        /** The 100 fine classes ({@code fine_label_names.txt}), the usual benchmark. */
        FINE,
        /** The 20 superclasses ({@code coarse_label_names.txt}). */
        COARSE
    }

    private Cifar() {}

    /** Reads a CIFAR-10 or CIFAR-100 split, CIFAR-100 with its fine labels; see {@link #read(Path, Split, Labels)}. */
    public static DecodedImages read(Path dir, Split split) throws IOException {
        return read(dir, split, Labels.FINE);
    }

    /**
     * Reads one split of CIFAR-10 or CIFAR-100 from {@code dir}: the extracted folder itself or the
     * folder that holds {@code cifar-10-batches-bin/} or {@code cifar-100-binary/}. The format is
     * recognised by its files: {@code data_batch_1.bin} … {@code data_batch_5.bin} and
     * {@code test_batch.bin} with {@code batches.meta.txt} for CIFAR-10; {@code train.bin} and
     * {@code test.bin} with {@code fine_label_names.txt} and {@code coarse_label_names.txt} for
     * CIFAR-100.
     *
     * @param labels for CIFAR-100, the fine or the coarse labels
     * @throws IOException naming the file if one is missing, its length is not a whole number of
     *                     records, a label is not below the number of class names, or a names file
     *                     is empty
     */
    public static DecodedImages read(Path dir, Split split, Labels labels) throws IOException {
        Path cifar10 = extracted(dir, CIFAR10_DIR), cifar100 = extracted(dir, CIFAR100_DIR);
        if (Files.isRegularFile(cifar10.resolve("test_batch.bin")) || Files.isRegularFile(cifar10.resolve("data_batch_1.bin"))) {
            List<Path> files = new ArrayList<>();
            if (split == Split.TEST) files.add(cifar10.resolve("test_batch.bin"));
            else for (int b = 1; b <= CIFAR10_TRAIN_BATCHES; b++) files.add(cifar10.resolve("data_batch_" + b + ".bin"));
            return readRecords(files, 1, 0, classNames(cifar10.resolve("batches.meta.txt")));
        }
        if (Files.isRegularFile(cifar100.resolve("train.bin")) || Files.isRegularFile(cifar100.resolve("test.bin"))) {
            Path file = cifar100.resolve(split == Split.TEST ? "test.bin" : "train.bin");
            // Records start with the coarse label byte, then the fine one.
            boolean fine = labels == Labels.FINE;
            Path names = cifar100.resolve(fine ? "fine_label_names.txt" : "coarse_label_names.txt");
            return readRecords(List.of(file), 2, fine ? 1 : 0, classNames(names));
        }
        throw new IOException(dir + ": no CIFAR-10 (" + CIFAR10_DIR + "/data_batch_1.bin, test_batch.bin) or CIFAR-100 ("
                + CIFAR100_DIR + "/train.bin, test.bin) binary files");
    }

    /**
     * "CIFAR-10" or "CIFAR-100" when {@code dir} (or the folder the archive was extracted into
     * there) holds that binary version, by the files {@link #read(Path, Split, Labels)} reads; else null.
     */
    static String edition(Path dir) {
        Path cifar10 = extracted(dir, CIFAR10_DIR), cifar100 = extracted(dir, CIFAR100_DIR);
        if (Files.isRegularFile(cifar10.resolve("test_batch.bin")) || Files.isRegularFile(cifar10.resolve("data_batch_1.bin"))) return "CIFAR-10";
        if (Files.isRegularFile(cifar100.resolve("train.bin")) || Files.isRegularFile(cifar100.resolve("test.bin"))) return "CIFAR-100";
        return null;
    }

    /** {@code dir/name} when the archive was extracted into dir, else dir itself. */
    private static Path extracted(Path dir, String name) {
        Path inner = dir.resolve(name);
        return Files.isDirectory(inner) ? inner : dir;
    }

    /**
     * Concatenates the records of {@code files}, keeping label byte {@code labelIndex} of the
     * {@code labelBytes} that precede each image.
     */
    private static DecodedImages readRecords(List<Path> files, int labelBytes, int labelIndex, List<String> classNames) throws IOException {
        int recordBytes = labelBytes + IMAGE_BYTES;
        long[] counts = new long[files.size()];
        long total = 0;
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
            long length = Files.size(file);
            if (length == 0) throw new IOException(file + ": empty, no records");
            if (length % recordBytes != 0)
                throw new IOException(file + ": length " + length + " is not a whole number of " + recordBytes + "-byte records ("
                        + labelBytes + " label byte(s) + 3×32×32 pixels): truncated, or images of another size");
            counts[f] = length / recordBytes;
            total += counts[f];
        }
        if (total * IMAGE_BYTES > Integer.MAX_VALUE - 16)
            throw new IOException(files + ": " + total + " images, more than one Java array holds");
        byte[] pixels = new byte[(int) total * IMAGE_BYTES];
        int[] labels = new int[(int) total];
        byte[] record = new byte[recordBytes];
        int image = 0;
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            try (InputStream in = Files.newInputStream(file)) {
                for (long r = 0; r < counts[f]; r++, image++) {
                    if (in.readNBytes(record, 0, recordBytes) != recordBytes)
                        throw new IOException(file + ": truncated at record " + r + " (the file shrank while being read)");
                    int label = record[labelIndex] & 0xFF;
                    if (label >= classNames.size())
                        throw new IOException(file + ": label " + label + " of record " + r + " is not below the " + classNames.size() + " class names");
                    labels[image] = label;
                    System.arraycopy(record, labelBytes, pixels, image * IMAGE_BYTES, IMAGE_BYTES);
                }
            }
        }
        return new DecodedImages(3, SIDE, SIDE, pixels, null, labels, classNames);
    }

    /**
     * One class name per line. The official files end with blank lines, which are dropped; a blank
     * line before the last name is refused, since it would shift every later label's name.
     */
    private static List<String> classNames(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file (the class names)");
        if (Files.size(file) > 1 << 20) throw new IOException(file + ": over 1 MiB, not a list of class names");
        List<String> names = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            // The decoder's message ("Input length = 1") names neither the file nor the problem.
            throw new IOException(file + ": not UTF-8 text, not a list of class names", e);
        }
        for (String line : lines) names.add(line.strip());
        while (!names.isEmpty() && names.get(names.size() - 1).isEmpty()) names.remove(names.size() - 1);
        if (names.isEmpty()) throw new IOException(file + ": no class names");
        int blank = names.indexOf("");
        if (blank >= 0) throw new IOException(file + ": line " + (blank + 1) + " is blank, a class without a name");
        return names;
    }
}
