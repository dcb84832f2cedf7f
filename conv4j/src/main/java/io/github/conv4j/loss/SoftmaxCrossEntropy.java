package io.github.conv4j.loss;

import io.github.conv4j.binding.Conv4jNative;
import io.github.conv4j.binding.Status;
import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * Mean softmax cross-entropy over N×C logits and N integer labels, with its gradient
 * {@code (softmax − target)/N}: the target is the one-hot label, or with label smoothing ε
 * (PyTorch's {@code label_smoothing}) {@code (1 − ε)·onehot + ε/C}. With class weights w
 * (PyTorch's {@code weight=}) each row's loss is weighted, the one-hot part by {@code w[label]} and
 * the smoothing part class by class, and the mean is taken over the weights of the rows' labels,
 * {@code Σ w[label]}, not over N. Owns its gradient buffer (reused while the batch size holds).
 */
public final class SoftmaxCrossEntropy implements AutoCloseable {
    private final float smoothing;
    private final float[] classWeights;   // null: unweighted
    private final FloatPointer weights;   // classWeights off-heap, null when unweighted
    private final FloatPointer loss = new FloatPointer(1);
    private final IntPointer correct = new IntPointer(1);
    private Tensor grad;

    /** The plain cross-entropy (label smoothing 0, the default). */
    public SoftmaxCrossEntropy() { this(0); }

    /** Cross-entropy with label smoothing {@code smoothing} in [0, 1] (0: none, the default). */
    public SoftmaxCrossEntropy(double smoothing) { this(smoothing, null); }

    /**
     * Cross-entropy with label smoothing {@code smoothing} in [0, 1] and one weight per class
     * ({@code classWeights}: non-negative and finite, as many as the logits have columns; null for
     * none), e.g. inverse class frequencies for unbalanced data.
     */
    public SoftmaxCrossEntropy(double smoothing, float[] classWeights) {
        if (!(smoothing >= 0 && smoothing <= 1))
            throw new IllegalArgumentException("SoftmaxCrossEntropy: label smoothing must be in [0, 1], got " + smoothing);
        this.smoothing = (float) smoothing;
        if (classWeights != null) {
            if (classWeights.length == 0) throw new IllegalArgumentException("SoftmaxCrossEntropy: classWeights is empty");
            for (int j = 0; j < classWeights.length; j++)
                if (!(classWeights[j] >= 0) || Float.isInfinite(classWeights[j]))
                    throw new IllegalArgumentException("SoftmaxCrossEntropy: classWeights[" + j + "] must be non-negative and finite, got " + classWeights[j]);
        }
        this.classWeights = classWeights == null ? null : classWeights.clone();
        this.weights = classWeights == null ? null : new FloatPointer(classWeights);
    }

    /** The label smoothing ε (0 unless given). */
    public float smoothing() { return smoothing; }

    /** A copy of the class weights, or null when the loss is unweighted. */
    public float[] classWeights() { return classWeights == null ? null : classWeights.clone(); }

    /**
     * Computes the loss of {@code logits} (N×C) against the first N labels; afterwards
     * {@link #gradient()} and {@link #correct()} describe the same batch.
     */
    public float forward(Tensor logits, IntTensor labels) {
        Shape s = logits.shape();
        if (s.rank() != 2)
            throw new IllegalArgumentException("SoftmaxCrossEntropy: expected logits [N, C], got " + s);
        int n = s.dim(0), c = s.dim(1);
        if (labels.size() < n)
            throw new IllegalArgumentException("SoftmaxCrossEntropy: " + n + " logits rows but " + labels.size() + " labels");
        if (grad == null || !grad.shape().equals(s)) {
            if (grad != null) grad.close();
            grad = Tensor.zeros(s);
        }
        if (classWeights != null && classWeights.length != c)
            throw new IllegalArgumentException("SoftmaxCrossEntropy: " + classWeights.length + " class weights for " + c + " classes");
        int status = weights == null
                ? Conv4jNative.softmaxCrossEntropySmoothed(n, c, smoothing, logits.pointer(), labels.pointer(), loss, grad.pointer(), correct)
                : Conv4jNative.softmaxCrossEntropyWeighted(n, c, smoothing, weights, logits.pointer(), labels.pointer(), loss, grad.pointer(), correct);
        if (status != Status.OK)
            Status.check(status, "SoftmaxCrossEntropy (" + c + " classes" + (weights == null ? "" : "; the batch's labels may all have weight 0") + ")");
        return loss.get();
    }

    /** dLoss/dlogits of the last {@link #forward}. */
    public Tensor gradient() {
        if (grad == null) throw new IllegalStateException("SoftmaxCrossEntropy: gradient before forward");
        return grad;
    }

    /** Rows of the last batch whose highest logit is the label. */
    public int correct() { return correct.get(); }

    @Override public void close() {
        if (grad != null) grad.close();
        grad = null;
        loss.close();
        correct.close();
        if (weights != null) weights.close();
    }
}
