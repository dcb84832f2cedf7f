package io.github.conv4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.conv4j.data.Idx;
import io.github.conv4j.io.ModelFile;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Fuzz targets for the two parsers of untrusted files. Any input must give a result or an
 * IOException: no other exception, no crash, no hang, no allocation beyond what the file can
 * fill. CI replays the checked-in corpus (src/test/resources/.../ParserFuzzTestInputs) and the
 * regression inputs. To fuzz one target for its maxDuration (raise it for longer runs):
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=ParserFuzzTest#modelFile}.
 */
class ParserFuzzTest {
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("conv4j-fuzz", ".bin");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void idxImages(byte[] data) throws Exception {
        Files.write(FILE, data);
        try {
            Idx.Images img = Idx.readImages(FILE);
            if ((long) img.count() * img.rows() * img.cols() != img.pixels().length) throw new AssertionError("inconsistent result");
        } catch (IOException expected) {
            // a documented outcome for a bad file
        }
    }

    @FuzzTest(maxDuration = "60s")
    void idxLabels(byte[] data) throws Exception {
        Files.write(FILE, data);
        try {
            Idx.readLabels(FILE);
        } catch (IOException expected) {
            // a documented outcome for a bad file
        }
    }

    @FuzzTest(maxDuration = "60s")
    void modelFile(byte[] data) throws Exception {
        Files.write(FILE, data);
        load();
    }

    /**
     * The payload parser behind a valid envelope: the fuzzer cannot forge the CRC, so this target
     * stamps magic, version, length and checksum around the mutated payload.
     */
    @FuzzTest(maxDuration = "60s")
    void modelPayload(byte[] payload) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeBytes("CONV4JMF");
        d.writeInt(ModelFile.FORMAT_VERSION);
        d.writeLong(payload.length);
        d.write(payload);
        CRC32C crc = new CRC32C();
        crc.update(payload);
        d.writeInt((int) crc.getValue());
        Files.write(FILE, b.toByteArray());
        load();
    }

    private static void load() throws Exception {
        try (ModelFile.Loaded loaded = ModelFile.load(FILE)) {
            loaded.model().close();
        } catch (IOException expected) {
            // a documented outcome for a bad file
        }
    }
}
