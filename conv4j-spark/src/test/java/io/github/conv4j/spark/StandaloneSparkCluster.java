package io.github.conv4j.spark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Spark standalone cluster on the loopback for tests: a master and workers, each its own JVM
 * started from this test's class path, whose executors are JVMs of their own again, so the tests
 * exercise real serialisation, real executor pools and a real executor loss.
 * <p>
 * The workers launch executors the way an installed Spark does, from {@code $SPARK_HOME/jars};
 * here that folder is empty and the whole test class path goes to the executors as
 * {@code spark.executor.extraClassPath} (see {@link #executorClassPath()}).
 */
final class StandaloneSparkCluster implements AutoCloseable {
    private final Path home;
    private final int port, webUi;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();

    /** Starts a master and {@code workers} workers of one core each, and waits until they have registered. */
    StandaloneSparkCluster(Path dir, int workers) throws IOException, InterruptedException {
        home = dir.resolve("spark-home");
        Files.createDirectories(home.resolve("jars"));
        port = freePort();
        webUi = freePort();
        master = start(dir.resolve("master.log"), "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(webUi));
        for (int i = 0; i < workers; i++) {
            Path work = Files.createDirectories(dir.resolve("worker-" + i));
            this.workers.add(start(dir.resolve("worker-" + i + ".log"), "org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--work-dir", work.toString(),
                    "--webui-port", Integer.toString(freePort()), masterUrl()));
        }
        awaitRegistrations(dir.resolve("master.log"), workers);
    }

    /** The master's URL, for {@code SparkConf.setMaster}. */
    String masterUrl() { return "spark://127.0.0.1:" + port; }

    /** What executors need on their class path: everything this test JVM has. */
    static String executorClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");   // the real one behind Surefire's booter jar
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /**
     * The {@code --add-opens} and other options Spark needs on Java 17, as this JVM got them, and
     * this JVM's JavaCPP cache (a system property Surefire sets), so no JVM reads ~/.javacpp.
     */
    static List<String> jvmOptions() {
        List<String> options = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect"))
                .collect(Collectors.toCollection(ArrayList::new));
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cache != null) options.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
        return options;
    }

    /**
     * Kills (SIGKILL) the executor JVM of worker {@code worker}, its only child process here (a
     * worker starts nothing else in client deploy mode); false when it has none running.
     */
    boolean killExecutorOf(int worker) {
        Optional<ProcessHandle> executor = workers.get(worker).toHandle().children().findFirst();
        executor.ifPresent(ProcessHandle::destroyForcibly);
        return executor.isPresent();
    }

    private Process start(Path log, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(jvmOptions());
        command.add("-cp");
        command.add(executorClassPath());
        command.add(mainClass);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");   // the launcher looks for build folders otherwise
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    /** Polls the master's status page (JSON, on the loopback) until {@code expected} workers are alive. */
    private void awaitRegistrations(Path masterLog, int expected) throws IOException, InterruptedException {
        URI status = URI.create("http://127.0.0.1:" + webUi + "/json/");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Pattern alive = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!master.isAlive()) throw new IOException("the Spark master exited: " + Files.readString(masterLog));
            try {
                Matcher m = alive.matcher(http.send(HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                if (m.find() && Integer.parseInt(m.group(1)) >= expected) return;
            } catch (IOException notUpYet) {
                // the master's web UI is still starting
            }
            Thread.sleep(250);
        }
        throw new IOException("fewer than " + expected + " workers alive after 60 s: " + Files.readString(masterLog));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { return s.getLocalPort(); }
    }

    /** Stops the workers (and so their executors) and the master. */
    @Override public void close() throws InterruptedException {
        for (Process w : workers) stop(w);
        stop(master);
    }

    private static void stop(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
    }
}
