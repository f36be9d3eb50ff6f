package io.floe.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster on 127.0.0.1: a master and workers, each a JVM of its own started
 * from Spark's own jars (the classes {@code sbin/start-master.sh} and {@code start-worker.sh} run).
 * The workers' Spark home holds this class path's jars except Floe's and Iceberg's, as a cluster
 * with a stock Spark would: what Floe needs on the executors, it must ship itself.
 */
final class SparkStandaloneCluster implements AutoCloseable {
  private static final Pattern ALIVE_WORKERS = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

  private final List<Process> processes = new ArrayList<>();
  private final Path home;
  private final String masterUrl;
  private final int webUiPort;

  private SparkStandaloneCluster(Path home, int port, int webUiPort) {
    this.home = home;
    this.masterUrl = "spark://127.0.0.1:" + port;
    this.webUiPort = webUiPort;
  }

  /** Starts a master and {@code workers} workers of one core each; returns once all registered. */
  static SparkStandaloneCluster start(Path dir, int workers, String workerMemory)
      throws IOException, InterruptedException {
    Path home = sparkHome(dir.resolve("spark-home"));
    SparkStandaloneCluster cluster = new SparkStandaloneCluster(home, freePort(), freePort());
    try {
      cluster.launch(dir.resolve("master.log"), "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
          "--port", cluster.masterUrl.substring(cluster.masterUrl.lastIndexOf(':') + 1),
          "--webui-port", String.valueOf(cluster.webUiPort));
      for (int i = 0; i < workers; i++) {
        Path work = Files.createDirectories(dir.resolve("worker-" + i));
        cluster.launch(dir.resolve("worker-" + i + ".log"), "org.apache.spark.deploy.worker.Worker",
            "--host", "127.0.0.1", "--cores", "1", "--memory", workerMemory, "--work-dir", work.toString(),
            "--webui-port", String.valueOf(freePort()), cluster.masterUrl);
      }
      cluster.awaitWorkers(workers, dir);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  String masterUrl() {
    return masterUrl;
  }

  /** The master's JSON status (its web UI's /json), e.g. to see which applications ran. */
  String status() throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webUiPort + "/json/"))
            .timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  private void launch(Path log, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", home.resolve("jars") + File.separator + "*",
        mainClass));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SPARK_HOME", home.toString());
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    // The executors the workers start must not inherit a local-mode setting from the test JVM.
    builder.environment().remove("SPARK_MASTER");
    processes.add(builder.start());
  }

  private void awaitWorkers(int workers, Path dir) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int alive = 0;
    while (System.nanoTime() < deadline) {
      for (Process process : processes) {
        if (!process.isAlive()) {
          throw new AssertionError("A Spark cluster process exited with " + process.exitValue()
              + "; see the logs in " + dir);
        }
      }
      try {
        Matcher matcher = ALIVE_WORKERS.matcher(status());
        alive = matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
        if (alive >= workers) {
          return;
        }
      } catch (IOException e) {
        // the master's web UI is not up yet
        alive = 0;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(alive + " of " + workers + " Spark workers registered in 60 s; see the logs in " + dir);
  }

  /** A Spark home whose jars/ links this class path's jars, without Floe's and Iceberg's. */
  private static Path sparkHome(Path home) throws IOException {
    Path jars = Files.createDirectories(home.resolve("jars"));
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      String name = path.getFileName().toString();
      if (name.endsWith(".jar") && !name.startsWith("floe-") && !name.startsWith("iceberg-")
          && Files.isRegularFile(path) && !Files.exists(jars.resolve(name))) {
        Files.createSymbolicLink(jars.resolve(name), path.toAbsolutePath());
      }
    }
    return home;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).destroy();
    }
    for (Process process : processes) {
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
