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
 * {@code (softmax − onehot)/N}. Owns its gradient buffer (reused while the batch size holds).
 */
public final class SoftmaxCrossEntropy implements AutoCloseable {
    private final FloatPointer loss = new FloatPointer(1);
    private final IntPointer correct = new IntPointer(1);
    private Tensor grad;

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
        int status = Conv4jNative.softmaxCrossEntropy(n, c, logits.pointer(), labels.pointer(), loss, grad.pointer(), correct);
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
