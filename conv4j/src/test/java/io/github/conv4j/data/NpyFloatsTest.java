package io.github.conv4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Float32 arrays of any shape: written as NumPy writes them, read back whole or a slice at a time. */
class NpyFloatsTest {
    @TempDir Path dir;

    @Test void theHeaderIsByteForByteNumPys() {
        assertArrayEquals(NpyTest.npy(1, NpyTest.dict("<f4", "(2, 3, 4)"), new byte[0]), Npy.float32Header(2, 3, 4));
        assertArrayEquals(NpyTest.npy(1, NpyTest.dict("<f4", "(5,)"), new byte[0]), Npy.float32Header(5));
        assertEquals(0, Npy.float32Header(7, 1000).length % 64);
    }

    @Test void writtenArraysReadBackWholeAndInSlices() throws IOException {
        Path file = dir.resolve("a.npy");
        float[] values = new float[2 * 3 * 4];
        for (int i = 0; i < values.length; i++) values[i] = i * 0.5f - 3;
        Npy.writeFloats(file, values, 2, 3, 4);
        Npy.Header header = Npy.readHeader(file);
        assertEquals(List.of(2L, 3L, 4L), header.shape());
        float[] whole = new float[values.length];
        Npy.readFloats(file, header, 0, whole, 0, whole.length);
        assertArrayEquals(values, whole);
        float[] slice = new float[14];
        Npy.readFloats(file, header, 12, slice, 2, 12);
        assertArrayEquals(Arrays.copyOfRange(values, 12, 24), Arrays.copyOfRange(slice, 2, 14));
    }

    @Test void bigEndianFloatsReadToTheSameValues() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-2f).putFloat(1e-7f);
        Path file = dir.resolve("be.npy");
        Files.write(file, NpyTest.npy(1, NpyTest.dict(">f4", "(3,)"), data.array()));
        float[] read = new float[3];
        Npy.readFloats(file, Npy.readHeader(file), 0, read, 0, 3);
        assertArrayEquals(new float[] {1.5f, -2f, 1e-7f}, read);
    }

    @Test void otherDtypesAndRangesOutsideTheArrayAreRefused() throws IOException {
        Path ints = dir.resolve("i.npy");
        Files.write(ints, NpyTest.npy(1, NpyTest.dict("<i4", "(2,)"), new byte[8]));
        IOException dtype = assertThrows(IOException.class, () -> Npy.readFloats(ints, Npy.readHeader(ints), 0, new float[2], 0, 2));
        assertEquals(ints + ": dtype <i4, expected float32 (<f4)", dtype.getMessage());

        Path file = dir.resolve("f.npy");
        Npy.writeFloats(file, new float[4], 4);
        IOException range = assertThrows(IOException.class, () -> Npy.readFloats(file, Npy.readHeader(file), 2, new float[3], 0, 3));
        assertTrue(range.getMessage().contains("elements 2 to 5 are outside its 4"), range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Npy.writeFloats(dir.resolve("g.npy"), new float[3], 2, 2));
    }
}
