package io.github.conv4j.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reader of image folders in torchvision's {@code ImageFolder} convention:
 * {@code root/train/<class>/…/*.png} and {@code root/test/<class>/…} (or {@code root/val/}). The
 * classes are the sorted names of train's subfolders, and the test split's folders must be among
 * them, so a label means the same class in both splits. Files of other extensions are ignored.
 *
 * <p>Every image is decoded once with ImageIO, resized and centre-cropped to size×size as
 * torchvision's {@code Resize(size)} + {@code CenterCrop(size)} do ({@link ImageDecoding}), and
 * stored as bytes.
 */
public final class ImageFolder {
    /** The extensions read, compared case-insensitively. */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;

    private ImageFolder() {}

    /**
     * Reads a split with 3 channels, or 1 when every image of the split is grey.
     *
     * @see #read(Path, Split, int, int)
     */
    public static DecodedImages read(Path root, Split split, int size) throws IOException {
        return read(root, split, size, 0);
    }

    /**
     * Reads one split of an image folder.
     *
     * @param size     the side of the square images returned
     * @param channels 1 (colour images reduced by luma), 3 (grey images replicated), or 0 for 3
     *                 unless every image is grey
     * @throws IOException naming the folder or file if {@code train/} (or, for the test split, both
     *                     {@code test/} and {@code val/}) is missing, there are no class folders, a
     *                     class folder holds no images, a test class is not a train class, or an
     *                     image cannot be decoded
     */
    public static DecodedImages read(Path root, Split split, int size, int channels) throws IOException {
        if (size <= 0) throw new IllegalArgumentException("image size must be positive, got " + size);
        if (channels != 0 && channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 0 (automatic), 1 or 3, got " + channels);
        Path train = root.resolve("train");
        List<String> classes = classFolders(train);
        Path dir = split == Split.TRAIN ? train : testFolder(root);
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (String name : classFolders(dir)) {
            int label = classes.indexOf(name);
            if (label < 0) throw new IOException(dir.resolve(name) + ": class folder '" + name + "' is not among the classes of " + train + " " + classes);
            List<Path> images = imagesUnder(dir.resolve(name));
            files.addAll(images);
            for (int i = 0; i < images.size(); i++) labels.add(label);
        }
        int stored = channels == 0 ? 3 : channels, perImage = stored * size * size;
        if ((long) files.size() * perImage > MAX_ARRAY)
            throw new IOException(dir + ": " + files.size() + " images of " + stored + "×" + size + "×" + size + " are more than one Java array holds");
        byte[] pixels = new byte[files.size() * perImage];
        boolean allGrey = true;
        for (int i = 0; i < files.size(); i++) {
            BufferedImage image = ImageDecoding.decode(files.get(i));
            allGrey &= ImageDecoding.isGrey(image);
            float[] planes = ImageDecoding.planes(image, stored);
            ImageDecoding.resizeCenterCrop(planes, stored, image.getHeight(), image.getWidth(), size, pixels, i * perImage);
        }
        int[] labelArray = labels.stream().mapToInt(Integer::intValue).toArray();
        if (channels == 0 && allGrey) return new DecodedImages(1, size, size, firstPlanes(pixels, files.size(), size * size), null, labelArray, classes);
        return new DecodedImages(stored, size, size, pixels, null, labelArray, classes);
    }

    private static Path testFolder(Path root) throws IOException {
        for (String name : new String[] {"test", "val"}) if (Files.isDirectory(root.resolve(name))) return root.resolve(name);
        throw new IOException(root + ": no test/ or val/ folder");
    }

    /** The sorted names of the subfolders of {@code dir}: the classes. */
    private static List<String> classFolders(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(dir + ": no such folder");
        List<String> names;
        try (Stream<Path> entries = Files.list(dir)) {
            names = entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        if (names.isEmpty()) throw new IOException(dir + ": no class folders");
        return names;
    }

    /** The images anywhere under a class folder (torchvision walks it recursively), sorted by path. */
    private static List<Path> imagesUnder(Path classDir) throws IOException {
        List<Path> images;
        try (Stream<Path> walk = Files.walk(classDir, FileVisitOption.FOLLOW_LINKS)) {
            images = walk.filter(Files::isRegularFile).filter(ImageFolder::hasImageExtension).sorted().toList();
        }
        if (images.isEmpty()) throw new IOException(classDir + ": class folder with no images (" + String.join(", ", EXTENSIONS.stream().sorted().toList()) + ")");
        return images;
    }

    private static boolean hasImageExtension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Channel 0 of each N×3×plane image, packed N×1×plane; written forwards in place, then trimmed. */
    private static byte[] firstPlanes(byte[] rgb, int count, int plane) {
        for (int i = 1; i < count; i++) System.arraycopy(rgb, i * 3 * plane, rgb, i * plane, plane);
        return Arrays.copyOf(rgb, count * plane);
    }
}
