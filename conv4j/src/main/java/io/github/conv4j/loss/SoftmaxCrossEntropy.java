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
 * (PyTorch's {@code label_smoothing}) {@code (1 − ε)·onehot + ε/C}. Owns its gradient buffer
 * (reused while the batch size holds).
 */
public final class SoftmaxCrossEntropy implements AutoCloseable {
    private final float smoothing;
    private final FloatPointer loss = new FloatPointer(1);
    private final IntPointer correct = new IntPointer(1);
    private Tensor grad;

    /** The plain cross-entropy (label smoothing 0, the default). */
    public SoftmaxCrossEntropy() { this(0); }

    /** Cross-entropy with label smoothing {@code smoothing} in [0, 1] (0: none, the default). */
    public SoftmaxCrossEntropy(double smoothing) {
        if (!(smoothing >= 0 && smoothing <= 1))
            throw new IllegalArgumentException("SoftmaxCrossEntropy: label smoothing must be in [0, 1], got " + smoothing);
        this.smoothing = (float) smoothing;
    }

    /** The label smoothing ε (0 unless given). */
    public float smoothing() { return smoothing; }

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
        int status = Conv4jNative.softmaxCrossEntropySmoothed(n, c, smoothing, logits.pointer(), labels.pointer(), loss, grad.pointer(), correct);
        if (status != Status.OK) Status.check(status, "SoftmaxCrossEntropy (" + c + " classes)");
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
    }
}
