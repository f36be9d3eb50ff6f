package io.floe.cli.command;

import io.floe.server.FloeServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the project: one long-lived process that keeps the engine warm, runs the schedules of",
      "floe.yaml, and serves the web UI (/), the JSON API (/api, described at /api/openapi.json), the",
      "Iceberg REST catalog (/iceberg: Spark, Trino, PyIceberg and DuckDB attach with that URL),",
      "Prometheus metrics (/metrics) and /health. SIGTERM or Ctrl-C lets the running run finish within",
      "--shutdown-grace, then cancels it. Runs a kill interrupted are marked and cleaned at the next start.",
      "Bound to anything but 127.0.0.1 it needs tokens, from the environment: FLOE_SERVE_READ_TOKEN",
      "(reads) and FLOE_SERVE_WRITE_TOKEN (also triggers runs and commits through the catalog)."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--port", defaultValue = "8080", description = "Port to listen on (0: any free one). "
      + "Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--shutdown-grace", defaultValue = "15s", paramLabel = "DURATION",
      description = "How long a stop waits for the running run before cancelling it (keep it under 25s: the "
          + "JVM's shutdown gives Spark 30 s in all). Default: ${DEFAULT-VALUE}.")
  String shutdownGrace;

  @Override
  public Integer call() throws InterruptedException {
    FloeCommand root = (FloeCommand) spec.root().userObject();
    Path projectDir = root.projectDir();
    Duration grace;
    try {
      grace = io.floe.core.config.DurationText.parse(shutdownGrace);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "Invalid --shutdown-grace '" + shutdownGrace + "': expected " + e.getMessage());
    }
    FloeServer.Options options = new FloeServer.Options(host, port, token("FLOE_SERVE_READ_TOKEN"),
        token("FLOE_SERVE_WRITE_TOKEN"), grace);
    PrintWriter out = spec.commandLine().getOut();
    out.println("Starting the engine ...");
    out.flush();
    FloeServer server = FloeServer.start(projectDir, options);
    CountDownLatch stopped = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable stop = () -> {
      if (closing.compareAndSet(false, true)) {
        server.close();
      }
      stopped.countDown();
    };
    // SIGTERM or Ctrl-C closes the server while the JVM still runs (StopSignals), so a run it cancels
    // cleans up with Iceberg's and Spark's pools alive; any other shutdown closes it from Spark's hook.
    io.floe.spark.FloeEngine.beforeSparkStops(stop);
    out.printf("Floe is serving %s%n  UI       %s/%n  API      %s/api (see /api/openapi.json)%n"
        + "  Iceberg  %s/iceberg (a REST catalog URI)%n  Metrics  %s/metrics%nCtrl-C stops it.%n",
        projectDir, server.url(), server.url(), server.url(), server.url());
    out.flush();
    // The grace the runs get, and as long again for the rest of the close (the engine's stop included).
    try (StopSignals signals = StopSignals.install(stop, grace.multipliedBy(2).plusSeconds(30))) {
      stopped.await();
    }
    return 0;
  }

  private static Optional<String> token(String variable) {
    return Optional.ofNullable(System.getenv(variable)).filter(value -> !value.isBlank());
  }
}
