package io.floe.bench;

import io.floe.core.maintenance.MaintenancePolicy;
import io.floe.spark.FloeEngine;
import io.floe.spark.maintenance.MaintenanceResult;
import io.floe.spark.maintenance.TableMaintenance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.BiFunction;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.iceberg.shaded.org.apache.parquet.schema.MessageType;
import org.apache.iceberg.types.Types;

/**
 * Benchmark 11, table maintenance (issue 20): a table receives {@code commits} small commits (one
 * small Parquet file of 100 rows each, appended through Iceberg's Java API, as a source committing
 * every second for an hour would), with automatic maintenance off. A query (a count and a group by)
 * is timed over it (each timed run follows one untimed run of the same query, so neither side pays
 * for the first query's warm-up), then {@code floe maintain}'s work on it (compaction, manifest rewrite, orphan
 * listing, by the default policy), then the same query again. The labels carry the data files and
 * manifests before and after. Then the same commits go to a second table with automatic maintenance
 * as a run does it (after each commit, the default policy's check, and its work when due), against
 * the same commits without: the labels carry the most data files the table had at any time.
 */
final class MaintenanceBenchmark {
  static final String QUERY = "maintenance_query";
  static final String MAINTAIN = "maintenance";
  static final String AUTO = "maintenance_auto";
  static final int ROWS_PER_COMMIT = 100;
  private static final String TABLE = "bench_maintenance.events";
  private static final String AUTO_TABLE = "bench_maintenance.events_auto";
  private static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "id", Types.LongType.get()),
      Types.NestedField.required(2, "kind", Types.StringType.get()),
      Types.NestedField.required(3, "amount", Types.DoubleType.get()));
  private static final String SQL = "SELECT kind, count(*) AS n, sum(amount) AS total FROM " + TABLE
      + " GROUP BY kind ORDER BY kind";

  private final Runs runs;
  private final FloeEngine floe;
  private final int commits;

  MaintenanceBenchmark(Runs runs, FloeEngine floe, int commits) {
    this.runs = runs;
    this.floe = floe;
    this.commits = commits;
  }

  /** 3,600 commits at the default 1,000,000 rows, in proportion below, at least 60 (CI's quick run). */
  static int commits(long csvRows) {
    return (int) Math.max(60, Math.min(3_600, csvRows * 3_600 / 1_000_000));
  }

  List<Figure> run() {
    Table table = commitSmallFiles();
    long rows = (long) commits * ROWS_PER_COMMIT;
    List<Figure> figures = new ArrayList<>();
    long filesBefore = TableMaintenance.dataFiles(table);
    long manifestsBefore = TableMaintenance.manifests(table);
    figures.add(runs.measure(QUERY, "before_maintenance", String.format(Locale.ROOT,
        "count + group by over %,d commits: %,d data files, %,d manifests", commits, filesBefore, manifestsBefore),
        this::query, this::query, () -> BenchChecks.rows(TABLE, FloeIngestBenchmark.count(floe, TABLE), rows)));
    MaintenanceResult[] result = new MaintenanceResult[1];
    // Maintenance changes the table: it is timed once, as a user runs it once.
    Figure maintain = new Runs(1).measure(MAINTAIN, "floe_maintain", "floe maintain on the table (default policy)",
        () -> { }, () -> result[0] = new TableMaintenance(floe).maintain(TABLE, MaintenancePolicy.DEFAULTS, true,
            step -> { }),
        () -> BenchChecks.rows(TABLE + " after maintenance", FloeIngestBenchmark.count(floe, TABLE), rows));
    figures.add(new Figure(maintain.benchmark(), maintain.tool(), String.format(Locale.ROOT,
        "floe maintain (default policy): %,d -> %,d data files, %,d -> %,d manifests", result[0].filesBefore(),
        result[0].filesAfter(), result[0].manifestsBefore(), result[0].manifestsAfter()), maintain.seconds(),
        maintain.peakHeapBytes(), maintain.peakRssBytes(), null, java.util.Map.of()));
    figures.add(runs.measure(QUERY, "after_maintenance", String.format(Locale.ROOT,
        "the same query after floe maintain: %,d data files, %,d manifests", result[0].filesAfter(),
        result[0].manifestsAfter()),
        this::query, this::query, () -> BenchChecks.rows(TABLE, FloeIngestBenchmark.count(floe, TABLE), rows)));
    floe.sql("DROP TABLE IF EXISTS " + TABLE + " PURGE", 0);
    figures.addAll(autoMaintenance());
    return figures;
  }

  // The commits a source makes, without and with the check-and-maintain that follows each commit of a
  // run (FloeRuntime's automatic maintenance): is the number of files bounded, and what does it cost.
  private List<Figure> autoMaintenance() {
    List<Figure> figures = new ArrayList<>();
    long[] most = new long[2];
    Figure without = new Runs(1).measure(AUTO, "commits_only", "commits only", () -> { },
        () -> most[0] = commitAll(createTable(AUTO_TABLE), AUTO_TABLE, false),
        () -> BenchChecks.rows(AUTO_TABLE, FloeIngestBenchmark.count(floe, AUTO_TABLE), (long) commits * ROWS_PER_COMMIT));
    figures.add(relabel(without, String.format(Locale.ROOT,
        "%,d commits of 100 rows, maintenance off: up to %,d data files", commits, most[0])));
    Figure with = new Runs(1).measure(AUTO, "commits_with_auto_maintenance", "commits with automatic maintenance",
        () -> { }, () -> most[1] = commitAll(createTable(AUTO_TABLE), AUTO_TABLE, true),
        () -> BenchChecks.rows(AUTO_TABLE, FloeIngestBenchmark.count(floe, AUTO_TABLE), (long) commits * ROWS_PER_COMMIT));
    figures.add(relabel(with, String.format(Locale.ROOT,
        "the same commits, each followed by automatic maintenance (default policy): up to %,d data files",
        most[1])));
    floe.sql("DROP TABLE IF EXISTS " + AUTO_TABLE + " PURGE", 0);
    return figures;
  }

  private static Figure relabel(Figure figure, String label) {
    return new Figure(figure.benchmark(), figure.tool(), label, figure.seconds(), figure.peakHeapBytes(),
        figure.peakRssBytes(), null, java.util.Map.of());
  }

  /** Commits {@code commits} small files to {@code table}; returns the most data files it had at once. */
  private long commitAll(Table table, String name, boolean autoMaintain) {
    TableMaintenance maintenance = new TableMaintenance(floe);
    long most = 0;
    long id = 0;
    for (int commit = 0; commit < commits; commit++, id += ROWS_PER_COMMIT) {
      appendSmallFile(table, commit, id);
      // Counted before maintenance: the most a reader can meet.
      most = Math.max(most, TableMaintenance.dataFiles(table));
      if (autoMaintain && maintenance.due(table, MaintenancePolicy.DEFAULTS, false).any()) {
        maintenance.maintain(name, MaintenancePolicy.DEFAULTS, false, step -> { });
        table.refresh();
      }
    }
    return most;
  }

  private void query() {
    floe.sql(SQL, 100);
  }

  // Untimed: the commits a source committing every second for an hour makes, without maintenance.
  private Table commitSmallFiles() {
    Table table = createTable(TABLE);
    long id = 0;
    for (int commit = 0; commit < commits; commit++, id += ROWS_PER_COMMIT) {
      appendSmallFile(table, commit, id);
    }
    table.refresh();
    return table;
  }

  private Table createTable(String name) {
    floe.sql("CREATE NAMESPACE IF NOT EXISTS bench_maintenance", 0);
    floe.sql("DROP TABLE IF EXISTS " + name + " PURGE", 0);
    return floe.icebergCatalog().createTable(TableIdentifier.parse(name), SCHEMA,
        PartitionSpec.unpartitioned(), java.util.Map.of("format-version", "2"));
  }

  /** One commit: a Parquet file of {@code ROWS_PER_COMMIT} rows from id {@code firstId}, appended. */
  private static void appendSmallFile(Table table, int commit, long firstId) {
    BiFunction<Schema, MessageType, ParquetValueWriter<?>> writers = GenericParquetWriter::create;
    String path = table.locationProvider().newDataLocation("commit-" + commit + "-" + UUID.randomUUID()
        + ".parquet");
    DataWriter<Record> writer;
    try {
      writer = Parquet.writeData(table.io().newOutputFile(path)).schema(SCHEMA).createWriterFunc(writers)
          .withSpec(PartitionSpec.unpartitioned()).overwrite().build();
      try (DataWriter<Record> closing = writer) {
        for (long id = firstId; id < firstId + ROWS_PER_COMMIT; id++) {
          GenericRecord record = GenericRecord.create(SCHEMA);
          record.setField("id", id);
          record.setField("kind", "kind_" + (id % 7));
          record.setField("amount", (id % 1000) / 10.0);
          closing.write(record);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + path, e);
    }
    AppendFiles append = table.newAppend();
    append.appendFile(writer.toDataFile());
    append.commit();
  }
}
