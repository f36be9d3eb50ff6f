package io.floe.server.metrics;

import io.floe.runtime.history.RunStore;
import io.floe.runtime.history.RunStore.RunStatus;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /metrics} in Prometheus' text exposition format (version 0.0.4), computed from the run
 * history when scraped. Written by hand: the format is a few lines of text per metric, and a client
 * library would add registries this read-only view has no use for.
 */
public final class PrometheusMetrics {
  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss_SSS");

  private PrometheusMetrics() {}

  /** The metrics text for a history, with {@code running} and {@code queued} runs of this server. */
  public static String render(RunStore history, boolean running, int queued) {
    StringBuilder out = new StringBuilder();
    header(out, "floe_runs", "gauge", "Runs in the history, by status.");
    Map<RunStatus, Long> counts = history.countByStatus();
    for (RunStatus status : RunStatus.values()) {
      sample(out, "floe_runs", label("status", status.label()), counts.getOrDefault(status, 0L));
    }
    header(out, "floe_runs_queued", "gauge", "Runs waiting in this server for the one running.");
    sample(out, "floe_runs_queued", null, queued);
    header(out, "floe_run_running", "gauge", "1 while this server runs a run.");
    sample(out, "floe_run_running", null, running ? 1 : 0);

    List<RunStore.Run> last = history.runs(1, null, null);
    header(out, "floe_last_run_duration_seconds", "gauge", "How long the newest finished or running run took.");
    if (!last.isEmpty()) {
      RunStore.Run run = last.get(0);
      double seconds = (run.finishedAt().orElse(Instant.now()).toEpochMilli() - run.startedAt().toEpochMilli()) / 1e3;
      sample(out, "floe_last_run_duration_seconds", label("status", run.status().label()), seconds);
    }

    List<RunStore.LatestNode> nodes = history.latestNodes();
    header(out, "floe_node_duration_seconds", "gauge", "Each model's and source's duration in its latest run.");
    for (RunStore.LatestNode node : nodes) {
      if (node.node().kind().equals("model") || node.node().kind().equals("source")) {
        sample(out, "floe_node_duration_seconds", nodeLabels(node), node.node().millis() / 1e3);
      }
    }
    header(out, "floe_node_rows", "gauge", "Rows each model and source wrote in its latest run.");
    for (RunStore.LatestNode node : nodes) {
      if (node.node().kind().equals("model") || node.node().kind().equals("source")) {
        sample(out, "floe_node_rows", nodeLabels(node), node.node().rows());
      }
    }
    header(out, "floe_test_failures", "gauge", "Offending rows of each test in its latest run (0 when it passed).");
    for (RunStore.LatestNode node : nodes) {
      if (node.node().kind().equals("test")) {
        sample(out, "floe_test_failures", label("test", node.node().name()), node.node().rows());
      }
    }
    header(out, "floe_source_last_load_timestamp_seconds", "gauge",
        "When each source last finished a load (freshness: time() minus this).");
    for (RunStore.LatestNode node : nodes) {
      if (node.node().kind().equals("source") && node.node().status().equals("success")) {
        sample(out, "floe_source_last_load_timestamp_seconds", label("source", node.node().name()),
            runStart(node.runId()) + node.node().millis() / 1e3);
      }
    }
    return out.toString();
  }

  // A run id is its start in UTC, e.g. 20261201_101500_123.
  private static double runStart(String runId) {
    try {
      return LocalDateTime.parse(runId, RUN_ID).toInstant(ZoneOffset.UTC).toEpochMilli() / 1e3;
    } catch (DateTimeParseException e) {
      return 0;
    }
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static String label(String name, String value) {
    return name + "=\"" + escape(value) + "\"";
  }

  private static String nodeLabels(RunStore.LatestNode node) {
    return label("kind", node.node().kind()) + "," + label("name", node.node().name());
  }

  private static void sample(StringBuilder out, String name, String labels, double number) {
    out.append(name);
    if (labels != null) {
      out.append('{').append(labels).append('}');
    }
    out.append(' ').append(number == Math.rint(number) && Math.abs(number) < 1e15
        ? Long.toString((long) number) : String.format(Locale.ROOT, "%.3f", number)).append('\n');
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
