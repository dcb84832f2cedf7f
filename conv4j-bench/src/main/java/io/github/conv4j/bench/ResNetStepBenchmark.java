package io.github.conv4j.bench;

import io.github.conv4j.loss.SoftmaxCrossEntropy;
import io.github.conv4j.nn.Graph;
import io.github.conv4j.nn.Parallelism;
import io.github.conv4j.optim.Sgd;
import io.github.conv4j.optim.SgdConfig;
import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Tensor;
import io.github.conv4j.zoo.CifarResNet;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One ResNet-20 (CIFAR, 3×32×32, 10 classes) training step — forward, softmax cross-entropy,
 * backward, SGD with momentum — and one inference forward, on a fixed random batch. The
 * {@code fuse} parameter is {@code -Dconv4j.fuse} of the model's build: true lets batch norms and
 * additions take over the ReLU after them, false keeps every ReLU on its own (the same results);
 * {@code frozen=lastBlock} fine-tunes only the last residual block and the classifier
 * ({@code layer3.2.*}, {@code fc.*}), every other parameter frozen on the model, so backward
 * stops at that block. {@link ResNetStepBenchmarkMain} turns the times into images/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ResNetStepBenchmark {
    @Param({"128"})
    public int batch;

    @Param({"2"})
    public int threads;

    @Param({"true", "false"})
    public String fuse;

    /** none (train everything) or lastBlock (only layer3.2 and fc). */
    @Param({"none"})
    public String frozen;

    private Graph model;
    private Tensor x;
    private IntTensor labels;
    private SoftmaxCrossEntropy loss;
    private Sgd sgd;

    @Setup public void setup() {
        Parallelism.configure(threads, Parallelism.Mode.BATCH);
        System.setProperty("conv4j.fuse", fuse);   // read as the graph is built
        model = CifarResNet.resnet20(3, 10).build(CifarResNet.INPUT, 1);
        if (frozen.equals("lastBlock")) {
            for (String name : model.namedParameters().keySet())
                if (!name.startsWith("layer3.2.") && !name.startsWith("fc.")) model.freeze(name);
        } else if (!frozen.equals("none")) {
            throw new IllegalArgumentException("frozen must be none or lastBlock, got " + frozen);
        }
        x = Tensor.zeros(CifarResNet.INPUT.prependBatch(batch));
        SplittableRandom rng = new SplittableRandom(7);
        float[] v = new float[(int) x.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        x.copyFrom(v);
        labels = new IntTensor(batch);
        int[] l = new int[batch];
        for (int i = 0; i < batch; i++) l[i] = rng.nextInt(10);
        labels.copyFrom(l, 0, batch);
        loss = new SoftmaxCrossEntropy();
        sgd = new SgdConfig().learningRate(0.01).momentum(0.9).create(model);
    }

    @Benchmark public float trainingStep() {
        model.train(true);
        model.zeroGrad();
        float l = loss.forward(model.forward(x), labels);
        model.backward(loss.gradient());
        sgd.step();
        return l;
    }

    @Benchmark public Tensor inference() {
        model.train(false);
        return model.forward(x);
    }

    @TearDown public void tearDown() {
        sgd.close();
        loss.close();
        labels.close();
        x.close();
        model.close();
    }
}
