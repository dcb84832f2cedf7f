package io.github.conv4j.spark;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * The native models of one executor JVM, pooled by architecture: a task borrows a worker, runs it
 * and gives it back, so an executor with k task slots builds at most k models of an architecture,
 * once, instead of one per task (building allocates and initialises every parameter), and no two
 * concurrent tasks ever share a model. Models are only reachable from here, never from a closure:
 * nothing off-heap is ever serialised.
 */
final class ExecutorModels {
    private static final Map<ModelSpec, Queue<GradientWorker>> IDLE = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    /** Runs {@code work} with a worker of {@code spec} that no other task holds meanwhile. */
    static <T> T with(ModelSpec spec, Function<GradientWorker, T> work) {
        Queue<GradientWorker> idle = IDLE.computeIfAbsent(spec, s -> new ConcurrentLinkedQueue<>());
        GradientWorker worker = idle.poll();
        if (worker == null) worker = new GradientWorker(spec);
        try {
            return work.apply(worker);
        } finally {
            idle.add(worker);
        }
    }
}
