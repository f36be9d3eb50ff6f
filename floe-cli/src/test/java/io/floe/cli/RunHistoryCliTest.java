package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run history a user reads with {@code floe runs}: an ingest + build run with its batches,
 * models and tests, and a build killed with SIGKILL, marked interrupted by the next run, which also
 * removes what it left (run branches, a table it created and never published).
 */
class RunHistoryCliTest {
  @TempDir Path project;

  @Test
  void runsShowListsTheBatchesModelsAndTestsOfABuild() throws IOException {
    layout();

    floe(project, "build").ok();

    String runs = floe(project, "runs", "-o", "csv").ok();
    String runId = runs.lines().skip(1).reduce((a, b) -> b).orElseThrow().split(",")[0];
    assertThat(runs).contains(runId + ",build,success,");
    String show = floe(project, "runs", "show", runId).ok();
    assertThat(show).startsWith("Run " + runId + ": build, success");
    assertThat(show).containsPattern("\\| batch +\\| orders +\\| raw\\.orders +\\| success +\\| 3 ");
    assertThat(show).containsPattern("\\| source +\\| orders +\\| raw\\.orders +\\| success +\\| 3 ");
    assertThat(show).containsPattern("\\| model +\\| order_totals +\\| gold\\.order_totals +\\| success ");
    assertThat(show).containsPattern("\\| test +\\| not_null\\(order_totals\\.id\\) +\\| order_totals +\\| pass ");
    assertThat(floe(project, "runs", "show", runId, "-o", "json").ok())
        .contains("\"kind\" : \"batch\"", "\"position\" : \"[\\\"landing/orders_1.csv\\\"]\"");
    // What each model's and test's Spark jobs did: the model read the 3 loaded rows and wrote 3.
    assertThat(show).containsPattern("\\| model +\\| order_totals .*\\| \\d+\\.\\d s cpu, read 3 rows, wrote 3 rows +\\|");
    JsonNode nodes = new ObjectMapper().readTree(floe(project, "runs", "show", runId, "-o", "json").ok()).path("nodes");
    JsonNode model = node(nodes, "model", "order_totals").path("spark");
    assertThat(model.path("jobs").asLong()).isPositive();
    assertThat(model.path("rows_read").asLong()).isEqualTo(3);
    assertThat(model.path("rows_written").asLong()).isEqualTo(3);
    // A test's row has the time its query took, as a model's does.
    assertThat(node(nodes, "test", "not_null(order_totals.id)").path("millis").asLong()).isPositive();
    JsonNode test = node(nodes, "test", "not_null(order_totals.id)").path("spark");
    assertThat(test.path("jobs").asLong()).isPositive();
    // (it reads no row: the files' null counts already answer not_null)
    assertThat(test.path("rows_written").asLong()).isZero();
    assertThat(node(nodes, "batch", "orders").path("spark").path("jobs").asLong()).as("no Spark job of its own")
        .isZero();
    // And what the whole JVM did meanwhile: the JIT's and the collector's share are not in the tasks' figures.
    assertThat(show).containsPattern("log: jvm: \\d+\\.\\d s wall, process cpu \\d+\\.\\d s, jit compilation "
        + "\\d+\\.\\d s, gc \\d+\\.\\d s");
    CliRun unknown = floe(project, "runs", "show", "nope");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("Cannot show run 'nope': there is no such run");
  }

  @Test
  void aKilledFirstBuildIsMarkedInterruptedAndTheNextBuildLeavesNoBranchBehind() throws Exception {
    layout();
    // A second model after a slow one: the kill lands while the run's branch of the first exists.
    // The kill follows the first model's line within milliseconds; the next build runs this in full.
    Files.writeString(project.resolve("models/gold/slow.sql"), """
        {{ config(materialized='table') }}
        select o.id, count(*) as n from {{ ref('order_totals') }} o cross join range(0, 5000000) group by o.id
        """);
    killDuringModels();
    // What a fast-path load killed mid-batch leaves: Parquet files no commit references.
    Path staged = Files.createDirectories(project.resolve(".floe/staging/batch-1")).resolve("part-0.parquet");
    Files.writeString(staged, "not referenced");

    floe(project, "build").ok();

    assertThat(project.resolve(".floe/staging")).isEmptyDirectory();

    assertThat(floe(project, "runs", "-o", "csv").ok().lines().skip(1).toList())
        .hasSize(2).first().asString().contains(",build,interrupted,");
    for (String table : List.of("gold.order_totals", "gold.slow", "raw.orders")) {
      assertThat(floe(project, "sql", "-o", "csv", "SELECT count(*) FROM " + table
          + ".refs WHERE name LIKE 'floe_%'").ok()).endsWith("0\n");
    }
    assertThat(floe(project, "sql", "-o", "csv", "SELECT id, total FROM gold.order_totals ORDER BY id").ok())
        .isEqualTo("id,total\n1,10.50\n2,20.00\n3,7.25\n");
  }

  @Test
  void aBuildStoppedWithSigtermIsCancelledPublishesNothingAndLeavesNoBranch() throws Exception {
    layout();
    floe(project, "build").ok();
    String main = "SELECT snapshot_id FROM gold.order_totals.refs WHERE name = 'main'";
    String before = floe(project, "sql", "-o", "csv", main).ok();
    Files.writeString(project.resolve("landing/orders_2.csv"), "id,amount\n4,1.00\n");
    Files.writeString(project.resolve("models/gold/slow.sql"), """
        {{ config(materialized='table') }}
        select o.id, count(*) as n from {{ ref('order_totals') }} o cross join range(0, 200000000000) group by o.id
        """);
    Process process = FloeProcess.start(project, false, "-v", "build");
    try (BufferedReader err = new BufferedReader(
        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = err.readLine()) != null && !line.contains("Model order_totals -> gold.order_totals")) {
        continue;
      }
      process.destroy(); // SIGTERM, as a service manager stops a process
      assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as("the run reports its cancel: exit code 130, not the signal's").isEqualTo(130);
    } finally {
      process.destroyForcibly();
    }

    String runs = floe(project, "runs", "-o", "csv").ok();
    assertThat(runs.lines().reduce((a, b) -> b).orElseThrow()).contains(",build,cancelled,");
    assertThat(floe(project, "sql", "-o", "csv", main).ok())
        .as("main of order_totals as before: the cancelled run published nothing").isEqualTo(before);
    assertThat(floe(project, "sql", "-o", "csv", "SELECT count(*) FROM gold.order_totals.refs WHERE name LIKE "
        + "'floe_%'").ok()).endsWith("0\n");
  }

  private void killDuringModels() throws IOException, InterruptedException {
    Process process = FloeProcess.start(project, false, "-v", "build");
    List<String> seen = new ArrayList<>();
    try (BufferedReader err = new BufferedReader(
        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = err.readLine()) != null) {
        seen.add(line);
        if (line.contains("Model order_totals -> gold.order_totals")) {
          break;
        }
      }
      assertThat(process.isAlive()).as("the build was running models; it printed: %s", seen).isTrue();
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }
    assertThat(process.exitValue()).as("killed by SIGKILL").isEqualTo(137);
  }

  private static JsonNode node(JsonNode nodes, String kind, String name) {
    for (JsonNode node : nodes) {
      if (node.path("kind").asText().equals(kind) && node.path("name").asText().equals(name)) {
        return node;
      }
    }
    throw new AssertionError("no " + kind + " " + name + " in " + nodes);
  }

  private void layout() throws IOException {
    Files.createDirectories(project.resolve("landing"));
    Files.createDirectories(project.resolve("models/gold"));
    Files.writeString(project.resolve("floe.yaml"), """
        name: history
        # Spark runs every query here: the spark column is what this test reads (DuckDB's work has none).
        engine: {master: "local[2]", local-sql: spark}
        namespaces: [raw, gold]
        sources:
          orders:
            type: csv
            path: landing/orders_*.csv
            target: raw.orders
        """);
    Files.writeString(project.resolve("landing/orders_1.csv"), "id,amount\n1,10.50\n2,20.00\n3,7.25\n");
    Files.writeString(project.resolve("models/gold/order_totals.sql"), """
        {{ config(materialized='table') }}
        select id, cast(amount as decimal(10,2)) as total from {{ source('raw', 'orders') }}
        """);
    Files.writeString(project.resolve("models/gold/schema.yml"), """
        models:
          - name: order_totals
            columns:
              - name: id
                tests: [not_null]
        """);
  }
}
