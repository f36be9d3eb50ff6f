package io.floe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./bench --quick}, as CI runs it: every figure is a number or says why it is not one. */
class QuickBenchTest {
  @TempDir
  Path dir;

  @Test
  void quickRunReportsEveryBenchmarkWithFiguresOrTheReasonForNone() throws Exception {
    ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    Path docs = dir.resolve("docs/benchmarks.md");
    Path json = BenchMain.run(BenchOptions.parse("--quick", "--out", dir.resolve("out").toString(), "--write-docs",
        "--docs", docs.toString()), new PrintStream(terminal, true, StandardCharsets.UTF_8));

    JsonNode report = new ObjectMapper().readTree(json.toFile());
    Map<String, JsonNode> figures = new LinkedHashMap<>();
    report.get("figures").forEach(f -> figures.put(f.get("benchmark").asText() + "/" + f.get("tool").asText(), f));
    assertThat(figures).containsOnlyKeys("csv_to_bronze/duckdb", "csv_to_bronze/spark", "csv_to_bronze/floe",
        "postgres_to_bronze/postgres_copy", "postgres_to_bronze/floe", "ecommerce_build/floe",
        "incremental_rerun/floe", "merge_10pct/spark", "merge_10pct/floe");
    for (String measured : new String[] {"csv_to_bronze/duckdb", "csv_to_bronze/spark", "csv_to_bronze/floe",
        "postgres_to_bronze/postgres_copy", "merge_10pct/spark"}) {
      assertMeasured(figures.get(measured));
    }
    JsonNode floePostgres = figures.get("postgres_to_bronze/floe");
    if (FloeIngestBenchmark.postgresConnectorAvailable()) {
      assertMeasured(floePostgres);
    } else {
      assertThat(floePostgres.get("status").asText()).isEqualTo("n/a (floe-ingest-postgres not available)");
    }
    assertThat(figures.get("ecommerce_build/floe").get("status").asText()).isEqualTo("n/a (models not built yet)");
    assertThat(figures.get("incremental_rerun/floe").get("status").asText()).isEqualTo("n/a (models not built yet)");
    assertThat(figures.get("merge_10pct/floe").get("status").asText())
        .isEqualTo("n/a (merge materialization not built yet)");
    assertThat(figures.get("csv_to_bronze/floe").get("ratio_to").fieldNames()).toIterable()
        .containsExactly("duckdb", "spark");
    assertThat(report.get("machine").get("cores").asInt()).isPositive();
    assertThat(report.get("data").get("csv_files").get("total").get("rows").asLong())
        .isEqualTo(BenchOptions.QUICK_CSV_ROWS);

    assertThat(terminal.toString(StandardCharsets.UTF_8)).contains("csv_to_bronze", "merge_10pct",
        "n/a (models not built yet)");
    assertThat(Files.readString(docs)).contains("# Benchmarks", "## 1. CSV -> bronze", "| duckdb |",
        report.get("machine").get("cpu").asText());
    assertThat(dir.resolve("out/work")).doesNotExist();
  }

  private static void assertMeasured(JsonNode figure) {
    assertThat(figure.get("status").asText()).as(figure.toString()).isEqualTo("ok");
    assertThat(figure.get("seconds")).hasSize(1);
    for (String field : new String[] {"median_seconds", "min_seconds", "max_seconds"}) {
      assertThat(figure.get(field).isNumber()).as(field).isTrue();
      assertThat(figure.get(field).asDouble()).as(field).isPositive();
    }
    assertThat(figure.get("peak_heap_mb").asLong()).isPositive();
  }
}
