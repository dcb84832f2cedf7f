package io.github.conv4j.nn;

import io.github.conv4j.data.Preprocessing;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A model whose layers form a directed acyclic graph of named nodes (built with a
 * {@link GraphBuilder}): residual additions, concatenated branches, gates. Nodes run in topological
 * order; a node whose output feeds several others gets the sum of their gradients, accumulated
 * off-heap in one native call per extra consumer. As in {@link Sequential}, all parameters live in
 * one flat buffer (gradients in another), each tensor named after its node
 * ({@code layer1.0.conv1.weight}, {@code bn1.running_mean}), the scratch space is one shared
 * {@link Workspace}, and everything handed out is {@linkplain Tensor#borrowed borrowed}.
 * Buffers whose contents are never needed at the same time share memory (input gradients in
 * backward; outputs in an evaluation-mode or inference-only forward), so a node's output is not
 * kept past its last reader there: only the model's output and input gradient are handed out.
 *
 * <p>Not thread-safe: one thread at a time (another gets an {@link IllegalStateException}); give
 * other threads a {@link #replica()}.
 */
public final class Graph extends AbstractModel {
    private final List<Node> nodes;   // topological; the input first, the output last
    private final Op[] ops;           // per node, null for the input and merges
    private final MergeOp[] merges;   // per node, null unless a merge
    private final int[][] inputIndex;   // per node, the indices of its input nodes
    private final int[] consumers;      // per node, how many inputs of later nodes read it
    private final Tensor[][] mergeInputs;   // per merge node, reused as its forward's argument
    private final List<List<Tensor>> mergeInputLists = new ArrayList<>();   // per node, a list view of mergeInputs (null if not a merge)
    private final Tensor[] outputs, gradients;   // per node: the last forward's output, the current backward's gradient
    private final int[] received;
    private final BatchBuffer[] accumulators;   // per node with several consumers: the sum of their gradients
    private final GradientSum[] summers;        // per node with several consumers: writes that sum
    private final boolean[] sumInRelu;          // per node: a ReLU with two readers, which sums their gradients in its backward pass
    private final Tensor[] secondGradients;     // per such node: the second reader's gradient of the current backward
    private final boolean[] zeroFrozen;         // per node: its op computes frozen gradients anyway, so they are zeroed after backward
    private final BufferPlan plan = new BufferPlan();   // which ops' buffers share memory
    // a graph that trains: the outputs' shared memory for evaluation-mode forwards, on while one runs
    private final BatchBuffer.Mode evalMode = new BatchBuffer.Mode();
    private final BufferPlan evalPlan = new BufferPlan(evalMode);
    private boolean evalShares, inferenceShares;   // whether evaluation forwards / every forward share the outputs' memory
    private boolean[] outputKept;               // per node: its output is still there after a forward that shares
    private Tensor lastInput;                   // its input, which a backward after an evaluation forward runs again
    // per node: whether backward needs the gradient of its output (it trains, or something it reads
    // does), without and with the model's input gradient
    private boolean[] neededWithout, neededWith;

    static Graph build(List<Node> nodes, long seed, boolean trainable) {
        Graph g = new Graph(nodes, seed, null, null, trainable, new Workspace());
        if (trainable) {
            SplittableRandom rng = new SplittableRandom(seed);
            for (int i = 0; i < nodes.size(); i++)
                if (g.ops[i] != null) nodes.get(i).layer().orElseThrow().initialize(g.buffers.params(i), g.buffers.state(i), rng);
        } else {
            g.training = false;
        }
        return g;
    }

    private Graph(List<Node> nodes, long seed, Tensor sharedParams, Tensor sharedState, boolean trainable, Workspace workspace) {
        super(nodes.get(0).sampleOutput(), seed, workspace, "graph", "");
        this.nodes = List.copyOf(nodes);
        int n = nodes.size();
        ops = new Op[n];
        merges = new MergeOp[n];
        inputIndex = new int[n][];
        consumers = new int[n];
        mergeInputs = new Tensor[n][];
        outputs = new Tensor[n];
        gradients = new Tensor[n];
        received = new int[n];
        accumulators = new BatchBuffer[n];
        summers = new GradientSum[n];
        sumInRelu = new boolean[n];
        secondGradients = new Tensor[n];
        zeroFrozen = new boolean[n];
        List<Layer> layers = new ArrayList<>();
        List<String> lenders = new ArrayList<>(), prefixes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Node node = nodes.get(i);
            inputIndex[i] = node.inputs().stream().mapToInt(Node::index).toArray();
            for (int j : inputIndex[i]) consumers[j]++;
            layers.add(node.layer().orElse(null));
            lenders.add("node '" + node.name() + "' (" + node.describe() + ") of the graph");
            prefixes.add(node.name());
        }
        buffers = new ParameterBuffers(layers, lenders, prefixes, sharedParams, sharedState, trainable);
        mergeInputLists.add(null);   // the input node
        try {
            for (int i = 1; i < n; i++) {
                Node node = nodes.get(i);
                List<Shape> in = node.inputs().stream().map(Node::sampleOutput).toList();
                if (node.layer().isPresent())
                    ops[i] = node.layer().get().create(new LayerContext(node.name(), in.get(0), buffers.params(i), buffers.grads(i),
                            buffers.state(i), workspace, Seeds.mix(seed, i), this::trainingSteps));
                else {
                    merges[i] = node.merge().orElseThrow().create(node.name(), in);
                    mergeInputs[i] = new Tensor[in.size()];
                }
                mergeInputLists.add(mergeInputs[i] == null ? null : Arrays.asList(mergeInputs[i]));
            }
            fuseReLUs();
            fuseNormalizations();
            for (int i = 0; i < n; i++)
                if (consumers[i] > 1 && !sumInRelu[i]) {
                    accumulators[i] = new BatchBuffer(nodes.get(i).sampleOutput());
                    summers[i] = new GradientSum("the gradient sum of node '" + nodes.get(i).name() + "'");
                }
            planBuffers();
            applyFreezing();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static boolean fusing() { return Boolean.parseBoolean(System.getProperty("conv4j.fuse", "true")); }

    /**
     * Lets a ReLU's neighbours do its work, as {@link Sequential} does, where the graph allows it:
     * a convolution, batch normalisation or addition rectifies its own output when the ReLU is
     * that output's only reader, and the layer after a ReLU drops the gradient of non-positive
     * inputs when it is the ReLU's only reader; else a batch normalisation rectifying its output
     * takes the ReLU's backward too (the mask from its own input, no pass reading the output).
     * A ReLU still masking with two readers sums their gradients in that pass (no accumulator,
     * no separate sum). Every result is bit for bit the unfused one;
     * {@code -Dconv4j.fuse=false} keeps every ReLU on its own.
     */
    private void fuseReLUs() {
        if (!fusing()) return;
        int last = nodes.size() - 1;
        for (int i = 1; i <= last; i++) {
            if (!(ops[i] instanceof ReLU.Runtime relu)) continue;
            int producer = inputIndex[i][0];
            boolean forward = consumers[producer] == 1
                    && (ops[producer] != null ? ops[producer].fuseReluForward() : merges[producer] != null && merges[producer].fuseReluForward());
            if (forward) relu.forwardFused();
            if (i < last && consumers[i] == 1) {
                int reader = onlyReader(i);
                if (ops[reader] != null && ops[reader].fuseReluBackward()) relu.backwardFused();
            }
            if (relu.masksGradient() && forward && ops[producer] instanceof NormOp norm && norm.takeReluBackward()) relu.backwardFused();
            sumInRelu[i] = relu.masksGradient() && consumers[i] == 2;
        }
    }

    /**
     * A batch normalisation whose only reader is an addition of two inputs (a residual block's
     * second) leaves its normalisation to the addition, which applies it as it reads the input:
     * one pass less, and that output never written (nor allocated). Bit for bit the unfused sum.
     */
    private void fuseNormalizations() {
        if (!fusing()) return;
        for (int i = 1; i < nodes.size(); i++) {
            if (!(merges[i] instanceof SumOp sum) || inputIndex[i].length != 2 || inputIndex[i][0] == inputIndex[i][1]) continue;
            for (int k = 0; k < 2; k++) {
                int p = inputIndex[i][k];
                if (consumers[p] == 1 && ops[p] instanceof NormOp norm && sum.normalizeInput(k, norm)) {
                    norm.deferNormalize();
                    break;
                }
            }
        }
    }

    /**
     * Lets buffers whose contents are never needed at the same time share memory ({@link
     * BufferPlan}), after the fusions (which change what each op writes). The outputs of an
     * inference-only graph, and of a graph that trains while it runs in evaluation mode: each is
     * read until its last reader ran (or the last reader of what passes it on). A training-mode
     * forward keeps every output apart, since backward reads them; a backward after an
     * evaluation-mode forward runs that forward again into those buffers first (so a model
     * evaluated at a larger batch than it trains at grows no training buffer). The input
     * gradients of a graph that trains (a merge's, one per input, and the sums of several
     * readers' gradients too): written in a node's backward, read until the backward of the node
     * it is handed to, or further when that node passes it on as it is (a fused ReLU, an
     * addition, a flattening view). Ops that are neither a {@link PlannedOp} nor a
     * {@link PlannedMerge} (Flatten, Identity, Dropout) keep their buffers to themselves and are
     * taken to pass on what they read. {@code -Dconv4j.shareBuffers=false} keeps every buffer apart.
     */
    private void planBuffers() {
        if (!Boolean.parseBoolean(System.getProperty("conv4j.shareBuffers", "true"))) return;
        int n = nodes.size(), last = n - 1;
        boolean inferenceOnly = buffers.params != null && buffers.grads == null;   // backward refused
        long[] death = new long[n];   // per node, the last forward step reading its output
        for (int i = last; i >= 1; i--) {
            long d = i == last ? BufferPlan.FOREVER : i;
            for (int r = i + 1; r < n; r++)
                for (int j : inputIndex[r]) if (j == i) d = Math.max(d, writesOutput(r) ? r : death[r]);
            death[i] = d;
        }
        BufferPlan outputs = inferenceOnly ? plan : evalPlan;
        for (int i = 1; i < n; i++) if (writesOutput(i)) outputs.add(outputBuffer(i), i, death[i]);
        outputs.assign();
        outputKept = new boolean[n];
        int[] writer = new int[n];   // per node, the node whose buffer its output is (-1: its own or unknown)
        writer[0] = -1;
        outputKept[0] = true;
        for (int i = 1; i < n; i++) {
            writer[i] = writesOutput(i) ? i : ops[i] != null ? writer[inputIndex[i][0]] : -1;
            outputKept[i] = writer[i] < 0 || !outputs.overwritten(outputBuffer(writer[i]));
        }
        inferenceShares = inferenceOnly;
        evalShares = !inferenceOnly;
        if (inferenceOnly) return;
        // where a node's readers' gradients are summed (contribute): the first one visited (the
        // last reader's, its lowest input slot) is kept until the second is added to it into the
        // sum, which is then read as any gradient handed to that node; the others are added at once
        int[] firstReader = new int[n], firstSlot = new int[n], secondReader = new int[n];
        for (int j = 0; j < n; j++) {
            if (accumulators[j] == null) continue;
            firstReader[j] = secondReader[j] = -1;
            for (int r = last; r > j; r--)
                for (int k = 0; k < inputIndex[r].length; k++) {
                    if (inputIndex[r][k] != j) continue;
                    if (firstReader[j] < 0) {
                        firstReader[j] = r;
                        firstSlot[j] = k;
                    } else if (secondReader[j] < 0) secondReader[j] = r;
                }
        }
        // a gradient handed to node p is read until p's backward, at step last - p (or longer, when p passes it on)
        death[0] = BufferPlan.FOREVER;   // the model's input gradient
        long[][] handed = new long[n][];   // per node and input slot: until when the gradient it hands on there is read
        for (int p = 1; p < n; p++) {
            long d = last - p;
            handed[p] = new long[inputIndex[p].length];
            for (int k = 0; k < handed[p].length; k++) {
                int j = inputIndex[p][k];
                handed[p][k] = accumulators[j] == null ? death[j]
                        : p == firstReader[j] && k == firstSlot[j] ? last - secondReader[j] : last - p;
            }
            if (passesGradient(p)) for (long h : handed[p]) d = Math.max(d, h);
            death[p] = d;
        }
        for (int i = 1; i < n; i++) {
            if (ops[i] instanceof PlannedOp op && op.backwardWritesInputGradient())
                plan.add(op.inputGradientBuffer(), last - i, handed[i][0]);
            if (merges[i] instanceof PlannedMerge m)
                for (int k = 0; k < inputIndex[i].length; k++) {
                    BatchBuffer b = m.inputGradientBuffer(k);
                    if (b != null) plan.add(b, last - i, handed[i][k]);
                }
        }
        for (int j = 0; j < n; j++) if (accumulators[j] != null) plan.add(accumulators[j], last - secondReader[j], death[j]);
        plan.assign();
    }

    /** Whether node i's forward returns its own (plannable) output buffer. */
    private boolean writesOutput(int i) {
        return ops[i] instanceof PlannedOp op ? op.forwardWritesOutput() : merges[i] instanceof PlannedMerge;
    }

    private BatchBuffer outputBuffer(int i) {
        return ops[i] instanceof PlannedOp op ? op.outputBuffer() : ((PlannedMerge) merges[i]).outputBuffer();
    }

    /** Whether node p's backward may hand on the gradient it got (or a view of it) rather than a buffer of its own. */
    private boolean passesGradient(int p) {
        if (ops[p] instanceof PlannedOp op) return !op.backwardWritesInputGradient();
        if (merges[p] instanceof PlannedMerge m) {
            for (int k = 0; k < inputIndex[p].length; k++) if (m.inputGradientBuffer(k) == null) return true;
            return false;
        }
        return true;
    }

    /** Tells each op with parameters which of them are frozen, and marks the nodes backward must visit. */
    @Override void applyFreezing() {
        for (int i = 1; i < nodes.size(); i++) {
            if (ops[i] == null || buffers.params(i).isEmpty()) continue;
            zeroFrozen[i] = buffers.freezeIn(i, ops[i]);
        }
        neededWithout = gradientNeeded(false);
        neededWith = gradientNeeded(true);
    }

    /** Per node: its output's gradient is needed when it trains parameters or a node it reads needs one (the input: when asked). */
    private boolean[] gradientNeeded(boolean inputGradient) {
        boolean[] need = new boolean[nodes.size()];
        need[0] = inputGradient;
        for (int i = 1; i < need.length; i++) {
            boolean b = buffers.trains(i);
            for (int j : inputIndex[i]) b |= need[j];
            need[i] = b;
        }
        return need;
    }

    private int onlyReader(int node) {
        for (int i = node + 1; i < nodes.size(); i++)
            for (int j : inputIndex[i]) if (j == node) return i;
        throw new IllegalStateException("node " + node + " has no reader");
    }

    /** The nodes in topological order: the input first, the output last. */
    public List<Node> nodes() { return nodes; }

    /** The node called {@code name}, or an IllegalArgumentException listing none. */
    public Node node(String name) {
        for (Node n : nodes) if (n.name().equals(name)) return n;
        throw new IllegalArgumentException("the graph has no node '" + name + "'");
    }

    /** The node whose output is the model's. */
    public Node output() { return nodes.get(nodes.size() - 1); }

    @Override public Shape sampleOutput() { return output().sampleOutput(); }
    @Override public Graph train(boolean on) { training = on; return this; }
    @Override public Graph setPreprocessing(Preprocessing p) { attach(p); return this; }

    @Override public Tensor forward(Tensor x) {
        enterForward();
        try {
            evalMode.shared = !training && evalShares;
            lastInput = x;
            run(x, training);
            forwardDone(training);
            return lentOutput(outputs[nodes.size() - 1], x);
        } finally {
            leave();
        }
    }

    /** Runs every node forward. */
    private void run(Tensor x, boolean training) {
        outputs[0] = x;
        for (int i = 1; i < nodes.size(); i++) {
            int[] in = inputIndex[i];
            if (ops[i] != null) {
                outputs[i] = ops[i].forward(outputs[in[0]], training);
            } else {
                for (int k = 0; k < in.length; k++) mergeInputs[i][k] = outputs[in[k]];
                outputs[i] = merges[i].forward(mergeInputLists.get(i), training);
            }
        }
    }

    @Override public Tensor backward(Tensor dy, boolean needInputGradient) {
        requireGradients();
        enter();
        try {
            requireCompleteForward();
            if (evalMode.shared) {
                // an evaluation forward kept only what its readers needed: run it again into the
                // buffers backward reads (the same input and mode, so the same values bit for bit)
                evalMode.shared = false;
                run(lastInput, false);
            }
            Arrays.fill(gradients, null);
            Arrays.fill(secondGradients, null);
            Arrays.fill(received, 0);
            int last = nodes.size() - 1;
            gradients[last] = dy;
            // nodes that neither train nor lead to one that does (a frozen prefix) are not visited
            boolean[] need = needInputGradient ? neededWith : neededWithout;
            for (int i = last; i >= 1; i--) {
                if (!need[i]) continue;
                Tensor g = gradients[i];
                if (g == null) throw new IllegalStateException("node '" + nodes.get(i).name() + "' got no gradient: run forward first");
                int[] in = inputIndex[i];
                if (ops[i] != null) {
                    Tensor gi = secondGradients[i] != null ? ((ReLU.Runtime) ops[i]).backward(g, secondGradients[i], need[in[0]])
                            : ops[i].backward(g, need[in[0]]);
                    if (need[in[0]]) contribute(in[0], gi);
                    if (zeroFrozen[i]) buffers.zeroFrozenGradients(i);
                } else {
                    List<Tensor> gs = merges[i].backward(g);
                    for (int k = 0; k < in.length; k++) if (need[in[k]]) contribute(in[k], gs.get(k));
                }
            }
            return lentInputGradient(needInputGradient ? gradients[0] : null, dy);
        } finally {
            leave();
        }
    }

    /**
     * Adds one reader's gradient to node {@code j}'s. The first is kept as it is (an op's own
     * buffer, which nothing rewrites before this backward pass ends); the second is summed with
     * it into the node's accumulator in one pass, later ones into the accumulator in place; a
     * ReLU that sums its two readers' gradients itself gets the second as it is too.
     */
    private void contribute(int j, Tensor g) {
        if (g == null) return;
        int r = received[j]++;
        if (r == 0) {
            gradients[j] = g;
            return;
        }
        Tensor sum = gradients[j];
        if (!sum.shape().equals(g.shape()))
            throw new IllegalStateException("node '" + nodes.get(j).name() + "': gradients " + sum.shape() + " and " + g.shape() + " differ");
        if (sumInRelu[j]) {   // its two readers: the second is the last
            secondGradients[j] = g;
            return;
        }
        Tensor out = r == 1 ? accumulators[j].get(g.dim(0)) : sum;
        summers[j].sum(sum, g, out);
        gradients[j] = out;
    }

    @Override String where(int i) { return "node '" + nodes.get(i).name() + "' " + nodes.get(i).describe(); }

    /** Not the input (the caller's), nor an output whose memory a later node's took over. */
    @Override Tensor checkableOutput(int i) {
        return i > 0 && outputs[i] != null && outputs[i].isOpen() && (!(inferenceShares || evalMode.shared) || outputKept[i]) ? outputs[i] : null;
    }

    @Override String outputLender() { return "the output node '" + output().name() + "' of the graph"; }

    @Override String inputGradientLender() { return "the input gradient of the graph"; }

    @Override public ModelSummary summary() { return ModelSummary.ofGraph(nodes); }

    /** An inference-only graph sharing this one's parameters and state, with its own activations and workspace. */
    @Override public Graph replica() {
        requireOpen();
        Graph r = new Graph(nodes, seed(), buffers.params, buffers.state, false, new Workspace());
        r.training = false;
        r.preprocessing = preprocessing;
        return r;
    }

    /** Every op's buffers, the gradient sums and the shared slots (of the gradients and of the evaluation and inference outputs). */
    @Override void releaseOps() {
        evalMode.shared = false;
        lastInput = null;
        Arrays.fill(outputs, null);
        Arrays.fill(gradients, null);
        Arrays.fill(secondGradients, null);
        for (int i = 1; i < nodes.size(); i++) {
            if (ops[i] != null) ops[i].releaseBuffers();
            if (merges[i] instanceof PlannedMerge m) {
                m.outputBuffer().close();
                for (int k = 0; k < inputIndex[i].length; k++) if (m.inputGradientBuffer(k) != null) m.inputGradientBuffer(k).close();
            }
        }
        for (BatchBuffer b : accumulators) if (b != null) b.close();
        plan.release();
        evalPlan.release();
    }

    /** Activations, accumulators and the shared memory of the plans. */
    @Override void closeOps() {
        for (Op op : ops) if (op != null) op.close();
        for (MergeOp m : merges) if (m != null) m.close();
        for (BatchBuffer b : accumulators) if (b != null) b.close();
        for (GradientSum s : summers) if (s != null) s.close();
        plan.close();
        evalPlan.close();
    }
}
