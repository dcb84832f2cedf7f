package io.github.conv4j.nn;

import io.github.conv4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Folds every {@link BatchNorm2d} that directly follows a {@link Conv2d} into that convolution,
 * for inference. In evaluation mode a normalisation is an affine map per channel with constants,
 * {@code y = γ·(z − μ)/√(σ² + ε) + β} on the running statistics μ, σ², so for {@code z = W∗x + b}
 * it is the convolution with weights {@code s·W} and bias {@code s·(b − μ) + β}, where
 * {@code s = γ/√(σ² + ε)} per output channel. The folded model computes the same outputs (within
 * float rounding) without the normalisation's pass over the activations, and a ReLU after the
 * normalisation now follows the convolution directly, which then rectifies its own output.
 *
 * <p>The result is a new inference-only model in evaluation mode (no gradients, parameters of its
 * own, the source's preprocessing); the source is not changed, so training it stays exact, and a
 * folded copy does not follow later changes to the source's parameters. A pair is folded when the
 * normalisation reads the convolution and is its only reader: another reader needs the
 * convolution's own output. Every other layer is kept, with its parameters and state copied.
 * <pre>{@code try (Model fast = BatchNormFolding.fold(trained)) { fast.forward(x); }}</pre>
 */
public final class BatchNormFolding {
    private BatchNormFolding() {}

    /**
     * A layer of the folded model and where its tensors come from: the source layer under
     * {@code sourcePrefix}, and for a folded convolution the normalisation under {@code bnPrefix}.
     */
    private record Piece(Layer layer, String prefix, Layer source, String sourcePrefix, BatchNorm2d bn, String bnPrefix) {}

    /** The folded copy of a {@link Sequential} or a {@link Graph}; an IllegalArgumentException for another kind of model. */
    public static Model fold(Model model) {
        if (model instanceof Graph g) return fold(g);
        if (model instanceof Sequential s) return fold(s);
        throw new IllegalArgumentException("BatchNormFolding: cannot fold a " + model.getClass().getName() + " (only a Sequential or a Graph)");
    }

    /** How many normalisations {@link #fold(Model)} would fold into their convolutions: 0 means folding changes nothing. */
    public static int foldable(Model model) {
        if (model instanceof Graph g) return count(graphFolds(g));
        if (model instanceof Sequential s) return count(sequentialFolds(s.layers()));
        return 0;
    }

    /** The inference-only chain with each Conv2d → BatchNorm2d pair made one convolution (with a bias). */
    public static Sequential fold(Sequential source) {
        List<Layer> layers = source.layers();
        boolean[] folded = sequentialFolds(layers);
        List<Piece> pieces = new ArrayList<>();
        List<Layer> kept = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (i > 0 && folded[i - 1]) continue;   // the normalisation, now inside the convolution before it
            Layer l = layers.get(i);
            String prefix = Integer.toString(kept.size());   // Sequential names its tensors by position
            Piece p = folded[i] ? new Piece(((Conv2d) l).bias(true), prefix, l, Integer.toString(i), (BatchNorm2d) layers.get(i + 1),
                    Integer.toString(i + 1)) : new Piece(l, prefix, l, Integer.toString(i), null, null);
            pieces.add(p);
            kept.add(p.layer());
        }
        Sequential m = Sequential.forInference(source.sampleInput(), source.seed(), kept);
        return fill(m, source, pieces);
    }

    /** The inference-only graph with each Conv2d → BatchNorm2d pair made one node, named after the convolution. */
    public static Graph fold(Graph source) {
        List<Node> nodes = source.nodes();
        int[] bnOf = graphFolds(source);   // per convolution node, the index of the normalisation folded into it, else -1
        boolean[] absorbed = new boolean[nodes.size()];
        for (int bn : bnOf) if (bn >= 0) absorbed[bn] = true;
        GraphBuilder b = new GraphBuilder(source.sampleInput());
        Node[] mapped = new Node[nodes.size()];
        mapped[0] = b.input();
        List<Piece> pieces = new ArrayList<>();
        for (int i = 1; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            if (absorbed[i]) {
                mapped[i] = mapped[node.inputs().get(0).index()];   // readers of the normalisation read the folded convolution
                continue;
            }
            if (node.merge().isPresent()) {
                List<Node> in = new ArrayList<>();
                for (Node x : node.inputs()) in.add(mapped[x.index()]);
                mapped[i] = b.add(node.name(), node.merge().get(), in);
                continue;
            }
            Layer l = node.layer().orElseThrow();
            Piece p = bnOf[i] < 0 ? new Piece(l, node.name(), l, node.name(), null, null)
                    : new Piece(((Conv2d) l).bias(true), node.name(), l, node.name(), (BatchNorm2d) nodes.get(bnOf[i]).layer().orElseThrow(),
                    nodes.get(bnOf[i]).name());
            pieces.add(p);
            mapped[i] = b.add(node.name(), p.layer(), mapped[node.inputs().get(0).index()]);
        }
        Graph g = b.buildForInference(mapped[nodes.size() - 1], source.seed());
        return fill(g, source, pieces);
    }

    /** Per layer of a chain: true for a convolution whose next layer is a normalisation of its output. */
    private static boolean[] sequentialFolds(List<Layer> layers) {
        boolean[] folded = new boolean[layers.size()];
        for (int i = 0; i + 1 < layers.size(); i++)
            folded[i] = layers.get(i) instanceof Conv2d && layers.get(i + 1) instanceof BatchNorm2d;
        return folded;
    }

    /** Per node: for a convolution read only by a normalisation, that normalisation's index; else -1. */
    private static int[] graphFolds(Graph g) {
        List<Node> nodes = g.nodes();
        int[] readers = new int[nodes.size()], bnOf = new int[nodes.size()];
        for (Node n : nodes) for (Node in : n.inputs()) readers[in.index()]++;
        java.util.Arrays.fill(bnOf, -1);
        for (Node n : nodes) {
            if (!(n.layer().orElse(null) instanceof BatchNorm2d)) continue;
            Node conv = n.inputs().get(0);
            if (conv.layer().orElse(null) instanceof Conv2d && readers[conv.index()] == 1) bnOf[conv.index()] = n.index();
        }
        return bnOf;
    }

    private static int count(boolean[] folded) {
        int n = 0;
        for (boolean f : folded) if (f) n++;
        return n;
    }

    private static int count(int[] bnOf) {
        int n = 0;
        for (int b : bnOf) if (b >= 0) n++;
        return n;
    }

    /** Fills {@code target}'s tensors from {@code source}'s, piece by piece; closes the target if that fails. */
    private static <M extends Model> M fill(M target, Model source, List<Piece> pieces) {
        try {
            Map<String, Tensor> srcParams = source.namedParameters(), srcState = source.namedState();
            Map<String, Tensor> params = target.namedParameters(), state = target.namedState();
            for (Piece p : pieces) {
                if (p.bn() == null) {
                    copy(p.layer().parameterNames(), p, srcParams, params);
                    copy(p.layer().stateNames(), p, srcState, state);
                } else {
                    foldInto(p, srcParams, srcState, params);
                }
            }
            source.preprocessing().ifPresent(target::setPreprocessing);
            return target;
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
    }

    private static void copy(List<String> names, Piece p, Map<String, Tensor> from, Map<String, Tensor> to) {
        for (String n : names) to.get(ParameterBuffers.dotted(p.prefix(), n)).copyFrom(from.get(ParameterBuffers.dotted(p.sourcePrefix(), n)));
    }

    /** Writes the folded weight s·W and bias s·(b − μ) + β of one pair, computed in double. */
    private static void foldInto(Piece p, Map<String, Tensor> srcParams, Map<String, Tensor> srcState, Map<String, Tensor> params) {
        List<String> convNames = p.source().parameterNames(), bnNames = p.bn().parameterNames(), bnState = p.bn().stateNames();
        float[] w = srcParams.get(ParameterBuffers.dotted(p.sourcePrefix(), convNames.get(0))).toArray();
        float[] bias = convNames.size() > 1 ? srcParams.get(ParameterBuffers.dotted(p.sourcePrefix(), convNames.get(1))).toArray() : null;
        float[] gamma = srcParams.get(ParameterBuffers.dotted(p.bnPrefix(), bnNames.get(0))).toArray();
        float[] beta = srcParams.get(ParameterBuffers.dotted(p.bnPrefix(), bnNames.get(1))).toArray();
        float[] mean = srcState.get(ParameterBuffers.dotted(p.bnPrefix(), bnState.get(0))).toArray();
        float[] var = srcState.get(ParameterBuffers.dotted(p.bnPrefix(), bnState.get(1))).toArray();
        int channels = gamma.length, perChannel = w.length / channels;
        float[] b = new float[channels];
        for (int k = 0; k < channels; k++) {
            double s = gamma[k] / Math.sqrt((double) var[k] + p.bn().eps());
            for (int j = k * perChannel; j < (k + 1) * perChannel; j++) w[j] = (float) (w[j] * s);
            b[k] = (float) (((bias == null ? 0 : bias[k]) - (double) mean[k]) * s + beta[k]);
        }
        List<String> names = p.layer().parameterNames();
        params.get(ParameterBuffers.dotted(p.prefix(), names.get(0))).copyFrom(w);
        params.get(ParameterBuffers.dotted(p.prefix(), names.get(1))).copyFrom(b);
    }
}
