package io.github.conv4j.io;

import io.github.conv4j.data.Preprocessing;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.GraphBuilder;
import io.github.conv4j.nn.Layer;
import io.github.conv4j.nn.Model;
import io.github.conv4j.nn.ModelSummary;
import io.github.conv4j.nn.Node;
import io.github.conv4j.nn.Sequential;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * conv4j's model and checkpoint file.
 *
 * <pre>
 * "CONV4JMF"              8 bytes magic
 * version                 u32 (FORMAT_VERSION)
 * payload length          u64
 * payload:
 *   metadata              u32 count, then (UTF key, UTF value) pairs
 *   input shape           u32 rank, rank × u32
 *   layers                u32 count, then one UTF {@link Layer#spec()} each; for a graph
 *                         (metadata {@value #KIND_KEY} = graph) one UTF line per node after the
 *                         input, in topological order, the output last: its name, its input
 *                         nodes' names joined by commas, and its layer's spec, space-separated
 *   tensors               u32 count, then (UTF name, u64 length, length × f32 little-endian)
 *                         — "params" and "state" (the model's flat buffers), then any extras
 * CRC32C of the payload   u32
 * </pre>
 * Written atomically: a temporary file in the same folder, fsync, then a rename over the target,
 * so a reader sees the old file or the new one, never a mix. A damaged, truncated or foreign file
 * is an {@link IOException} saying which.
 *
 * <p>The metadata holds the model's seed ({@link #SEED_KEY}) and its {@link Preprocessing}
 * (normalisation, class names; keys in {@link PreprocessingMetadata}), both written by
 * {@link #save} from the model itself, then whatever the caller adds.
 */
public final class ModelFile {
    /** The byte layout's version, written in every file; a reader refuses versions it does not know. */
    public static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = {'C', 'O', 'N', 'V', '4', 'J', 'M', 'F'};
    private static final int HEADER = 8 + 4 + 8, CHUNK = 1 << 16;
    /** Suffix of the temporary files; a leftover one is removed by the next save to the same path. */
    public static final String TEMP_SUFFIX = ".c4j.tmp";
    /** Fault injection for the kill tests: a pause (ms) between tensors while writing; 0 in normal use. */
    private static final long WRITE_PAUSE_MS = Long.getLong("conv4j.io.writePauseMs", 0);

    /** Metadata key of the model's seed, which seeds its random layers (Dropout) after loading too. */
    public static final String SEED_KEY = "model.seed";

    /** Metadata key of the model's topology: {@value #GRAPH} for a {@link Graph}, absent for a {@link Sequential}. */
    public static final String KIND_KEY = "model.kind";

    /** The {@link #KIND_KEY} value of a graph. */
    public static final String GRAPH = "graph";

    private ModelFile() {}

    /**
     * What a file holds: the model (with its {@link Model#preprocessing()} when the file has
     * one), the metadata, extra tensors (optimiser state) and warnings about what the file lacks.
     *
     * <p>It owns the model and the extras: {@link #close()} frees both. To keep the model beyond
     * it, take it over with {@link #releaseModel()}; then the caller closes it.
     */
    public static final class Loaded implements AutoCloseable {
        private final Model model;
        private final Map<String, String> metadata;
        private final Map<String, Tensor> extras;
        private final List<String> warnings;
        private boolean modelReleased;

        Loaded(Model model, Map<String, String> metadata, Map<String, Tensor> extras, List<String> warnings) {
            this.model = model;
            this.metadata = java.util.Collections.unmodifiableMap(metadata);
            this.extras = java.util.Collections.unmodifiableMap(extras);
            this.warnings = List.copyOf(warnings);
        }

        /** The model, owned by this object (closed with it) unless {@link #releaseModel()} was called. */
        public Model model() { return model; }

        /** The model as the {@link Sequential} chain it is, or an IllegalStateException for a graph. */
        public Sequential sequential() {
            if (model instanceof Sequential s) return s;
            throw new IllegalStateException("this file holds a " + model.getClass().getSimpleName() + ", not a Sequential: use model()");
        }

        /** Every metadata entry of the file, the library's own keys included. */
        public Map<String, String> metadata() { return metadata; }

        /** Extra tensors by name, owned by this object and closed with it. */
        public Map<String, Tensor> extras() { return extras; }

        /**
         * What the file lacks to describe its model, one sentence each (e.g. no preprocessing, so
         * inputs are taken as unnormalised); empty for a file saved from a model trained by
         * {@code Trainer.fit}. Show these to the user.
         */
        public List<String> warnings() { return warnings; }

        /** Hands the model over to the caller, who closes it; {@link #close()} then frees only the extras. */
        public Model releaseModel() {
            modelReleased = true;
            return model;
        }

        /** Frees the extras and, unless released, the model. Idempotent. */
        @Override public void close() {
            extras.values().forEach(Tensor::close);
            if (!modelReleased) model.close();
        }
    }

    /** {@link #save(Path, Model, Map, Map)} without extra tensors. */
    public static void save(Path path, Model model, Map<String, String> metadata) throws IOException {
        save(path, model, metadata, Map.of());
    }

    /**
     * Writes atomically the model (a {@link Sequential} or a {@link Graph}), its seed, its
     * {@link Model#preprocessing()} (when set) and
     * {@code userMetadata} (whose keys may not start with {@value PreprocessingMetadata#PREFIX}:
     * that is the library's); {@code extras} are saved after the model's own tensors. The model
     * and tensors stay the caller's.
     */
    public static void save(Path path, Model model, Map<String, String> userMetadata, Map<String, Tensor> extras) throws IOException {
        for (String key : userMetadata.keySet())
            if (key.startsWith(PreprocessingMetadata.PREFIX))
                throw new IllegalArgumentException("metadata key '" + key + "' is reserved: set the model's preprocessing with Model.setPreprocessing");
        Map<String, String> metadata = new LinkedHashMap<>(userMetadata);
        metadata.put(SEED_KEY, Long.toString(model.seed()));
        if (model instanceof Graph) metadata.put(KIND_KEY, GRAPH);
        else metadata.remove(KIND_KEY);
        List<String> architecture = architecture(model);
        model.preprocessing().ifPresent(p -> metadata.putAll(PreprocessingMetadata.encode(p)));
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(path.getFileName() + TEMP_SUFFIX);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        if (model.parameters() != null) tensors.put("params", model.parameters());
        if (model.state() != null) tensors.put("state", model.state());
        for (var e : extras.entrySet()) {
            if (tensors.containsKey(e.getKey())) throw new IllegalArgumentException("extra tensor name '" + e.getKey() + "' is reserved");
            tensors.put(e.getKey(), e.getValue());
        }
        long payload = payloadLength(model, architecture, metadata, tensors);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream raw = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), CHUNK);
            DataOutputStream head = new DataOutputStream(raw);
            head.write(MAGIC);
            head.writeInt(FORMAT_VERSION);
            head.writeLong(payload);
            CRC32C crc = new CRC32C();
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc));
            writePayload(out, model, architecture, metadata, tensors);
            out.flush();
            head.writeInt((int) crc.getValue());
            head.flush();
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try {
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(dir);
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not every platform can fsync a directory (Windows); the rename itself is still atomic.
        }
    }

    /** The lines of the layers section: a chain's layer specs, or a graph's node lines. */
    private static List<String> architecture(Model model) {
        List<String> lines = new ArrayList<>();
        if (model instanceof Sequential s) {
            for (Layer l : s.layers()) lines.add(l.spec());
        } else if (model instanceof Graph g) {
            for (Node n : g.nodes().subList(1, g.nodes().size()))
                lines.add(n.name() + " " + String.join(",", n.inputs().stream().map(Node::name).toList()) + " " + n.spec());
        } else {
            throw new IllegalArgumentException("ModelFile saves a Sequential or a Graph, not a " + model.getClass().getName());
        }
        return lines;
    }

    private static long payloadLength(Model model, List<String> architecture, Map<String, String> metadata, Map<String, Tensor> tensors)
            throws IOException {
        CountingStream counter = new CountingStream();
        DataOutputStream d = new DataOutputStream(counter);
        d.writeInt(metadata.size());
        for (var e : metadata.entrySet()) { d.writeUTF(e.getKey()); d.writeUTF(e.getValue()); }
        d.writeInt(model.sampleInput().rank());
        for (int i = 0; i < model.sampleInput().rank(); i++) d.writeInt(0);
        d.writeInt(architecture.size());
        for (String line : architecture) d.writeUTF(line);
        d.writeInt(tensors.size());
        long total = counter.count;
        for (var e : tensors.entrySet()) {
            d.flush();
            CountingStream c = new CountingStream();
            new DataOutputStream(c).writeUTF(e.getKey());
            total += c.count + 8 + e.getValue().size() * 4;
        }
        return total;
    }

    private static void writePayload(DataOutputStream out, Model model, List<String> architecture, Map<String, String> metadata,
                                     Map<String, Tensor> tensors)
            throws IOException {
        out.writeInt(metadata.size());
        for (var e : metadata.entrySet()) { out.writeUTF(e.getKey()); out.writeUTF(e.getValue()); }
        Shape in = model.sampleInput();
        out.writeInt(in.rank());
        for (int i = 0; i < in.rank(); i++) out.writeInt(in.dim(i));
        out.writeInt(architecture.size());
        for (String line : architecture) out.writeUTF(line);
        out.writeInt(tensors.size());
        float[] chunk = new float[CHUNK];
        ByteBuffer bytes = ByteBuffer.allocate(CHUNK * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (var e : tensors.entrySet()) {
            Tensor t = e.getValue();
            if (WRITE_PAUSE_MS > 0) pause();
            out.writeUTF(e.getKey());
            out.writeLong(t.size());
            for (long off = 0; off < t.size(); off += CHUNK) {
                int n = (int) Math.min(CHUNK, t.size() - off);
                t.copyTo(off, chunk, 0, n);
                bytes.clear();
                bytes.asFloatBuffer().put(chunk, 0, n);
                out.write(bytes.array(), 0, n * 4);
            }
        }
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(WRITE_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while writing");
        }
    }

    /**
     * Loads a trainable model (in evaluation mode; with a gradient buffer, for training on or
     * resuming) with its metadata and extra tensors. For prediction only, {@link #loadForInference}
     * needs less memory.
     */
    public static Loaded load(Path path) throws IOException { return load(path, true); }

    /**
     * Loads a model for inference only: no gradient buffer (as large as the parameters) and no
     * random initialisation of parameters the file then overwrites. The model cannot be trained
     * ({@link Model#gradients()} and {@code backward} throw).
     */
    public static Loaded loadForInference(Path path) throws IOException { return load(path, false); }

    private static Loaded load(Path path, boolean trainable) throws IOException {
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new IOException(path + ": no such model file");
        }
        long payload;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path), CHUNK))) {
            byte[] magic = new byte[8];
            if (size < HEADER + 4 || in.read(magic) != 8 || !java.util.Arrays.equals(magic, MAGIC))
                throw new IOException(path + ": not a conv4j model file (bad magic)");
            int version = in.readInt();
            if (version != FORMAT_VERSION)
                throw new IOException(path + ": model format version " + version + " is not supported (this conv4j reads version " + FORMAT_VERSION + ")");
            payload = in.readLong();
            if (payload < 0 || HEADER + payload + 4 != size)
                throw new IOException(path + ": truncated or damaged: header declares " + (HEADER + payload + 4) + " bytes, file has " + size);
            // First pass: the checksum, before any of the payload is trusted.
            CRC32C crc = new CRC32C();
            byte[] buf = new byte[CHUNK];
            long left = payload;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) throw new IOException(path + ": truncated");
                crc.update(buf, 0, n);
                left -= n;
            }
            int stored = in.readInt();
            if (stored != (int) crc.getValue())
                throw new IOException(path + ": damaged: checksum mismatch (stored " + Integer.toHexString(stored) + ", computed "
                        + Integer.toHexString((int) crc.getValue()) + ")");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path), CHUNK)) {
            raw.skipNBytes(HEADER);
            BoundedStream bounded = new BoundedStream(raw, payload);
            return readPayload(path, new DataInputStream(bounded), bounded, trainable);
        } catch (EOFException e) {
            throw new IOException(path + ": payload ends early although its checksum matches: written by an incompatible writer", e);
        }
    }

    private static Loaded readPayload(Path path, DataInputStream in, BoundedStream bounded, boolean trainable) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        int metaCount = count(path, in, "metadata entries", 1 << 16);
        for (int i = 0; i < metaCount; i++) meta.put(in.readUTF(), in.readUTF());
        int rank = count(path, in, "input rank", 8);
        if (rank == 0) throw new IOException(path + ": input rank 0");
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) dims[i] = in.readInt();
        int layerCount = count(path, in, "layers", 1 << 16);
        List<Layer> layers = new ArrayList<>();
        boolean graph = GRAPH.equals(meta.get(KIND_KEY));
        if (meta.containsKey(KIND_KEY) && !graph) throw new IOException(path + ": unknown model kind '" + meta.get(KIND_KEY) + "'");
        Model model;
        try {
            Shape input = Shape.of(dims);
            // Check the architecture and what its parameters need before allocating anything: a
            // header may lie, but the parameters must be in the file (found by fuzzing).
            GraphBuilder builder = graph ? new GraphBuilder(input) : null;
            Map<String, Node> byName = new java.util.HashMap<>();
            if (graph) byName.put(Node.INPUT, builder.input());
            for (int i = 0; i < layerCount; i++) {
                String line = in.readUTF();
                if (graph) addNode(builder, byName, line);
                else layers.add(LayerCodec.parse(line));
            }
            if (graph) {
                layers.clear();
                for (Node n : builder.nodes()) n.layer().ifPresent(layers::add);
            } else {
                ModelSummary.of(input, layers);
            }
            long floats = 0;
            for (Layer l : layers) {
                for (Shape s : l.parameterShapes()) floats += s.size();
                for (Shape s : l.stateShapes()) floats += s.size();
            }
            if (floats > bounded.left / Float.BYTES)
                throw new IOException(path + ": the architecture needs " + floats + " parameters, the file holds " + bounded.left + " bytes");
            long seed = Long.parseLong(meta.getOrDefault(SEED_KEY, Long.toString(Sequential.DEFAULT_SEED)));
            if (graph) {
                List<Node> nodes = builder.nodes();
                Node output = nodes.get(nodes.size() - 1);
                model = trainable ? builder.build(output, seed) : builder.buildForInference(output, seed);
            } else {
                model = trainable ? new Sequential(input, seed, layers) : Sequential.forInference(input, seed, layers);
            }
        } catch (NumberFormatException e) {
            throw new IOException(path + ": bad " + SEED_KEY + " metadata: " + e.getMessage(), e);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IOException(path + ": bad architecture: " + e.getMessage(), e);
        }
        Map<String, Tensor> extras = new LinkedHashMap<>();
        boolean loadedParams = false;
        List<String> warnings;
        try {
            warnings = attachPreprocessing(path, model, meta);
            int tensorCount = count(path, in, "tensors", 1 << 16);
            float[] chunk = new float[CHUNK];
            byte[] bytes = new byte[CHUNK * 4];
            for (int i = 0; i < tensorCount; i++) {
                String name = in.readUTF();
                long length = in.readLong();
                // Never allocate more than the file can fill: a header may lie, the payload cannot.
                if (length < 0 || length > bounded.left / Float.BYTES)
                    throw new IOException(path + ": tensor '" + name + "' declares " + length + " values, more than the " + bounded.left + " bytes left");
                Tensor target = switch (name) {
                    case "params" -> model.parameters();
                    case "state" -> model.state();
                    default -> null;
                };
                if (target == null && (name.equals("params") || name.equals("state")))
                    throw new IOException(path + ": tensor '" + name + "' present but the architecture has none");
                if (target != null && target.size() != length)
                    throw new IOException(path + ": tensor '" + name + "' has " + length + " values, the architecture needs " + target.size());
                loadedParams |= name.equals("params");
                if (target == null) {
                    if (length <= 0 || length > Integer.MAX_VALUE) throw new IOException(path + ": extra tensor '" + name + "' has bad length " + length);
                    target = Tensor.zeros(Shape.of((int) length));
                    extras.put(name, target);
                }
                for (long off = 0; off < length; off += CHUNK) {
                    int n = (int) Math.min(CHUNK, length - off);
                    in.readFully(bytes, 0, n * 4);
                    ByteBuffer.wrap(bytes, 0, n * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(chunk, 0, n);
                    target.copyFrom(chunk, 0, off, n);
                }
            }
            if (model.parameters() != null && !loadedParams)
                throw new IOException(path + ": holds no parameters for its architecture");
        } catch (IOException | RuntimeException e) {
            model.close();
            extras.values().forEach(Tensor::close);
            throw e;
        }
        model.train(false);
        return new Loaded(model, meta, extras, warnings);
    }

    /** Adds the node a graph's architecture line describes: name, input names (comma-separated), layer spec. */
    private static void addNode(GraphBuilder builder, Map<String, Node> byName, String line) {
        String[] parts = line.trim().split(" ", 3);
        if (parts.length < 3) throw new IllegalArgumentException("graph node line '" + line + "' is not 'name inputs spec'");
        List<Node> inputs = new ArrayList<>();
        for (String name : parts[1].split(",")) {
            Node n = byName.get(name);
            if (n == null) throw new IllegalArgumentException("node '" + parts[0] + "' reads '" + name + "', which no earlier node is called");
            inputs.add(n);
        }
        Node node;
        if (LayerRegistry.isMerge(parts[2])) {
            node = builder.add(parts[0], LayerRegistry.merge(parts[2]), inputs);
        } else {
            if (inputs.size() != 1) throw new IllegalArgumentException("node '" + parts[0] + "' has " + inputs.size() + " inputs, its layer takes one");
            node = builder.add(parts[0], LayerCodec.parse(parts[2]), inputs.get(0));
        }
        byName.put(node.name(), node);
    }

    /** Gives the model the preprocessing its metadata describes; returns the warnings, each naming the file. */
    private static List<String> attachPreprocessing(Path path, Model model, Map<String, String> meta) throws IOException {
        Shape in = model.sampleInput(), out = model.sampleOutput();
        int channels = in.rank() == 3 ? in.dim(0) : 1, classes = out.rank() == 1 ? out.dim(0) : (int) Math.min(out.size(), 1 << 16);
        try {
            PreprocessingMetadata.Decoded d = PreprocessingMetadata.decode(meta, channels, classes);
            model.setPreprocessing(d.preprocessing());
            List<String> warnings = new ArrayList<>();
            for (String w : d.warnings()) warnings.add(path + ": " + w);
            return warnings;
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": bad preprocessing metadata: " + e.getMessage(), e);
        }
    }

    private static int count(Path path, DataInputStream in, String what, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) throw new IOException(path + ": implausible number of " + what + ": " + n);
        return n;
    }

    /** Counts bytes without keeping them (to know the payload length before writing it). */
    private static final class CountingStream extends OutputStream {
        long count;
        @Override public void write(int b) { count++; }
        @Override public void write(byte[] b, int off, int len) { count += len; }
    }

    /** Refuses to read past the payload into the checksum. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long left;
        BoundedStream(InputStream in, long left) { this.in = in; this.left = left; }
        @Override public int read() throws IOException {
            if (left <= 0) return -1;
            int b = in.read();
            if (b >= 0) left--;
            return b;
        }
        @Override public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }
    }

    /** Removes a temporary file a killed writer left next to {@code path}; true if there was one. */
    public static boolean removeLeftover(Path path) throws IOException {
        return Files.deleteIfExists(path.toAbsolutePath().getParent().resolve(path.getFileName() + TEMP_SUFFIX));
    }
}
