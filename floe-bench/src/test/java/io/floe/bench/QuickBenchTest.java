package io.floe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./bench --quick}, as CI runs it: every figure is a number or says why it is not one. Tagged
 * {@code bench-smoke}: {@code .ci/run} runs it after {@code ./mvnw -B verify}, outside verify's time.
 */
@Tag("bench-smoke")
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
    List<String> models = List.of("bronze_customer_events", "bronze_inventory_snapshots",
        "bronze_payment_transactions", "bronze_support_tickets", "silver_customer_sessions",
        "silver_inventory_health", "silver_payment_analysis", "silver_support_metrics", "gold_customer_summary",
        "gold_daily_metrics", "gold_product_summary");
    List<String> expected = new ArrayList<>(List.of("csv_to_bronze/duckdb", "csv_to_bronze/spark",
        "csv_to_bronze/floe", "postgres_to_bronze/postgres_copy", "postgres_to_bronze/floe", "ecommerce_build/floe",
        "ecommerce_build/floe_warm", "ecommerce_build/duckdb", "ecommerce_build/spark", "incremental_rerun/floe",
        "incremental_rerun/floe_scheduled", "incremental_rerun/floe_warm", "nothing_new_rerun/floe",
        "nothing_new_rerun/floe_warm", "ecommerce_s3/floe_local", "ecommerce_s3/floe_s3", "merge_10pct/spark", "merge_10pct/floe",
        "merge_10pct_mor/spark", "merge_10pct_mor/floe", "ecommerce_build/floe_serve", "incremental_rerun/floe_serve",
        "nothing_new_rerun/floe_serve"));
    List<String> vault = List.of("meter_vault/floe_warm", "meter_vault/floe_satellites",
        "meter_vault/spark_not_exists", "meter_vault_1pct/floe_warm", "meter_vault_1pct/floe_steady",
        "meter_vault_1pct/floe_satellites",
        "meter_vault_1pct/spark_not_exists");
    expected.addAll(vault);
    expected.addAll(List.of("cdc_changes/floe_cdc", "cdc_changes/debezium_embedded", "cdc_latency_p50/floe_cdc",
        "cdc_latency_p99/floe_cdc", "cdc_one_transaction/floe_cdc"));
    List<String> audit = List.of("audit_cdc/floe_warm", "audit_cdc/floe_mart", "audit_cdc/spark_merge",
        "audit_cdc_1pct/floe_warm", "audit_cdc_1pct/floe_mart", "audit_cdc_1pct/spark_merge");
    expected.addAll(audit);
    expected.addAll(List.of("http_api/floe", "http_api/java_http_loop"));
    List<String> serve = List.of("serve_run_1pct/floe_serve", "serve_run_1pct_steady/floe_serve",
        "serve_runs_page/floe_serve",
        "serve_lineage_page/floe_serve", "serve_load_table/floe_serve_rest", "serve_load_table/jdbc_catalog");
    expected.addAll(serve);
    List<String> maintenance = List.of("maintenance_query/before_maintenance", "maintenance/floe_maintain",
        "maintenance_query/after_maintenance", "maintenance_auto/commits_only",
        "maintenance_auto/commits_with_auto_maintenance");
    expected.addAll(maintenance);
    models.forEach(model -> expected.add("ecommerce_models/" + model));
    List<String> work = new ArrayList<>(List.of("all_tests", "jvm_process_cpu", "jvm_jit_compilation", "jvm_gc"));
    work.addAll(models);
    work.forEach(name -> expected.add("ecommerce_work/" + name));
    assertThat(figures).containsOnlyKeys(expected);
    for (String measured : new String[] {"csv_to_bronze/duckdb", "csv_to_bronze/spark", "csv_to_bronze/floe",
        "postgres_to_bronze/postgres_copy", "ecommerce_build/floe", "ecommerce_build/floe_warm",
        "ecommerce_build/duckdb", "ecommerce_build/spark",
        "incremental_rerun/floe_warm", "nothing_new_rerun/floe_warm", "merge_10pct/spark", "merge_10pct/floe",
        "merge_10pct_mor/spark", "merge_10pct_mor/floe", "ecommerce_build/floe_serve", "incremental_rerun/floe_serve",
        "nothing_new_rerun/floe_serve"}) {
      assertMeasured(figures.get(measured));
    }
    // The pipeline peers ran the same models (their gold tables checked equal to Floe's, or no figure).
    assertThat(figures.get("ecommerce_build/floe_warm").get("ratio_to").fieldNames()).toIterable()
        .containsExactly("floe", "duckdb", "spark", "floe_serve");
    // The engine up in a floe serve process: its 1% build against its own full build.
    assertThat(figures.get("incremental_rerun/floe_serve").get("ratio_to").fieldNames()).toIterable()
        .contains("full build (floe_serve)");
    // The build on S3 is two more full builds: --quick leaves it out, and says why.
    for (String skipped : new String[] {"ecommerce_s3/floe_local", "ecommerce_s3/floe_s3"}) {
      assertThat(figures.get(skipped).get("status").asText()).as(skipped).startsWith("n/a (not run with --quick");
    }
    vault.forEach(figure -> assertMeasured(figures.get(figure)));
    audit.forEach(figure -> assertMeasured(figures.get(figure)));
    assertThat(figures.get("audit_cdc_1pct/floe_warm").get("ratio_to").fieldNames()).toIterable()
        .containsExactly("initial load (floe_warm)", "floe_mart", "spark_merge");
    serve.forEach(figure -> assertMeasured(figures.get(figure)));
    maintenance.forEach(figure -> assertMeasured(figures.get(figure)));
    assertThat(figures.get("maintenance_query/after_maintenance").get("ratio_to").fieldNames()).toIterable()
        .containsExactly("before_maintenance");
    assertThat(figures.get("maintenance/floe_maintain").get("label").asText()).contains("60 -> 1 data files");
    // Without maintenance every commit's file stays; with it, compaction at 10 small files bounds them.
    assertThat(figures.get("maintenance_auto/commits_only").get("label").asText()).contains("up to 60 data files");
    assertThat(figures.get("maintenance_auto/commits_with_auto_maintenance").get("label").asText())
        .contains("up to 10 data files");
    assertThat(figures.get("serve_run_1pct/floe_serve").get("ratio_to").fieldNames()).toIterable()
        .containsExactly("cold full build (floe)");
    assertThat(figures.get("serve_run_1pct_steady/floe_serve").get("ratio_to").fieldNames()).toIterable()
        .containsExactly("cold full build (floe)");
    assertThat(figures.get("serve_load_table/floe_serve_rest").get("ratio_to").fieldNames()).toIterable()
        .containsExactly("jdbc_catalog");
    assertMeasured(figures.get("http_api/floe"));
    assertMeasured(figures.get("http_api/java_http_loop"));
    assertThat(figures.get("http_api/floe").get("ratio_to").fieldNames()).toIterable()
        .containsExactly("java_http_loop");
    assertMeasured(figures.get("cdc_changes/floe_cdc"));
    assertMeasured(figures.get("cdc_changes/debezium_embedded"));
    assertMeasured(figures.get("cdc_latency_p50/floe_cdc"));
    assertMeasured(figures.get("cdc_latency_p99/floe_cdc"));
    assertMeasured(figures.get("cdc_one_transaction/floe_cdc"));
    assertThat(figures.get("cdc_latency_p99/floe_cdc").get("label").asText()).contains("1,000 changes/s for 3 s");
    assertThat(figures.get("cdc_changes/floe_cdc").get("ratio_to").fieldNames()).toIterable()
        .containsExactly("debezium_embedded");
    assertThat(figures.get("meter_vault_1pct/floe_satellites").get("ratio_to").fieldNames()).toIterable()
        .containsExactly("initial load (floe_satellites)", "floe_warm", "floe_steady", "spark_not_exists");
    assertThat(figures.get("meter_vault_1pct/floe_steady").get("ratio_to").fieldNames()).toIterable()
        .containsExactly("initial load (floe_warm)", "floe_warm", "floe_satellites", "spark_not_exists");
    JsonNode floePostgres = figures.get("postgres_to_bronze/floe");
    if (FloeIngestBenchmark.postgresConnectorAvailable()) {
      assertMeasured(floePostgres);
    } else {
      assertThat(floePostgres.get("status").asText()).isEqualTo("n/a (floe-ingest-postgres not available)");
    }
    // Each model's seconds come from the run history of both builds (new JVM and warm).
    for (String model : models) {
      assertThat(figures.get("ecommerce_models/" + model).get("seconds")).as(model).hasSize(2);
    }
    // And where the CPU went in both, from the same history: each model's tasks, the tests', the JVM's.
    for (String name : work) {
      assertThat(figures.get("ecommerce_work/" + name).get("seconds")).as(name).hasSize(2);
      assertThat(figures.get("ecommerce_work/" + name).get("ratio_to").size()).as(name + " has no peers").isZero();
    }
    assertThat(figures.get("ecommerce_work/jvm_process_cpu").get("seconds").get(0).asDouble()).isPositive();
    // --quick leaves out the reruns in a new JVM, and says so.
    for (String skipped : new String[] {"incremental_rerun/floe", "incremental_rerun/floe_scheduled",
        "nothing_new_rerun/floe"}) {
      assertThat(figures.get(skipped).get("status").asText()).as(skipped)
          .isEqualTo(EcommerceBuildBenchmark.QUICK_SKIPS);
    }
    assertThat(figures.get("incremental_rerun/floe_warm").get("ratio_to").fieldNames()).toIterable()
        .containsExactly("full build (floe_warm)", "floe_serve");
    assertThat(figures.get("nothing_new_rerun/floe_warm").get("ratio_to").fieldNames()).toIterable()
        .containsExactly("full build (floe_warm)", "floe_serve");
    assertThat(figures.get("merge_10pct/floe").get("ratio_to").fieldNames()).toIterable().containsExactly("spark");
    assertThat(figures.get("merge_10pct_mor/floe").get("ratio_to").fieldNames()).toIterable().containsExactly("spark");
    assertThat(figures.get("csv_to_bronze/floe").get("ratio_to").fieldNames()).toIterable()
        .containsExactly("duckdb", "spark");
    assertThat(report.get("machine").get("cores").asInt()).isPositive();
    // The machine's speed, timed by the same fixed work before and after the figures.
    assertThat(report.get("reference_work").get("seconds_at_start").asDouble()).isPositive();
    assertThat(report.get("reference_work").get("seconds_at_end").asDouble()).isPositive();
    assertThat(report.get("data").get("csv_files").get("total").get("rows").asLong())
        .isEqualTo(BenchOptions.QUICK_CSV_ROWS);

    assertThat(terminal.toString(StandardCharsets.UTF_8)).contains("csv_to_bronze", "ecommerce_models",
        "silver_customer_sessions", "incremental_rerun", "merge_10pct")
        // the size the figures are of, above them (a partial run's default is not the docs' 3.8M rows)
        .contains("4,000 CSV rows, 2,000 meter readings, 1 run(s) per figure");
    assertThat(Files.readString(docs)).contains("# Benchmarks", "## 1. CSV -> bronze", "| duckdb |",
        "- Machine speed: the reference work (sorting the same 8M", "## 4. rerun with no new rows",
        "## 6. meter data vault: the load after 1% new or changed rows",
        "## 7. change data capture: PostgreSQL's log into a change table",
        "## 8. audit-log CDC: the load after 1% more events",
        "## 9. HTTP API: a paged JSON API into bronze",
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
