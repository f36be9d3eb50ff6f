package io.floe.server.api;

import static io.floe.spark.sql.SparkIdentifiers.quote;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.core.error.FloeException;
import io.floe.core.graph.Node;
import io.floe.core.project.Project;
import io.floe.models.project.ModelProject;
import io.floe.runtime.history.RunStore;
import io.floe.runtime.history.RunStore.RunStatus;
import io.floe.server.backfill.Backfills;
import io.floe.server.http.Exchange;
import io.floe.server.run.RunQueue;
import io.floe.server.run.RunRequest;
import io.floe.server.schedule.Scheduler;
import io.floe.spark.FloeEngine;
import io.floe.spark.sql.QueryResult;
import io.floe.spark.table.TableDescription;
import io.floe.spark.table.TableVersions;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The server's JSON API under {@code /api} (documented in {@code /api/openapi.json}); the web UI
 * uses nothing else. Reads answer from the run history and the catalog; writes go through the
 * {@link RunQueue} and the {@link Scheduler}.
 */
public final class ApiRoutes {
  private static final int PREVIEW_ROWS = 50;

  private final Path projectDir;
  private final FloeEngine engine;
  private final RunQueue queue;
  private final Scheduler scheduler;
  private final RunStore history;
  private final Backfills backfills;

  public ApiRoutes(Path projectDir, FloeEngine engine, RunQueue queue, Scheduler scheduler, RunStore history,
      Backfills backfills) {
    this.projectDir = requireNonNull(projectDir, "projectDir is null");
    this.engine = requireNonNull(engine, "engine is null");
    this.queue = requireNonNull(queue, "queue is null");
    this.scheduler = requireNonNull(scheduler, "scheduler is null");
    this.history = requireNonNull(history, "history is null");
    this.backfills = requireNonNull(backfills, "backfills is null");
  }

  /** Whether {@code method} on {@code path} changes anything (then it needs a read-write token). */
  public static boolean writes(String method) {
    return !"GET".equals(method) && !"HEAD".equals(method);
  }

  /** Answers one request; {@code path} is below {@code /api}. */
  public void handle(Exchange x, String path) throws IOException {
    String method = x.method();
    String[] p = path.replaceAll("^/+|/+$", "").split("/");
    p = java.util.Arrays.stream(p).map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toArray(String[]::new);
    try {
      Object response = route(x, method, p);
      if (response instanceof Accepted accepted) {
        x.sendJson(202, accepted.body());
      } else {
        x.sendJson(200, response);
      }
    } catch (Exchange.NotFound e) {
      x.sendJson(404, error(e.getMessage()));
    } catch (Exchange.BadRequest e) {
      x.sendJson(400, error(e.getMessage()));
    } catch (FloeException e) {
      int status = switch (e.category()) {
        case USER -> 400;
        case CONFLICT -> 409;
        default -> 500;
      };
      x.sendJson(status, error(e.getMessage()));
    }
  }

  private record Accepted(Object body) {}

  private Object route(Exchange x, String method, String[] p) throws IOException {
    String first = p.length > 0 ? p[0] : "";
    boolean get = "GET".equals(method) || "HEAD".equals(method);
    switch (first) {
      case "runs" -> {
        if (p.length == 1 && get) {
          return runs(x.query());
        }
        if (p.length == 1 && "POST".equals(method)) {
          return trigger(x.json());
        }
        if (p.length == 2 && get) {
          return run(p[1]);
        }
        if (p.length == 3 && "cancel".equals(p[2]) && "POST".equals(method)) {
          if (!queue.cancel(p[1])) {
            throw FloeException.conflict("Run %s is not running in this server: nothing to cancel.", p[1]);
          }
          return new Accepted(Map.of("id", p[1], "cancelling", true));
        }
      }
      case "schedules" -> {
        if (p.length == 1 && get) {
          return Map.of("schedules", scheduler.views(5));
        }
        if (p.length == 3 && "POST".equals(method)) {
          switch (p[2]) {
            case "pause", "resume" -> {
              scheduler.setPaused(p[1], "pause".equals(p[2]));
              return Map.of("name", p[1], "paused", "pause".equals(p[2]));
            }
            case "trigger" -> {
              scheduler.trigger(p[1]);
              return new Accepted(Map.of("name", p[1], "triggered", true));
            }
            default -> throw new Exchange.NotFound("No action '" + p[2] + "': use pause, resume or trigger");
          }
        }
      }
      case "backfills" -> {
        if (p.length == 1 && get) {
          return Map.of("backfills", backfills.all());
        }
        if (p.length == 1 && "POST".equals(method)) {
          return new Accepted(backfills.create(backfillRequest(x.json())));
        }
        if (p.length == 2 && get) {
          return backfills.get(id(p[1]));
        }
        if (p.length == 3 && "retry".equals(p[2]) && "POST".equals(method)) {
          return new Accepted(Map.of("id", id(p[1]), "requeued", backfills.retry(id(p[1]))));
        }
        if (p.length == 3 && "cancel".equals(p[2]) && "POST".equals(method)) {
          return new Accepted(Map.of("id", id(p[1]), "cancelled", backfills.cancel(id(p[1]))));
        }
      }
      case "graph" -> {
        if (get) {
          return graph();
        }
      }
      case "tables" -> {
        if (p.length == 1 && get) {
          return tables();
        }
        if (p.length == 2 && get) {
          return table(p[1]);
        }
        if (p.length == 3 && "preview".equals(p[2]) && get) {
          return preview(p[1], x.query().get("snapshot"));
        }
      }
      case "charts" -> {
        if (get) {
          return Map.of("charts", charts());
        }
      }
      case "status" -> {
        return Map.of("project", project().config().name(), "running", queue.running().orElse(""),
            "queued", queue.queued());
      }
      default -> {
        // falls through to the 404 below
      }
    }
    throw new Exchange.NotFound("No API endpoint " + method + " /api/" + String.join("/", p)
        + ". See /api/openapi.json.");
  }

  private Map<String, Object> runs(Map<String, String> query) {
    int limit = integer(query.getOrDefault("limit", "100"), "limit");
    RunStatus status = null;
    if (query.containsKey("status") && !query.get("status").isEmpty()) {
      try {
        status = RunStatus.valueOf(query.get("status").toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new Exchange.BadRequest("Unknown status '" + query.get("status") + "': use one of "
            + java.util.Arrays.stream(RunStatus.values()).map(RunStatus::label).toList());
      }
    }
    String schedule = query.get("schedule");
    String prefix = schedule == null || schedule.isEmpty() ? null : "schedule " + schedule + ":";
    List<Map<String, Object>> runs = new ArrayList<>();
    synchronized (history) {
      for (RunStore.Run run : history.runs(Math.min(limit, 10_000), status, prefix)) {
        runs.add(runJson(run));
      }
    }
    return Map.of("runs", runs);
  }

  private static Map<String, Object> runJson(RunStore.Run run) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", run.id());
    json.put("command", run.command());
    json.put("status", run.status().label());
    json.put("startedAt", run.startedAt().toString());
    json.put("finishedAt", run.finishedAt().map(Instant::toString).orElse(null));
    json.put("seconds", Duration.between(run.startedAt(), run.finishedAt().orElse(Instant.now())).toMillis() / 1000.0);
    json.put("message", run.message());
    String command = run.command();
    json.put("schedule", command.startsWith("schedule ") && command.contains(":")
        ? command.substring("schedule ".length(), command.indexOf(':')) : null);
    return json;
  }

  private Map<String, Object> run(String id) {
    synchronized (history) {
      RunStore.Run run = history.run(id).orElseThrow(() -> new Exchange.NotFound("No run '" + id + "' in the history"));
      Map<String, Object> json = runJson(run);
      json.put("nodes", history.nodes(id));
      json.put("log", history.log(id));
      json.put("cancellable", queue.running().filter(id::equals).isPresent());
      return json;
    }
  }

  private Object trigger(JsonNode body) {
    RunRequest.Kind kind;
    String command = body.path("command").asText("build");
    try {
      kind = RunRequest.Kind.valueOf(command.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Exchange.BadRequest("Unknown command '" + command + "': use build, run, test or ingest");
    }
    if (body.has("vars") && !body.get("vars").isObject()) {
      throw new Exchange.BadRequest("'vars' must be an object of variables, e.g. {\"start_date\": \"2026-01-01\"}");
    }
    Map<String, Object> vars = body.has("vars")
        ? Exchange.JSON.convertValue(body.get("vars"), new com.fasterxml.jackson.core.type.TypeReference<
            LinkedHashMap<String, Object>>() { })
        : Map.of();
    RunRequest request = new RunRequest(kind, strings(body.path("select")), strings(body.path("sources")),
        body.path("ingest").asBoolean(true), body.path("fullRefresh").asBoolean(false), Optional.empty(),
        Optional.empty(), vars, Optional.empty());
    RunQueue.Submission submission = queue.submit(request);
    Map<String, Object> accepted = new LinkedHashMap<>();
    accepted.put("command", request.command());
    try {
      // The id is known when the run starts: at once unless another run is ahead of it.
      accepted.put("id", submission.started().get(2, TimeUnit.SECONDS));
      accepted.put("status", "running");
    } catch (TimeoutException e) {
      accepted.put("status", "queued");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof FloeException floe ? floe
          : FloeException.internal(e.getCause(), "The run could not start: %s", e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FloeException.cancelled("Interrupted while starting the run");
    }
    return new Accepted(accepted);
  }

  private static long id(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new Exchange.NotFound("No backfill '" + text + "': backfills are numbered 1, 2, ...");
    }
  }

  private Backfills.Request backfillRequest(JsonNode body) {
    Backfills.Interval interval;
    String intervalText = body.path("interval").asText("day");
    try {
      interval = Backfills.Interval.valueOf(intervalText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Exchange.BadRequest("Unknown interval '" + intervalText + "': use hour, day, week or month");
    }
    for (String field : List.of("start", "end")) {
      if (!body.hasNonNull(field)) {
        throw new Exchange.BadRequest("A backfill needs '" + field + "', e.g. {\"select\": [\"orders+\"], "
            + "\"start\": \"2026-01-01\", \"end\": \"2026-02-01\", \"interval\": \"day\"}");
      }
    }
    List<String> select = strings(body.path("select"));
    if (body.hasNonNull("schedule")) {
      String schedule = body.get("schedule").asText();
      select = scheduler.views(0).stream().filter(view -> view.name().equals(schedule)).findFirst()
          .map(Scheduler.View::select)
          .orElseThrow(() -> new Exchange.NotFound("No schedule '" + schedule + "' to take the selection from."));
    }
    return new Backfills.Request(select, body.get("start").asText(), body.get("end").asText(), interval,
        body.path("startVar").asText("start_date"), body.path("endVar").asText("end_date"),
        body.path("fullRefresh").asBoolean(false));
  }

  private Map<String, Object> graph() {
    ModelProject models = models();
    Map<String, RunStore.LatestNode> latest = new HashMap<>();
    synchronized (history) {
      for (RunStore.LatestNode node : history.latestNodes()) {
        latest.put(node.node().kind() + ":" + node.node().name(), node);
      }
    }
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (Node node : models.graph().nodes()) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("name", node.name());
      json.put("kind", node.kind().name().toLowerCase(Locale.ROOT));
      json.put("dependsOn", node.dependsOn());
      json.put("tags", node.tags());
      String kind = switch (node.kind()) {
        case SOURCE -> "source";
        case MODEL -> "model";
        case TEST -> "test";
      };
      RunStore.LatestNode last = latest.get(kind + ":" + node.name());
      if (last == null && node.kind() == Node.Kind.SOURCE) {
        last = latestSource(latest, node.name());
      }
      json.put("status", last == null ? null : last.node().status());
      json.put("lastRun", last == null ? null : last.runId());
      nodes.add(json);
    }
    // Tests are not nodes of the model graph (nothing reads them); the lineage shows them after what they test.
    for (io.floe.models.project.Model model : models.models().values()) {
      for (io.floe.models.test.DataTestDefinition test : model.properties()
          .map(io.floe.models.project.ModelProperties::tests).orElse(List.of())) {
        nodes.add(testNode(io.floe.models.test.DataTestQueries.name(test, model.name()), List.of(model.name()),
            latest));
      }
    }
    for (io.floe.models.project.SingularTest test : models.singularTests()) {
      nodes.add(testNode(test.name(), test.refs(), latest));
    }
    return Map.of("nodes", nodes);
  }

  private static Map<String, Object> testNode(String name, List<String> dependsOn,
      Map<String, RunStore.LatestNode> latest) {
    RunStore.LatestNode last = latest.get("test:" + name);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", name);
    json.put("kind", "test");
    json.put("dependsOn", dependsOn);
    json.put("tags", List.of());
    json.put("status", last == null ? null : last.node().status());
    json.put("lastRun", last == null ? null : last.runId());
    return json;
  }

  // A source node is named as models refer to it (e.g. raw.orders); its runs are recorded by the
  // source's name with the table as target.
  private static RunStore.LatestNode latestSource(Map<String, RunStore.LatestNode> latest, String name) {
    return latest.values().stream()
        .filter(n -> n.node().kind().equals("source") && n.node().target().equals(name))
        .max(java.util.Comparator.comparing(RunStore.LatestNode::runId))
        .orElse(null);
  }

  private Map<String, Object> tables() {
    List<Map<String, Object>> tables = new ArrayList<>();
    for (TableIdentifier identifier : engine.tables()) {
      Table table = engine.icebergCatalog().loadTable(identifier);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("name", identifier.toString());
      json.put("columns", table.schema().columns().size());
      json.put("snapshotId", table.currentSnapshot() == null ? null : table.currentSnapshot().snapshotId());
      json.put("committedAt", table.currentSnapshot() == null ? null
          : Instant.ofEpochMilli(table.currentSnapshot().timestampMillis()).toString());
      json.put("rows", table.currentSnapshot() == null ? 0
          : Long.parseLong(table.currentSnapshot().summary().getOrDefault("total-records", "0")));
      tables.add(json);
    }
    return Map.of("tables", tables);
  }

  private Map<String, Object> table(String name) {
    Table table = load(name);
    TableDescription description = TableDescription.of(name, table);
    TableVersions versions = new TableVersions(name, table);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", description.name());
    json.put("location", description.location());
    json.put("formatVersion", description.formatVersion());
    json.put("columns", description.columns());
    json.put("partitioning", description.partitioning());
    json.put("sortOrder", description.sortOrder());
    json.put("properties", description.sortedProperties());
    json.put("rows", description.rows());
    json.put("dataFiles", description.dataFiles());
    json.put("currentSnapshotId", description.currentSnapshotId());
    List<Map<String, Object>> snapshots = new ArrayList<>();
    versions.snapshots().forEach(s -> {
      Map<String, Object> snapshot = new LinkedHashMap<>();
      snapshot.put("snapshotId", Long.toString(s.snapshotId()));
      snapshot.put("parentId", s.parentId() == null ? null : Long.toString(s.parentId()));
      snapshot.put("committedAt", s.committedAt().toString());
      snapshot.put("operation", s.operation());
      snapshot.put("addedRecords", s.addedRecords());
      snapshot.put("deletedRecords", s.deletedRecords());
      snapshot.put("totalRecords", s.totalRecords());
      snapshot.put("current", s.current());
      snapshot.put("refs", s.refs());
      snapshots.add(snapshot);
    });
    json.put("snapshots", snapshots);
    List<Map<String, Object>> refs = new ArrayList<>();
    for (boolean branches : new boolean[] {true, false}) {
      versions.refs(branches).forEach(r -> refs.add(Map.of("name", r.name(), "type", r.type(),
          "snapshotId", Long.toString(r.snapshotId()))));
    }
    json.put("refs", refs);
    return json;
  }

  /**
   * Charts of the serving layer's tables (namespace {@code gold}, else the last one floe.yaml
   * declares), chosen from each table's columns: with a date column, its numeric columns over the
   * dates (summed per date; rates, ratios, factors and averages averaged); without one, the rows
   * per value of a column with a few distinct values (a segment, a status).
   */
  private List<Map<String, Object>> charts() {
    List<String> declared = project().config().namespaces();
    String layer = engine.tables().stream().anyMatch(t -> t.namespace().toString().equals("gold")) ? "gold"
        : declared.isEmpty() ? "gold" : declared.get(declared.size() - 1);
    List<Map<String, Object>> charts = new ArrayList<>();
    for (TableIdentifier identifier : engine.tables()) {
      if (!identifier.namespace().toString().equals(layer)) {
        continue;
      }
      Table table = engine.icebergCatalog().loadTable(identifier);
      if (table.currentSnapshot() == null) {
        continue;
      }
      String name = identifier.toString();
      String relation = engine.catalogName() + "." + name;
      List<org.apache.iceberg.types.Types.NestedField> columns = table.schema().columns();
      java.util.Optional<String> date = columns.stream()
          .filter(c -> c.type().typeId() == org.apache.iceberg.types.Type.TypeID.DATE).map(c -> c.name()).findFirst();
      List<String> measures = columns.stream().filter(c -> c.type().isPrimitiveType() && switch (c.type().typeId()) {
        case INTEGER, LONG, FLOAT, DOUBLE, DECIMAL -> true;
        default -> false;
      }).map(c -> c.name()).filter(c -> !c.endsWith("_id") && !c.equals("id")).limit(4).toList();
      if (date.isPresent() && !measures.isEmpty()) {
        List<String> aggregates = measures.stream().map(m -> (m.matches(".*(rate|ratio|factor|avg|average|pct|percent).*")
            ? "avg(" : "sum(") + quote(m) + ")").toList();
        QueryResult result = engine.sql("SELECT " + quote(date.get()) + ", " + String.join(", ", aggregates) + " FROM "
            + relation + " WHERE " + quote(date.get()) + " IS NOT NULL GROUP BY 1 ORDER BY 1 DESC LIMIT 366", 366);
        List<List<Object>> rows = new ArrayList<>(result.rows());
        java.util.Collections.reverse(rows);
        for (int i = 0; i < measures.size(); i++) {
          List<Object> x = new ArrayList<>();
          List<Object> y = new ArrayList<>();
          for (List<Object> row : rows) {
            x.add(String.valueOf(row.get(0)));
            y.add(row.get(i + 1) == null ? null : ((Number) row.get(i + 1)).doubleValue());
          }
          charts.add(chart(name, "line", date.get(), measures.get(i), x, y));
        }
        continue;
      }
      for (org.apache.iceberg.types.Types.NestedField column : columns) {
        if (column.type().typeId() != org.apache.iceberg.types.Type.TypeID.STRING || column.name().endsWith("_id")) {
          continue;
        }
        QueryResult result = engine.sql("SELECT " + quote(column.name()) + ", count(*) FROM " + relation
            + " GROUP BY 1 ORDER BY 2 DESC LIMIT 21", 21);
        if (result.rows().size() > 1 && result.rows().size() <= 20) {
          List<Object> x = new ArrayList<>();
          List<Object> y = new ArrayList<>();
          result.rows().forEach(row -> {
            x.add(String.valueOf(row.get(0)));
            y.add(((Number) row.get(1)).doubleValue());
          });
          charts.add(chart(name, "bar", column.name(), "rows", x, y));
          break;
        }
      }
    }
    return charts;
  }

  private static Map<String, Object> chart(String table, String kind, String x, String y, List<Object> xs,
      List<Object> ys) {
    Map<String, Object> chart = new LinkedHashMap<>();
    chart.put("table", table);
    chart.put("kind", kind);
    chart.put("x", x);
    chart.put("y", y);
    chart.put("xs", xs);
    chart.put("ys", ys);
    return chart;
  }

  private Map<String, Object> preview(String name, String snapshot) {
    load(name);
    String version = "";
    if (snapshot != null && !snapshot.isEmpty()) {
      if (!snapshot.matches("\\d+")) {
        throw new Exchange.BadRequest("snapshot must be a snapshot id (digits), got '" + snapshot + "'");
      }
      version = " VERSION AS OF " + snapshot;
    }
    QueryResult result = engine.sql("SELECT * FROM " + engine.catalogName() + "." + name + version + " LIMIT "
        + PREVIEW_ROWS, PREVIEW_ROWS);
    List<List<Object>> rows = new ArrayList<>();
    for (List<Object> row : result.rows()) {
      List<Object> values = new ArrayList<>();
      for (Object value : row) {
        values.add(value == null || value instanceof Number || value instanceof Boolean ? value : String.valueOf(value));
      }
      rows.add(values);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("columns", result.columns());
    json.put("types", result.types());
    json.put("rows", rows);
    json.put("snapshotId", snapshot);
    return json;
  }

  private Table load(String name) {
    if (!name.matches("[A-Za-z0-9_]+\\.[A-Za-z0-9_]+")) {
      throw new Exchange.BadRequest("A table is named namespace.table, e.g. gold.daily_metrics; got '" + name + "'");
    }
    try {
      return engine.table(name);
    } catch (FloeException e) {
      throw new Exchange.NotFound(e.getMessage());
    }
  }

  private Project project() {
    return Project.load(projectDir);
  }

  private record LoadedModels(String fingerprint, ModelProject models) {}

  private volatile LoadedModels loaded;

  // Loading renders every model (500 take a few hundred ms): kept while no file of the project changed.
  private ModelProject models() {
    String fingerprint = fingerprint();
    LoadedModels last = loaded;
    if (last != null && last.fingerprint().equals(fingerprint)) {
      return last.models();
    }
    ModelProject models = ModelProject.load(project());
    loaded = new LoadedModels(fingerprint, models);
    return models;
  }

  // Every file of the project but its state and data: path, size and modification time.
  private String fingerprint() {
    StringBuilder text = new StringBuilder();
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(projectDir)) {
      files.filter(file -> !file.startsWith(projectDir.resolve(".floe")) && !file.startsWith(projectDir.resolve("landing")))
          .filter(java.nio.file.Files::isRegularFile)
          .sorted()
          .forEach(file -> {
            try {
              java.nio.file.attribute.BasicFileAttributes attributes =
                  java.nio.file.Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
              text.append(file).append(attributes.size()).append(attributes.lastModifiedTime().toMillis()).append('\n');
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return text.toString();
  }

  private static List<String> strings(JsonNode node) {
    List<String> values = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(value -> values.add(value.asText()));
    } else if (node.isTextual() && !node.asText().isBlank()) {
      for (String value : node.asText().split(",")) {
        values.add(value.strip());
      }
    }
    return values;
  }

  private static int integer(String text, String name) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new Exchange.BadRequest(name + " must be a whole number, got '" + text + "'");
    }
  }

  private static Map<String, Object> error(String message) {
    return Map.of("error", String.valueOf(message));
  }

  /** For metrics: reads the history under the same lock as the API. */
  public <T> T withHistory(java.util.function.Function<RunStore, T> read) {
    synchronized (history) {
      return read.apply(history);
    }
  }
}
