package io.github.conv4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** One in-process run of the command line: its exit code and what it printed on stdout and stderr. */
record CliRun(int code, String out, String err) {
    /** Runs {@code conv4j args...} with stdout and stderr captured, restoring both afterwards. */
    static CliRun of(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            return new CliRun(Main.run(args), out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
