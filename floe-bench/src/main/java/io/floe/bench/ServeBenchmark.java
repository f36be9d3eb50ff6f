package io.floe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.floe.core.project.Project;
import io.floe.runtime.history.RunStore;
import io.floe.server.FloeServer;
import io.floe.spark.FloeEngine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Benchmark 10, {@code floe serve}: a build triggered over HTTP in a {@code ./floe serve} process after 1% new
 * e-commerce rows, its first run and its runs on a schedule (measured in {@link EcommerceBuildBenchmark}, whose
 * cold build is its peer); and
 * here, on a generated project of 500 models with 1,000 runs in its history, the answers behind
 * the runs page and the lineage page, and the REST catalog's load-table against the same load
 * straight from the JDBC catalog.
 */
final class ServeBenchmark {
  static final String ID = "serve";
  static final String RUN_1PCT = "serve_run_1pct";
  static final String RUN_1PCT_STEADY = "serve_run_1pct_steady";
  static final String RUNS_PAGE = "serve_runs_page";
  static final String LINEAGE_PAGE = "serve_lineage_page";
  static final String LOAD_TABLE = "serve_load_table";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Runs runs;
  private final Path project;
  private final int models;
  private final int history;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ServeBenchmark(Runs runs, Path work, int models, int history) {
    this.runs = runs;
    this.project = work.resolve("serve-500");
    this.models = models;
    this.history = history;
  }

  List<Figure> run() throws IOException, InterruptedException {
    generateProject();
    List<Figure> figures = new ArrayList<>();
    try (FloeServer server = FloeServer.start(project, FloeServer.Options.local(0))) {
      String url = server.url();
      post(url + "/iceberg/v1/namespaces/gold/tables", """
          {"name": "daily_metrics", "schema": {"type": "struct", "schema-id": 0, "fields": [
            {"id": 1, "name": "metric_date", "type": "date", "required": true},
            {"id": 2, "name": "revenue", "type": "decimal(12,2)", "required": false}]}}""");
      figures.add(runs.measure(RUNS_PAGE, "floe_serve", "GET /api/runs?limit=200 and /api/schedules, "
          + history + " runs in the history", () -> get(url + "/api/runs?limit=200"),
          () -> {
            get(url + "/api/runs?limit=200");
            get(url + "/api/schedules");
          }, () -> check(get(url + "/api/runs?limit=200").path("runs").size() == Math.min(200, history),
              Math.min(200, history) + " runs listed")));
      figures.add(runs.measure(LINEAGE_PAGE, "floe_serve", "GET /api/graph of " + models
          + " models and their tests, with each node's last outcome", () -> get(url + "/api/graph"),
          () -> get(url + "/api/graph"),
          () -> check(get(url + "/api/graph").path("nodes").size() >= models, models + " nodes")));
      figures.add(runs.measure(LOAD_TABLE, "floe_serve_rest", "GET /iceberg/v1/namespaces/gold/tables/"
          + "daily_metrics (Iceberg REST load-table over HTTP)",
          () -> get(url + "/iceberg/v1/namespaces/gold/tables/daily_metrics"),
          () -> get(url + "/iceberg/v1/namespaces/gold/tables/daily_metrics"),
          () -> check(get(url + "/iceberg/v1/namespaces/gold/tables/daily_metrics").has("metadata"),
              "table metadata")));
    }
    try (FloeEngine engine = FloeEngine.open(Project.load(project))) {
      TableIdentifier table = TableIdentifier.of("gold", "daily_metrics");
      figures.add(runs.measure(LOAD_TABLE, "jdbc_catalog", "loadTable straight from the project's JDBC catalog "
          + "(in process: no HTTP)", () -> engine.icebergCatalog().loadTable(table),
          () -> engine.icebergCatalog().loadTable(table), () -> { }));
    }
    return figures;
  }

  // A project of N models in layers of 50 (each reads two of the layer before) with a test each,
  // and a history of R runs of about 2N nodes, as a year of hourly builds would leave.
  private void generateProject() throws IOException {
    BenchFiles.deleteRecursively(project);
    Files.createDirectories(project.resolve("models"));
    Files.writeString(project.resolve("floe.yaml"), "name: serve_bench\nnamespaces: [gold]\n");
    StringBuilder properties = new StringBuilder("version: 2\nmodels:\n");
    for (int i = 0; i < models; i++) {
      String sql;
      if (i < 50) {
        sql = "select " + i + " as id";
      } else {
        int parent = (i / 50 - 1) * 50;
        sql = "select id from {{ ref('m" + (parent + i % 50) + "') }} union all select id from {{ ref('m"
            + (parent + (i + 7) % 50) + "') }}";
      }
      Files.writeString(project.resolve("models/m" + i + ".sql"), sql + "\n");
      properties.append("  - name: m").append(i).append("\n    columns:\n      - name: id\n        tests: [not_null]\n");
    }
    Files.writeString(project.resolve("models/schema.yml"), properties.toString());
    try (RunStore store = RunStore.open(project.resolve(".floe"))) {
      for (int run = 0; run < history; run++) {
        String id = java.time.LocalDateTime.of(2026, 1, 1, 0, 0).plusHours(run)
            .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss_SSS"));
        store.start(id, "schedule hourly: build");
        for (int i = 0; i < models; i += 250) {
          store.node(id, new RunStore.Node("model", "m" + i, "gold.m" + i, "success", 10, 0, 100, "1", "", ""));
          store.node(id, new RunStore.Node("test", "not_null(m" + i + ".id)", "m" + i, "pass", 0, 0, 0, "", "",
              ""));
        }
        store.finish(id, RunStore.RunStatus.SUCCESS, "published to main");
      }
    }
  }

  private JsonNode get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new BenchException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  private void post(String url, String body) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new BenchException("POST " + url + " answered " + response.statusCode() + ": " + response.body());
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new BenchException("Cannot trust the figure: expected " + what);
    }
  }

  /** A {@code floe serve} of a project, to trigger runs in over HTTP; closing it stops the server. */
  interface Served extends AutoCloseable {
    /** Its base URL: {@code http://127.0.0.1:PORT}. */
    String url();

    @Override
    void close() throws IOException, InterruptedException;
  }

  /** Where {@link #serve} runs the server, for a figure's label. */
  static String where(Path launcher) {
    return launcher != null ? "a ./floe serve process started untimed before it (its warm-up ended)"
        : "a server in the bench's JVM (no ./floe launcher: its JIT warmed by the earlier benchmarks)";
  }

  /**
   * Starts {@code floe serve} on a project (untimed): {@code launcher serve} in a new process, as a user
   * starts it (its JVM options, JIT settings and class-data archive); without a launcher, a server in
   * this JVM, whose JIT earlier benchmarks warmed.
   */
  static Served serve(Path projectDir, Path launcher) throws IOException, InterruptedException {
    if (launcher == null) {
      FloeServer server = FloeServer.start(projectDir, FloeServer.Options.local(0));
      return new Served() {
        @Override
        public String url() {
          return server.url();
        }

        @Override
        public void close() {
          server.close();
        }
      };
    }
    Path log = projectDir.resolve("serve.log");
    Process process = new ProcessBuilder(launcher.toString(), "-p", projectDir.toString(), "serve", "--port", "0")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    String url = awaitUrl(process, log);
    awaitWarmUp(url);
    return new Served() {
      @Override
      public String url() {
        return url;
      }

      @Override
      public void close() throws InterruptedException {
        // SIGTERM: the server's graceful stop, as a service manager stops it.
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      }
    };
  }

  // A server on a schedule has warmed up when its first run comes: /health says when it has.
  private static void awaitWarmUp(String url) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    String state = "";
    while (System.nanoTime() < deadline) {
      state = JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(),
          HttpResponse.BodyHandlers.ofString()).body()).path("warmUp").asText();
      if (!state.equals("running")) {
        return;
      }
      Thread.sleep(100);
    }
    throw new BenchException("floe serve's warm-up did not end within 3 minutes (/health warmUp: " + state + ")");
  }

  // The URL the server prints once it serves, its engine up ("  UI       http://127.0.0.1:PORT/").
  private static String awaitUrl(Process process, Path log) throws IOException, InterruptedException {
    java.util.regex.Pattern ui = java.util.regex.Pattern.compile("^\\s+UI\\s+(http://\\S+?)/?$",
        java.util.regex.Pattern.MULTILINE);
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      java.util.regex.Matcher matcher = ui.matcher(Files.exists(log) ? Files.readString(log) : "");
      if (matcher.find()) {
        return matcher.group(1);
      }
      if (!process.isAlive()) {
        throw new BenchException("floe serve exited with " + process.exitValue() + " before it served. Its output:\n"
            + Files.readString(log));
      }
      Thread.sleep(100);
    }
    process.destroyForcibly().waitFor();
    throw new BenchException("floe serve did not print its URL within 5 minutes. Its output:\n" + Files.readString(log));
  }

  /** Triggers a build over HTTP and waits for its end; fails unless it published or found nothing changed. */
  static void buildOverHttp(String url) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> started = client.send(HttpRequest.newBuilder(URI.create(url + "/api/runs"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"command\": \"build\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    String id = JSON.readTree(started.body()).path("id").asText();
    if (started.statusCode() != 202 || id.isEmpty()) {
      throw new BenchException("floe serve did not start the build: " + started.statusCode() + " " + started.body());
    }
    while (true) {
      JsonNode run = JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(url + "/api/runs/" + id))
          .build(), HttpResponse.BodyHandlers.ofString()).body());
      String status = run.path("status").asText();
      if (!status.equals("running")) {
        if (!status.equals("success")) {
          throw new BenchException("The build in floe serve ended " + status + ": " + run.path("message").asText());
        }
        return;
      }
      Thread.sleep(50);
    }
  }
}
