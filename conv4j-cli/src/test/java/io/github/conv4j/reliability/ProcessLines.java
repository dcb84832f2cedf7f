package io.github.conv4j.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The output of a child process (stdout and stderr merged), line by line as it is printed, so a
 * test can act at the moment the child announces something instead of after a guessed sleep.
 */
final class ProcessLines {
    private static final String END = new String("end of output");   // a unique object, compared by identity
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer all = new StringBuffer();

    ProcessLines(Process p) {
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    all.append(line).append('\n');
                    lines.add(line);
                }
            } catch (IOException e) {
                all.append("(reading the output failed: ").append(e).append(")\n");   // the process was killed mid-line
            } finally {
                lines.add(END);
            }
        }, "child output");
        reader.setDaemon(true);
        reader.start();
    }

    /** The first line from now on that matches; fails if the output ends first or nothing matches in time. */
    String await(Predicate<String> wanted, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) throw new AssertionError("no " + what + " within 120 s; output so far:\n" + all);
            if (line == END) {
                lines.add(END);
                throw new AssertionError("the child ended without " + what + "; output:\n" + all);
            }
            if (wanted.test(line)) return line;
        }
    }

    /** Everything printed so far. */
    String text() { return all.toString(); }
}
