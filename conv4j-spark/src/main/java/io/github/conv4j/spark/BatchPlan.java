package io.github.conv4j.spark;

import io.github.conv4j.data.Batches;
import java.io.Serializable;

/**
 * Which samples each partition contributes to each step's global batch, as a pure function of
 * (seed, step, partition): a retried or speculative task picks exactly the samples the first
 * attempt picked, so the aggregated gradient does not depend on failures.
 * <p>
 * Partition {@code p}'s share of a global batch of G samples is proportional to its size
 * (largest remainders, so the shares add up to G exactly). Within an epoch a partition walks a
 * permutation of its samples drawn from (seed, epoch, p), {@code share} samples per step,
 * wrapping around when rounding gave it a little more than its size. That permutation is the one
 * {@link Batches} shuffles epoch e with, seeded per partition (partition 0 with the plan's seed),
 * so one partition with a global batch dividing its size takes the plain Trainer's batches.
 */
public final class BatchPlan implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int[] sizes, shares;
    private final int stepsPerEpoch;
    private final long seed;

    /** The plan for partitions of {@code sizes} samples, a global batch of {@code globalBatch}, drawing from {@code seed}. */
    public BatchPlan(int[] sizes, int globalBatch, long seed) {
        long total = 0;
        for (int n : sizes) total += n;
        if (globalBatch <= 0 || globalBatch > total)
            throw new IllegalArgumentException("global batch must be in [1, " + total + "] (the training samples), got " + globalBatch);
        this.sizes = sizes.clone();
        this.shares = proportionalShares(sizes, total, globalBatch);
        this.stepsPerEpoch = (int) (total / globalBatch);
        this.seed = seed;
    }

    private static int[] proportionalShares(int[] sizes, long total, int globalBatch) {
        int[] shares = new int[sizes.length];
        double[] remainders = new double[sizes.length];
        int given = 0;
        for (int p = 0; p < sizes.length; p++) {
            double exact = (double) globalBatch * sizes[p] / total;
            shares[p] = (int) Math.floor(exact);
            remainders[p] = exact - shares[p];
            given += shares[p];
        }
        for (; given < globalBatch; given++) {   // the largest remainders take the samples still missing
            int best = -1;
            for (int p = 0; p < sizes.length; p++)
                if (sizes[p] > shares[p] && (best < 0 || remainders[p] > remainders[best])) best = p;
            shares[best]++;
            remainders[best] = -1;
        }
        return shares;
    }

    /** Steps in one epoch: the whole training set once, in global batches (a last partial batch is left out). */
    public int stepsPerEpoch() { return stepsPerEpoch; }

    /** Partitions the plan covers. */
    public int partitions() { return sizes.length; }

    /** Samples partition {@code p} holds. */
    public int size(int p) { return sizes[p]; }

    /** Samples partition {@code p} contributes to every step. */
    public int share(int p) { return shares[p]; }

    /** Indices (into partition {@code p}'s samples, in their iteration order) that it uses at {@code step}. */
    public int[] indices(int p, long step) {
        int n = sizes[p], share = shares[p];
        int[] picked = new int[share];
        if (share == 0) return picked;
        long epoch = step / stepsPerEpoch, within = step % stepsPerEpoch;
        int[] order = new int[n];
        Batches.epochOrder(order, partitionSeed(seed, p), epoch);
        for (int j = 0; j < share; j++) picked[j] = order[(int) ((within * share + j) % n)];
        return picked;
    }

    /**
     * Partition {@code p}'s seed: the plan's own for partition 0, so that a single partition walks
     * exactly the batches the plain {@code Trainer} (its {@link Batches}) walks with that seed.
     */
    private static long partitionSeed(long seed, int partition) { return seed ^ (0xC2B2AE3D27D4EB4FL * partition); }
}
