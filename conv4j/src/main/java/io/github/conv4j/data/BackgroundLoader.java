package io.github.conv4j.data;

import io.github.conv4j.tensor.IntTensor;
import io.github.conv4j.tensor.Shape;
import io.github.conv4j.tensor.Tensor;
import java.util.function.IntFunction;

/**
 * Worker threads that assemble the coming batches of an epoch into a small ring of reused
 * off-heap buffers while the caller trains on the current one. Batch b always goes to slot
 * b mod ring size, and each worker assembles with its own {@link BatchAssembler}, whose output
 * depends only on (seed, epoch, sample): the batches are the same for any number of threads.
 * A worker's exception is kept and rethrown by {@link #next()}; {@link #close()} stops and joins
 * the workers before freeing the buffers. All coordination is on this object's monitor, which
 * (unlike java.util.concurrent's queues and conditions) allocates nothing per batch.
 */
final class BackgroundLoader implements AutoCloseable {
    /** One batch buffer of the ring. */
    private static final class Slot {
        final Tensor images;
        final IntTensor labels;
        int batch = -1;     // the batch it holds, ready to be consumed; -1: none
        int count;
        Tensor tail;        // a view of the first `count` images, when the last batch is short

        Slot(Shape shape) {
            this.images = Tensor.zeros(shape);
            this.labels = new IntTensor(shape.dim(0));
        }
    }

    private final int[] order;
    private final int batchSize, batchCount;
    private final Slot[] ring;
    private final Thread[] workers;
    // Guarded by this object's monitor.
    private int epoch, claimed, consumed, released, busy;
    private boolean pausing, closed;
    private Throwable failure;
    private Slot current;

    /**
     * Starts {@code threads} workers, each with an assembler from {@code assemblers}, over
     * {@code order} (which only {@link #restart} may change) in batches of {@code batchSize}
     * images of {@code imageShape}.
     */
    BackgroundLoader(int[] order, int batchSize, Shape imageShape, int threads, IntFunction<BatchAssembler> assemblers) {
        this.order = order;
        this.batchSize = batchSize;
        this.batchCount = (order.length + batchSize - 1) / batchSize;
        // One slot per worker in flight, one held by the caller, one ready ahead to absorb jitter.
        this.ring = new Slot[threads + 2];
        Shape batchShape = Shape.of(batchSize, imageShape.dim(0), imageShape.dim(1), imageShape.dim(2));
        try {
            for (int s = 0; s < ring.length; s++) ring[s] = new Slot(batchShape);
        } catch (RuntimeException | Error e) {
            freeSlots();
            throw e;
        }
        this.workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            BatchAssembler assembler = assemblers.apply(t);
            workers[t] = new Thread(() -> work(assembler), "conv4j-loader-" + t);
            workers[t].setDaemon(true);   // a caller that forgets close() must not keep the JVM alive
        }
        for (Thread w : workers) w.start();
    }

    private void work(BatchAssembler assembler) {
        while (true) {
            int b, e;
            Slot slot;
            synchronized (this) {
                while (!closed && failure == null && (pausing || claimed >= batchCount || claimed >= released + ring.length)) {
                    try { wait(); } catch (InterruptedException ie) { return; }
                }
                if (closed || failure != null) return;
                b = claimed++;
                e = epoch;
                slot = ring[b % ring.length];
                busy++;
            }
            int n = Math.min(batchSize, order.length - b * batchSize);
            try {
                assembler.assemble(order, b * batchSize, n, e, slot.images, slot.labels);
            } catch (Throwable t) {
                synchronized (this) {
                    failure = t;
                    busy--;
                    notifyAll();
                }
                return;
            }
            synchronized (this) {
                busy--;
                slot.count = n;
                slot.batch = b;
                notifyAll();
            }
        }
    }

    /**
     * Waits for the workers to finish what they hold, lets {@code reorder} rewrite the order, and
     * starts assembling {@code newEpoch} from its first batch.
     */
    synchronized void restart(int newEpoch, Runnable reorder) {
        pausing = true;
        try {
            while (busy > 0) awaitWorkers();
            reorder.run();
            for (Slot s : ring) s.batch = -1;
            epoch = newEpoch;
            claimed = consumed = released = 0;
            current = null;
        } finally {
            pausing = false;
            notifyAll();
        }
    }

    /** Frees the batch the caller held and waits for the next one; false at the end of the epoch. */
    synchronized boolean next() {
        if (current != null) {   // the caller is done with the previous batch: its slot may be refilled
            released = consumed;
            current = null;
            notifyAll();
        }
        if (consumed >= batchCount) return false;
        Slot slot = ring[consumed % ring.length];
        while (failure == null && slot.batch != consumed) {
            if (closed) throw new IllegalStateException("the batches are closed");
            try {
                wait();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new BatchLoadingException("interrupted while waiting for batch " + (consumed + 1) + " of " + batchCount, ie);
            }
        }
        if (failure != null)
            throw new BatchLoadingException("a loader thread failed preparing the batches of epoch " + epoch + ": " + failure, failure);
        consumed++;
        current = slot;
        return true;
    }

    /** Images of the batch {@link #next()} returned. */
    synchronized Tensor images() {
        Slot s = current;
        if (s.count == batchSize) return s.images;
        if (s.tail == null || s.tail.dim(0) != s.count)
            s.tail = s.images.view(0, Shape.of(s.count, s.images.dim(1), s.images.dim(2), s.images.dim(3)));
        return s.tail;
    }

    /** Labels of that batch (its first {@link #size()} entries). */
    synchronized IntTensor labels() { return current.labels; }

    /** Images in that batch. */
    synchronized int size() { return current == null ? 0 : current.count; }

    private void awaitWorkers() {
        try {
            wait();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new BatchLoadingException("interrupted while pausing the loader threads", ie);
        }
    }

    /** Stops the workers (each finishes the batch it holds), joins them and frees every buffer. */
    @Override public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            notifyAll();
        }
        boolean interrupted = false;
        for (Thread w : workers) {
            while (w.isAlive()) {
                try { w.join(); } catch (InterruptedException ie) { interrupted = true; }
            }
        }
        freeSlots();
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void freeSlots() {
        for (Slot s : ring) {
            if (s == null) continue;
            s.images.close();
            s.labels.close();
        }
    }
}
