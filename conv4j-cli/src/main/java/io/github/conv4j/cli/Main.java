package io.github.conv4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code conv4j} command: train, eval, predict, summary, bench, import, export. */
@Command(name = "conv4j", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
         description = "Convolutional neural networks on the CPU: im2col + OpenBLAS sgemm, from Java.",
         subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, SummaryCommand.class, BenchCommand.class,
                        ImportCommand.class, ExportCommand.class, InferCommand.class})
public final class Main implements Runnable {
    @Override public void run() { CommandLine.usage(this, System.out); }

    /** Runs the command line and exits with its status (0 success, 1 failure, 2 usage error). */
    public static void main(String[] args) { System.exit(run(args)); }

    /** Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 bad usage. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // One clear line, not a stack trace (set CONV4J_DEBUG=1 for the trace).
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            cmd.getErr().println("conv4j " + cmd.getCommandName() + ": error: " + msg);
            if (System.getenv("CONV4J_DEBUG") != null) e.printStackTrace(cmd.getErr());
            return 1;
        });
        return cli.execute(args);
    }
}
