package io.github.conv4j.train;

import java.io.PrintStream;

/** A one-line terminal progress bar: batches done, loss, images/s and ETA, redrawn at most 5 times a second. */
final class ProgressBar {
    private static final long REDRAW_NANOS = 200_000_000L;
    private final PrintStream out;
    private final boolean enabled;
    private long lastDraw;

    ProgressBar(PrintStream out, boolean enabled) {
        this.out = out;
        // \r frames only make sense on a terminal: redirected to a log they pile up as one endless line.
        this.enabled = enabled && System.console() != null;
    }

    void update(int epoch, int epochs, int done, int total, double loss, long images, long startNanos, boolean force) {
        if (!enabled) return;
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_NANOS) return;
        lastDraw = now;
        double seconds = (now - startNanos) / 1e9;
        double rate = seconds > 0 ? images / seconds : 0;
        long eta = done > 0 ? Math.round(seconds / done * (total - done)) : 0;
        int width = 24, filled = total > 0 ? (int) ((long) width * done / total) : width;
        out.printf("\repoch %d/%d [%s%s] %d/%d loss %.4f %,.0f img/s ETA %d:%02d ", epoch, epochs, "=".repeat(filled),
                " ".repeat(width - filled), done, total, loss, rate, eta / 60, eta % 60);
        if (done == total) out.print("\r" + " ".repeat(90) + "\r");
        out.flush();
    }
}
