package io.floe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.examples.ecommerce.EcommerceDataGenerator;
import io.floe.examples.projects.ExampleProjects;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code floe serve} over real HTTP on 127.0.0.1: the e-commerce example (seed 002) built through
 * the API, its run, graph, tables and metrics read back, a schedule paused, resumed and triggered,
 * and the Iceberg REST endpoint used by Iceberg's own Java client and by a Spark session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FloeServerTest {
  private FloeServer server;
  private ServerClient client;
  private JsonNode build;

  @BeforeAll
  void buildTheExampleThroughTheApi(@TempDir Path workspace) throws IOException {
    Path shop = workspace.resolve("shop");
    ExampleProjects.copy(ExampleProjects.ECOMMERCE, shop);
    EcommerceDataGenerator.generate(shop.resolve("landing"), 3_000, 7);
    server = FloeServer.start(shop, FloeServer.Options.local(0));
    client = new ServerClient(server.url(), null);

    ServerClient.Answer started = client.post("/api/runs", "{\"command\": \"build\"}");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String id = started.json().path("id").asText();
    assertThat(id).isNotEmpty();
    build = client.awaitRun(id, Duration.ofMinutes(3));
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aBuildTriggeredOverHttpRunsAndIsRecordedWithItsNodes() {
    assertThat(build.path("status").asText()).as(build.toString()).isEqualTo("success");
    assertThat(build.path("command").asText()).isEqualTo("build");
    assertThat(build.path("message").asText()).contains("published to main");
    List<String> kinds = new ArrayList<>();
    build.path("nodes").forEach(node -> kinds.add(node.path("kind").asText() + ":" + node.path("name").asText()));
    assertThat(kinds).contains("source:customer_events", "model:gold_daily_metrics");
    assertThat(kinds).anyMatch(kind -> kind.startsWith("test:"));

    JsonNode runs = client.get("/api/runs?status=success").json().path("runs");
    assertThat(runs.findValuesAsText("id")).contains(build.path("id").asText());
    assertThat(client.get("/api/runs?status=failed").json().path("runs")).isEmpty();
    assertThat(client.get("/api/runs/nope").status()).isEqualTo(404);
    assertThat(client.get("/api/runs?status=bogus").status()).isEqualTo(400);
  }

  @Test
  void theGraphCarriesEachNodesLastOutcome() {
    JsonNode nodes = client.get("/api/graph").json().path("nodes");
    JsonNode gold = find(nodes, "gold_daily_metrics");
    assertThat(gold.path("kind").asText()).isEqualTo("model");
    // Its outcome in the last run that had it: the build above, or a later one (the schedule's) that found
    // it unchanged, nothing new having arrived.
    JsonNode inRun = find(client.get("/api/runs/" + gold.path("lastRun").asText()).json().path("nodes"),
        "gold_daily_metrics");
    assertThat(gold.path("status").asText()).isEqualTo(inRun.path("status").asText()).isIn("success", "unchanged");
    assertThat(gold.path("dependsOn").size()).isPositive();
    JsonNode source = find(nodes, "raw.customer_events");
    assertThat(source.path("kind").asText()).isEqualTo("source");
    assertThat(source.path("status").asText()).isEqualTo("success");
  }

  @Test
  void tablesShowSchemaSnapshotsAndAPreviewAtAnySnapshot() {
    JsonNode tables = client.get("/api/tables").json().path("tables");
    assertThat(tables.findValuesAsText("name")).contains("gold.daily_metrics", "raw.customer_events");
    JsonNode table = client.get("/api/tables/raw.customer_events").json();
    assertThat(table.path("columns").findValuesAsText("name")).contains("event_id", "event_timestamp");
    assertThat(table.path("refs").findValuesAsText("name")).contains("main");
    String snapshot = table.path("snapshots").get(0).path("snapshotId").asText();
    JsonNode preview = client.get("/api/tables/raw.customer_events/preview?snapshot=" + snapshot).json();
    List<String> columns = new ArrayList<>();
    preview.path("columns").forEach(column -> columns.add(column.asText()));
    assertThat(columns).contains("event_id", "customer_id");
    assertThat(preview.path("rows").size()).isEqualTo(50);
    assertThat(client.get("/api/tables/gold.nope").status()).isEqualTo(404);
    assertThat(client.get("/api/tables/gold.daily_metrics/preview?snapshot=x;drop").status()).isEqualTo(400);
  }

  @Test
  void theExamplesHourlyScheduleIsPausedResumedAndTriggered() {
    JsonNode hourly = client.get("/api/schedules").json().path("schedules").get(0);
    assertThat(hourly.path("name").asText()).isEqualTo("hourly");
    assertThat(hourly.path("paused").asBoolean()).isFalse();
    assertThat(hourly.path("nextRuns").size()).isEqualTo(5);
    assertThat(hourly.path("nextRuns").get(0).asText()).endsWith(":15Z");

    assertThat(client.post("/api/schedules/hourly/pause", "").json().path("paused").asBoolean()).isTrue();
    assertThat(client.get("/api/schedules").json().path("schedules").get(0).path("paused").asBoolean()).isTrue();
    client.post("/api/schedules/hourly/resume", "");
    assertThat(client.get("/api/schedules").json().path("schedules").get(0).path("paused").asBoolean()).isFalse();
    assertThat(client.post("/api/schedules/nope/trigger", "").status()).isEqualTo(404);

    assertThat(client.post("/api/schedules/hourly/trigger", "").status()).isEqualTo(202);
    JsonNode run = awaitScheduleRun("hourly");
    assertThat(run.path("command").asText()).isEqualTo("schedule hourly: ingest customer_events "
        + "payment_transactions inventory_snapshots support_tickets then build --no-ingest -s "
        + "tag:bronze,tag:silver,tag:gold");
    assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("success");
    assertThat(run.path("message").asText()).containsAnyOf("published to main", "nothing changed");
    List<String> loaded = new ArrayList<>();
    run.path("nodes").forEach(node -> loaded.add(node.path("kind").asText() + ":" + node.path("detail").asText()));
    assertThat(loaded).contains("source:nothing new");
  }

  @Test
  void chartsShowTheGoldTablesOverTimeAndBySegment() {
    JsonNode charts = client.get("/api/charts").json().path("charts");
    JsonNode revenue = null;
    JsonNode segments = null;
    for (JsonNode chart : charts) {
      String table = chart.path("table").asText();
      assertThat(table).startsWith("gold.");
      if (table.equals("gold.daily_metrics") && chart.path("y").asText().equals("total_revenue")) {
        revenue = chart;
      }
      if (table.equals("gold.customer_summary")) {
        segments = chart;
      }
    }
    assertThat(revenue).as(charts.toString()).isNotNull();
    assertThat(revenue.path("kind").asText()).isEqualTo("line");
    assertThat(revenue.path("x").asText()).isEqualTo("metric_date");
    assertThat(revenue.path("xs").size()).isPositive().isEqualTo(revenue.path("ys").size());
    long days = Long.parseLong(client.get("/api/tables/gold.daily_metrics").json().path("rows").asText());
    assertThat(revenue.path("xs").size()).isEqualTo((int) Math.min(days, 366));
    assertThat(segments).as(charts.toString()).isNotNull();
    assertThat(segments.path("kind").asText()).isEqualTo("bar");
    double customers = 0;
    for (JsonNode count : segments.path("ys")) {
      customers += count.asDouble();
    }
    assertThat((long) customers).isEqualTo(client.get("/api/tables/gold.customer_summary").json().path("rows").asLong());
  }

  @Test
  void metricsAreInPrometheusFormat() {
    ServerClient.Answer metrics = client.get("/metrics");
    assertThat(metrics.contentType()).startsWith("text/plain; version=0.0.4");
    assertThat(metrics.body())
        .contains("# TYPE floe_runs gauge")
        .containsPattern("floe_runs\\{status=\"success\"\\} [1-9]")
        .contains("floe_node_rows{kind=\"model\",name=\"gold_daily_metrics\"}")
        .contains("floe_test_failures{test=");
    assertThat(client.get("/health").json().path("status").asText()).isEqualTo("ready");
    assertThat(client.get("/").body()).contains("<title>Floe</title>");
    assertThat(client.get("/api/openapi.json").json().path("paths").has("/api/runs")).isTrue();
  }

  @Test
  void icebergsOwnRestClientListsLoadsAndWritesThroughTheEndpoint() throws IOException {
    try (RESTCatalog catalog = new RESTCatalog()) {
      catalog.initialize("floe", Map.of("uri", server.url() + "/iceberg"));
      assertThat(catalog.listNamespaces()).contains(Namespace.of("gold"), Namespace.of("raw"));
      assertThat(catalog.listTables(Namespace.of("gold"))).contains(TableIdentifier.of("gold", "daily_metrics"));
      Table table = catalog.loadTable(TableIdentifier.of("raw", "customer_events"));
      assertThat(table.schema().findField("event_id")).isNotNull();
      assertThat(table.currentSnapshot().summary().get("total-records")).isNotNull();

      Namespace scratch = Namespace.of("scratch_rest");
      catalog.createNamespace(scratch);
      Table created = catalog.createTable(TableIdentifier.of(scratch, "notes"),
          new Schema(Types.NestedField.required(1, "id", Types.LongType.get())));
      assertThat(created.schema().columns()).hasSize(1);
      assertThat(client.get("/api/tables").json().path("tables").findValuesAsText("name"))
          .contains("scratch_rest.notes");
      catalog.dropTable(TableIdentifier.of(scratch, "notes"));
      catalog.dropNamespace(scratch);
    }
    assertThat(client.get("/iceberg/v1/namespaces/nope/tables/x").status()).isEqualTo(404);
    assertThat(client.get("/iceberg/v1/config").json().path("endpoints").toString())
        .contains("GET /v1/{prefix}/namespaces/{namespace}/tables/{table}");
  }

  @Test
  void aSparkSessionReadsAndWritesEveryTableThroughTheEndpoint() {
    SparkSession spark = SparkSession.getDefaultSession().get();
    spark.conf().set("spark.sql.catalog.served", "org.apache.iceberg.spark.SparkCatalog");
    spark.conf().set("spark.sql.catalog.served.type", "rest");
    spark.conf().set("spark.sql.catalog.served.uri", server.url() + "/iceberg");
    for (JsonNode table : client.get("/api/tables").json().path("tables")) {
      String name = table.path("name").asText();
      long rows = spark.sql("SELECT count(*) FROM served." + name).first().getLong(0);
      assertThat(rows).as(name).isEqualTo(table.path("rows").asLong());
    }
    spark.sql("CREATE NAMESPACE IF NOT EXISTS served.scratch_spark");
    spark.sql("CREATE TABLE served.scratch_spark.t (id bigint) USING iceberg");
    spark.sql("INSERT INTO served.scratch_spark.t VALUES (1), (2), (3)");
    JsonNode written = client.get("/api/tables/scratch_spark.t").json();
    assertThat(written.path("rows").asLong()).isEqualTo(3);
    spark.sql("DROP TABLE served.scratch_spark.t");
  }

  private JsonNode awaitScheduleRun(String schedule) {
    for (int i = 0; i < 100; i++) {
      JsonNode runs = client.get("/api/runs?schedule=" + schedule).json().path("runs");
      if (runs.size() > 0) {
        return client.awaitRun(runs.get(0).path("id").asText(), Duration.ofMinutes(2));
      }
      sleep();
    }
    throw new AssertionError("No run of schedule " + schedule + " started");
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static JsonNode find(JsonNode nodes, String name) {
    for (JsonNode node : nodes) {
      if (node.path("name").asText().equals(name)) {
        return node;
      }
    }
    throw new AssertionError("No node " + name + " in " + nodes);
  }
}
