package io.floe.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.floe.examples.ecommerce.GeneratedData;
import io.floe.examples.ecommerce.GeneratedFile;
import io.floe.examples.meter.MeterCounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The figures of one bench run with what they were measured on, as a terminal table and as JSON.
 *
 * @param reference how fast the machine was at the start and at the end
 * @param csv the CSV files benchmarks 1 and 5 read
 * @param meter the rows of meter_data benchmark 2 read; null when it did not run (--only)
 */
record BenchReport(Instant started, double totalSeconds, MachineDescription machine, ReferenceWork reference,
    BenchOptions options,
    GeneratedData csv, MeterCounts meter, List<Figure> figures) {
  /** The benchmarks in report order, with their titles. */
  static final Map<String, String> TITLES = titles();

  BenchReport {
    figures = List.copyOf(figures);
  }

  private static Map<String, String> titles() {
    Map<String, String> titles = new LinkedHashMap<>();
    titles.put(CsvToBronzeBenchmark.ID, "1. CSV -> bronze");
    titles.put(PostgresToBronzeBenchmark.ID, "2. PostgreSQL -> bronze");
    titles.put(BenchRun.ECOMMERCE_BUILD, "3. e-commerce build (ingest, bronze, silver, gold, tests) and its pipeline peers");
    titles.put(EcommerceBuildBenchmark.MODELS, "3. e-commerce build, seconds per model");
    titles.put(EcommerceBuildBenchmark.WORK, "3. e-commerce build, where the CPU goes (Spark tasks per model, tests, JIT, GC)");
    titles.put(BenchRun.INCREMENTAL_RERUN, "4. incremental rerun with 1% new rows");
    titles.put(BenchRun.NOTHING_NEW_RERUN, "4. rerun with no new rows (the cost of any build)");
    titles.put(EcommerceS3Benchmark.ID, "11. e-commerce build with the warehouse on S3 (S3Proxy) vs the local disk");
    titles.put(SparkMergeBenchmark.ID, "5. MERGE of 10% changes into the largest table");
    titles.put(SparkMergeBenchmark.MOR_ID, "5. MERGE of 10% changes into the largest table, merge-on-read");
    titles.put(MeterVaultBenchmark.INITIAL, "6. meter data vault: the initial load from bronze");
    titles.put(MeterVaultBenchmark.INCREMENT, "6. meter data vault: the load after 1% new or changed rows");
    titles.put(CdcBenchmark.ID, "7. change data capture: PostgreSQL's log into a change table");
    titles.put(CdcBenchmark.LATENCY_P50, "7. change data capture: a change's latency at 1,000 changes/s, p50");
    titles.put(CdcBenchmark.FOLLOW_HOUR, "7. change data capture: following for an hour at 1,000 changes/s, with"
        + " automatic maintenance");
    titles.put(CdcBenchmark.LATENCY_P99, "7. change data capture: a change's latency at 1,000 changes/s, p99");
    titles.put(CdcBenchmark.ONE_TRANSACTION, "7. change data capture: one big transaction, one batch (memory)");
    titles.put(AuditBenchmark.INITIAL, "8. audit-log CDC: audit events to the current state and the history");
    titles.put(AuditBenchmark.INCREMENT, "8. audit-log CDC: the load after 1% more events");
    titles.put(HttpApiBenchmark.ID, "9. HTTP API: a paged JSON API into bronze");
    titles.put(MaintenanceBenchmark.QUERY, "11. maintenance: a query over a table of many small commits");
    titles.put(MaintenanceBenchmark.MAINTAIN, "11. maintenance: floe maintain on that table");
    titles.put(MaintenanceBenchmark.AUTO, "11. maintenance: the same commits with automatic maintenance (bounded files)");
    titles.put(ServeBenchmark.RUN_1PCT, "10. floe serve: a build triggered in a floe serve process after 1% new rows");
    titles.put(ServeBenchmark.RUN_1PCT_STEADY, "10. floe serve: the same, the server's third run or later");
    titles.put(ServeBenchmark.RUNS_PAGE, "10. floe serve: the runs page's answers, 1,000 runs in the history");
    titles.put(ServeBenchmark.LINEAGE_PAGE, "10. floe serve: the lineage page's answer, 500 models");
    titles.put(ServeBenchmark.LOAD_TABLE, "10. floe serve: the Iceberg REST catalog's load-table");
    return titles;
  }

  /**
   * The figures as a fixed-width table, one line per figure, grouped by benchmark, under a line with the
   * data they were measured on: a run's ratios compare only with those of a run of the same size (the
   * default is 1,000,000 CSV rows; docs/benchmarks.md is at 3,800,000).
   */
  String terminalTable() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(java.util.Locale.ROOT, "%,d CSV rows, %,d meter readings, %d run(s) per figure%n",
        options.csvRows(), options.readings(), options.runs()));
    String format = "%-18s %-28s %9s %9s %9s %9s %9s  %s%n";
    out.append(String.format(format, "benchmark", "tool", "median s", "min s", "max s", "heap MB", "RSS MB",
        "median vs peers"));
    for (Figure figure : figures) {
      if (figure.isMeasured()) {
        out.append(String.format(format, figure.benchmark(), figure.tool(), seconds(figure.median()),
            seconds(figure.min()), seconds(figure.max()), megabytes(figure.peakHeapBytes()),
            megabytes(figure.peakRssBytes()), ratios(figure)));
      } else {
        out.append(String.format("%-18s %-28s %s%n", figure.benchmark(), figure.tool(), figure.notAvailable()));
      }
    }
    return out.toString();
  }

  /** The report as JSON: machine, options, data and one object per figure. */
  String json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("started", started.toString());
    root.put("total_seconds", round(totalSeconds));
    root.put("machine", machine.asMap());
    Map<String, Object> referenceWork = new LinkedHashMap<>();
    referenceWork.put("what", ReferenceWork.WHAT);
    referenceWork.put("seconds_at_start", round(reference.secondsAtStart()));
    referenceWork.put("seconds_at_end", round(reference.secondsAtEnd()));
    root.put("reference_work", referenceWork);
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("csv_rows", options.csvRows());
    opts.put("readings", options.readings());
    opts.put("runs", options.runs());
    opts.put("seed", options.seed());
    opts.put("quick", options.quick());
    root.put("options", opts);
    root.put("data", data());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Figure figure : figures) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("benchmark", figure.benchmark());
      row.put("title", TITLES.get(figure.benchmark()));
      row.put("tool", figure.tool());
      row.put("label", figure.label());
      row.put("status", figure.isMeasured() ? "ok" : figure.notAvailable());
      if (figure.isMeasured()) {
        row.put("seconds", figure.seconds().stream().map(BenchReport::round).toList());
        row.put("median_seconds", round(figure.median()));
        row.put("min_seconds", round(figure.min()));
        row.put("max_seconds", round(figure.max()));
        row.put("peak_heap_mb", figure.peakHeapBytes() / 1_048_576);
        row.put("peak_rss_mb", figure.peakRssBytes() < 0 ? null : figure.peakRssBytes() / 1_048_576);
        Map<String, Double> ratios = new LinkedHashMap<>();
        figure.ratios().forEach((peer, ratio) -> ratios.put(peer, round(ratio)));
        row.put("ratio_to", ratios);
      }
      rows.add(row);
    }
    root.put("figures", rows);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the bench report as JSON: " + e.getMessage(), e);
    }
  }

  private Map<String, Object> data() {
    Map<String, Object> files = new LinkedHashMap<>();
    for (GeneratedFile file : csv.files()) {
      files.put(file.table(), Map.of("rows", file.rows(), "bytes", file.bytes()));
    }
    files.put("total", Map.of("rows", csv.totalRows(), "bytes", csv.totalBytes()));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("csv_files", files);
    if (meter != null) {
      Map<String, Object> meterData = new LinkedHashMap<>();
      meterData.put("customers", meter.customers());
      meterData.put("accounts", meter.accounts());
      meterData.put("assets", meter.assets());
      meterData.put("readings", meter.readings());
      data.put("meter_data", meterData);
    }
    return data;
  }

  static String seconds(double seconds) {
    return String.format("%.2f", seconds);
  }

  static String megabytes(long bytes) {
    return bytes < 0 ? "-" : String.valueOf(bytes / 1_048_576);
  }

  /** e.g. "0.31x spark, 0.25x floe": this median over each peer's. */
  static String ratios(Figure figure) {
    return figure.ratios().entrySet().stream()
        .map(entry -> ratio(entry.getValue()) + " " + entry.getKey())
        .collect(Collectors.joining(", "));
  }

  /** A ratio with two significant digits at least, e.g. 0.0044x, 0.31x, 2.50x, 225x. */
  static String ratio(double ratio) {
    if (ratio >= 100) {
      return String.format("%.0fx", ratio);
    }
    return ratio >= 0.1 ? String.format("%.2fx", ratio) : String.format("%.2gx", ratio);
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
