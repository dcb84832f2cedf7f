package io.github.conv4j.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each transform's geometry on small images whose every pixel is known. */
class AugmentGeometryTest {
    private static final int DRAWS = 400;
    private final SampleRandom random = new SampleRandom();

    /** 1×3×3 image 1..9 row by row. */
    private static final float[] NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    /** The nine 3×3 crops of a 5×5 padded table, keyed by their contents. */
    private static Set<String> cropsOf(float[][] padded) {
        Set<String> crops = new HashSet<>();
        for (int top = 0; top < 3; top++)
            for (int left = 0; left < 3; left++) {
                float[] crop = new float[9];
                for (int y = 0; y < 3; y++) for (int x = 0; x < 3; x++) crop[y * 3 + x] = padded[top + y][left + x];
                crops.add(Arrays.toString(crop));
            }
        return crops;
    }

    /** Every draw is one of the expected crops, and every crop is drawn. */
    private void assertDrawsExactly(Augmentation crop, Set<String> expected) {
        Set<String> seen = new HashSet<>();
        float[] out = new float[9];
        for (int i = 0; i < DRAWS; i++) {
            random.reset(5, 0, i);
            crop.apply(NINE, out, 1, 3, 3, random);
            String got = Arrays.toString(out);
            assertTrue(expected.contains(got), "draw " + i + " is a crop of the padded image: " + got);
            seen.add(got);
        }
        assertEquals(expected, seen, "all " + expected.size() + " offsets occur");
    }

    @Test void zeroPaddedCropsAreTheNineShiftsOfTheImage() {
        float[][] padded = {
                {0, 0, 0, 0, 0},
                {0, 1, 2, 3, 0},
                {0, 4, 5, 6, 0},
                {0, 7, 8, 9, 0},
                {0, 0, 0, 0, 0}};
        assertDrawsExactly(new RandomCrop(1), cropsOf(padded));
    }

    @Test void reflectPaddedCropsMirrorWithoutRepeatingTheEdge() {
        float[][] padded = {   // torch.nn.functional.pad(x, (1, 1, 1, 1), mode="reflect")
                {5, 4, 5, 6, 5},
                {2, 1, 2, 3, 2},
                {5, 4, 5, 6, 5},
                {8, 7, 8, 9, 8},
                {5, 4, 5, 6, 5}};
        assertDrawsExactly(new RandomCrop(1, RandomCrop.Fill.REFLECT), cropsOf(padded));
    }

    @Test void zeroPaddingWiderThanTheImageCanLeaveItBlank() {
        Augmentation crop = new RandomCrop(4);
        float[] out = new float[9];
        boolean blank = false;
        for (int i = 0; i < DRAWS; i++) {
            random.reset(1, 0, i);
            crop.apply(NINE, out, 1, 3, 3, random);
            blank |= Arrays.equals(out, new float[9]);
        }
        assertTrue(blank, "a shift of 4 moves a 3-wide image out of view");
    }

    @Test void flipMirrorsEachRowOfEachChannel() {
        float[] image = {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60}, out = new float[12];   // 2×2×3
        new HorizontalFlip(1).apply(image, out, 2, 2, 3, random);
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4, 30, 20, 10, 60, 50, 40}, out);
        new HorizontalFlip(0).apply(image, out, 2, 2, 3, random);
        assertArrayEquals(image, out);
        int flipped = 0;
        for (int i = 0; i < DRAWS; i++) {
            random.reset(3, 0, i);
            new HorizontalFlip().apply(image, out, 2, 2, 3, random);
            if (out[0] == 3) flipped++;
        }
        assertTrue(flipped > 0.4 * DRAWS && flipped < 0.6 * DRAWS, "about half are flipped: " + flipped + " of " + DRAWS);
    }

    @Test void erasingZeroesOneRectangleOfTheDrawnAreaAndRatioInEveryChannel() {
        int side = 32, plane = side * side;
        float[] ones = new float[2 * plane], out = new float[2 * plane];
        Arrays.fill(ones, 1f);
        for (int i = 0; i < DRAWS; i++) {
            random.reset(9, 2, i);
            new RandomErasing(1, 0.02, 0.33, 0.3, 3.3, 0f).apply(ones, out, 2, side, side, random);
            int top = side, bottom = -1, left = side, right = -1;
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                    if (out[y * side + x] == 0) { top = Math.min(top, y); bottom = Math.max(bottom, y); left = Math.min(left, x); right = Math.max(right, x); }
            assertTrue(bottom >= 0, "draw " + i + " erased something (p = 1, and 32×32 always fits a rectangle)");
            int h = bottom - top + 1, w = right - left + 1;
            for (int c = 0; c < 2; c++)
                for (int y = 0; y < side; y++)
                    for (int x = 0; x < side; x++) {
                        boolean inside = y >= top && y <= bottom && x >= left && x <= right;
                        assertEquals(inside ? 0f : 1f, out[c * plane + y * side + x], "draw " + i + " channel " + c + " (" + y + ", " + x + ")");
                    }
            assertTrue(h < side && w < side, "smaller than the image: " + h + "×" + w);
            // h and w are rounded square roots: allow a pixel's worth on each.
            assertTrue((h - 1) * (w - 1) <= 0.33 * plane && (h + 1) * (w + 1) >= 0.02 * plane, "area of " + h + "×" + w);
            assertTrue((h - 0.5) / (w + 0.5) <= 3.3 && (h + 0.5) / (w - 0.5) >= 0.3, "ratio of " + h + "×" + w);
        }
        random.reset(9, 2, 0);
        new RandomErasing(0, 0.02, 0.33, 0.3, 3.3, 0f).apply(ones, out, 2, side, side, random);
        assertArrayEquals(ones, out, "p = 0 erases nothing");
    }

    @Test void resizedCropOfAFixedAreaIsAWindowOfTheImage() {
        int side = 8;
        float[] ramp = new float[side * side], out = new float[16];
        for (int j = 0; j < ramp.length; j++) ramp[j] = j;
        RandomResizedCrop crop = new RandomResizedCrop(4, 0.25, 0.25, 1, 1);   // always 4×4, resized to 4×4: a plain window
        assertEquals(4, crop.outputHeight(side, side));
        assertEquals(4, crop.outputWidth(side, side));
        Set<Integer> corners = new HashSet<>();
        for (int i = 0; i < DRAWS; i++) {
            random.reset(4, 1, i);
            crop.apply(ramp, out, 1, side, side, random);
            int top = (int) out[0] / side, left = (int) out[0] % side;
            assertTrue(top <= 4 && left <= 4, "the window lies inside: (" + top + ", " + left + ")");
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 4; x++) assertEquals((top + y) * side + left + x, out[y * 4 + x], "draw " + i + " (" + y + ", " + x + ")");
            corners.add((int) out[0]);
        }
        assertEquals(25, corners.size(), "all 5×5 placements occur");
    }

    @Test void resizedCropOfTheWholeImageHalvesItBilinearlyAtPixelCentres() {
        int side = 8;
        float[] ramp = new float[side * side], out = new float[16];
        for (int j = 0; j < ramp.length; j++) ramp[j] = j;
        new RandomResizedCrop(4, 1, 1, 1, 1).apply(ramp, out, 1, side, side, random);
        // Output pixel (y, x) samples input (2y + 0.5, 2x + 0.5): the mean of a 2×2 block of the ramp.
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++) assertEquals((2 * y + 0.5f) * side + 2 * x + 0.5f, out[y * 4 + x], 1e-4f, "(" + y + ", " + x + ")");
    }

    @Test void badOptionsNameTheTransformAndValue() {
        assertEquals("RandomCrop: padding must be positive, got 0", assertThrows(IllegalArgumentException.class, () -> new RandomCrop(0)).getMessage());
        assertEquals("HorizontalFlip: p must be in [0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> new HorizontalFlip(1.5)).getMessage());
        assertEquals("RandomErasing: scale must satisfy 0 < min <= max <= 1, got [0.5, 0.2]",
                assertThrows(IllegalArgumentException.class, () -> new RandomErasing(0.5, 0.5, 0.2, 0.3, 3.3, 0)).getMessage());
        assertEquals("RandomResizedCrop: size must be positive, got -1",
                assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(-1)).getMessage());
        assertEquals("RandomResizedCrop: ratio must satisfy 0 < min <= max, got [2.0, 1.0]",
                assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(8, 0.1, 1, 2, 1)).getMessage());
        assertEquals("RandomErasing: ratio must satisfy 0 < min <= max, got [0.3, Infinity]",
                assertThrows(IllegalArgumentException.class, () -> new RandomErasing(0.5, 0.02, 0.33, 0.3, Double.POSITIVE_INFINITY, 0)).getMessage());
        assertEquals("RandomErasing: p must be in [0, 1], got 2.0", assertThrows(IllegalArgumentException.class,
                () -> new RandomErasing(2, 0.5, 0.2, 0.3, 3.3, Float.NaN)).getMessage(), "p is checked first, the value last");
        assertEquals("RandomErasing: value must be finite, got NaN",
                assertThrows(IllegalArgumentException.class, () -> new RandomErasing(0.5, 0.02, 0.33, 0.3, 3.3, Float.NaN)).getMessage());
        assertEquals("RandomCrop: reflect padding 4 needs images larger than 4 on each side, got 3×3",
                assertThrows(IllegalArgumentException.class, () -> new RandomCrop(4, RandomCrop.Fill.REFLECT).requireFits(1, 3, 3)).getMessage());
    }

    @Test void theStreamDependsOnlyOnSeedEpochAndSample() {
        random.reset(1, 2, 3);
        long a = random.nextLong();
        random.reset(7, 7, 7);
        random.nextLong();
        random.reset(1, 2, 3);
        assertEquals(a, random.nextLong());
        random.reset(1, 2, 4);
        assertTrue(a != random.nextLong(), "the next sample draws other numbers");
        random.reset(1, 3, 3);
        assertTrue(a != random.nextLong(), "the next epoch draws other numbers");
    }
}
