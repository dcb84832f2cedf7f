package io.github.conv4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** Progress frames go to terminals only: redirected into a log, \r frames would pile up as one endless line. */
class ProgressBarTest {
    @Test void drawsNothingWhenTheOutputIsNotATerminal() {
        assumeTrue(System.console() == null, "run without a terminal (as under Maven)");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(log, true), true);
        long start = System.nanoTime();
        for (int batch = 1; batch <= 10; batch++) bar.update(1, 1, batch, 10, 0.5, batch * 64L, start, true);
        assertEquals("", log.toString());
    }
}
