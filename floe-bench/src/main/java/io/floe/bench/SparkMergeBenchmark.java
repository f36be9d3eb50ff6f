package io.floe.bench;

import io.floe.examples.ecommerce.GeneratedFile;
import io.floe.spark.FloeEngine;
import io.floe.spark.materialize.Materialization;
import io.floe.spark.materialize.MaterializeSpec;
import io.floe.spark.materialize.WriteTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmark 5, a MERGE of 10% changes into the largest table (customer_events): 6% of its keys
 * updated, 2% deleted and 2% new keys inserted, by a plain Spark {@code MERGE INTO} (Iceberg's
 * defaults: copy-on-write) and by Floe's merge materialization (an incremental model with
 * {@code unique_key} and {@code delete_condition: op = 'D'}, which first leaves out rows identical
 * to the table's, so that a rerun commits nothing). Each run starts from a fresh copy of the table
 * (untimed) and is checked against the row count the changes must leave. The same pair runs again
 * on merge-on-read tables ({@value #MOR_ID}): the MERGE then writes delete files for the changed
 * rows instead of rewriting the data files that hold them.
 */
final class SparkMergeBenchmark {
  static final String ID = "merge_10pct";
  static final String MOR_ID = "merge_10pct_mor";
  // Iceberg's row-level write modes: MERGE, and the UPDATE and DELETE a user may run on the table too.
  private static final String MERGE_ON_READ = "TBLPROPERTIES ('write.merge.mode' = 'merge-on-read',"
      + " 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')";
  private static final String NAMESPACE = PlainSpark.CATALOG + ".merge";
  private static final String BASE = NAMESPACE + ".base";
  private static final String TARGET = NAMESPACE + ".target";
  private static final String CHANGES = NAMESPACE + ".changes";

  private static final String FLOE_TARGET = "bench_merge.target";

  private final Runs runs;
  private final PlainSpark spark;
  private final FloeEngine floe;
  private final GeneratedFile largest;

  SparkMergeBenchmark(Runs runs, PlainSpark spark, FloeEngine floe, GeneratedFile largest) {
    this.runs = runs;
    this.spark = spark;
    this.floe = floe;
    this.largest = largest;
  }

  List<Figure> run() {
    List<String> columns = prepareBaseAndChanges();
    long expectedRows = expectedRowsAfterMerge(columns.get(0));
    List<Figure> figures = new ArrayList<>();
    figures.addAll(pair(ID, "", columns, expectedRows));
    figures.addAll(pair(MOR_ID, MERGE_ON_READ, columns, expectedRows));
    return figures;
  }

  // Spark's MERGE and Floe's merge on tables created with the same properties.
  private List<Figure> pair(String id, String properties, List<String> columns, long expectedRows) {
    String key = columns.get(0);
    String mode = properties.isEmpty() ? "" : " (merge-on-read)";
    List<Figure> figures = new ArrayList<>();
    figures.add(runs.measure(id, "spark", "Spark MERGE INTO (update, delete, insert) on an Iceberg table" + mode,
        () -> spark.sql("CREATE OR REPLACE TABLE " + TARGET + " USING iceberg " + properties + " AS SELECT * FROM "
            + BASE),
        () -> spark.sql(mergeStatement(columns)),
        () -> BenchChecks.rows("Spark's merged " + TARGET, spark.count(TARGET), expectedRows)));
    // Floe reads the same base and changes through the plain catalog, and writes a table of its own.
    spark.registerCatalogIn(floe.session());
    MaterializeSpec spec = new MaterializeSpec(FLOE_TARGET, io.floe.spark.materialize.Materializations.INCREMENTAL,
        MaterializeSpec.Strategy.MERGE, List.of(key), Optional.of("op = 'D'"), List.of(), List.of(), Map.of(),
        MaterializeSpec.OnSchemaChange.APPEND_NEW_COLUMNS, Optional.empty());
    figures.add(runs.measure(id, "floe", "Floe merge materialization (unique_key, delete_condition op = 'D')" + mode,
        () -> {
          SparkSession.setActiveSession(floe.session());
          floe.sql("CREATE NAMESPACE IF NOT EXISTS bench_merge", 0);
          floe.sql("DROP TABLE IF EXISTS " + FLOE_TARGET + " PURGE", 0);
          floe.sql("CREATE TABLE " + FLOE_TARGET + " " + properties + " AS SELECT * FROM " + BASE, 0);
        },
        () -> Materialization.of(spec).materialize(floe, spec, "SELECT * FROM " + CHANGES,
            new WriteTarget(FLOE_TARGET, Optional.empty())),
        () -> BenchChecks.rows("Floe's merged " + FLOE_TARGET, FloeIngestBenchmark.count(floe, FLOE_TARGET),
            expectedRows)));
    return figures;
  }

  /** The base table from the CSV file, and the changes: one row per changed key, with op U, D or I. */
  private List<String> prepareBaseAndChanges() {
    SparkSession session = spark.session();
    SparkSession.setActiveSession(session);
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + NAMESPACE);
    session.read().option("header", true).csv(largest.path().toAbsolutePath().toString()).createOrReplaceTempView(
        "merge_source");
    spark.sql("CREATE OR REPLACE TABLE " + BASE + " USING iceberg AS SELECT * FROM merge_source");
    List<String> columns = List.of(session.table(BASE).columns());
    String key = columns.get(0);
    String changedColumn = columns.get(3);
    String others = columns.stream().filter(c -> !c.equals(key) && !c.equals(changedColumn))
        .collect(Collectors.joining(", "));
    // Buckets of the key's hash: 0-5 update (6%), 6-7 delete (2%), 8-9 copied under a new key (2%).
    spark.sql("CREATE OR REPLACE TABLE " + CHANGES + " USING iceberg AS "
        + "WITH keyed AS (SELECT *, pmod(hash(" + key + "), 100) AS bucket, "
        + "row_number() OVER (PARTITION BY " + key + " ORDER BY " + key + ") AS nth FROM " + BASE
        + " WHERE " + key + " IS NOT NULL) "
        + "SELECT " + key + ", 'changed' AS " + changedColumn + ", " + others + ", 'U' AS op FROM keyed "
        + "WHERE nth = 1 AND bucket < 6 "
        + "UNION ALL SELECT " + key + ", " + changedColumn + ", " + others + ", 'D' AS op FROM keyed "
        + "WHERE nth = 1 AND bucket BETWEEN 6 AND 7 "
        + "UNION ALL SELECT concat('NEW', " + key + "), " + changedColumn + ", " + others + ", 'I' AS op FROM keyed "
        + "WHERE nth = 1 AND bucket BETWEEN 8 AND 9");
    return columns;
  }

  private long expectedRowsAfterMerge(String key) {
    SparkSession.setActiveSession(spark.session());
    long deleted = spark.session().sql("SELECT count(*) FROM " + BASE + " b JOIN " + CHANGES + " c ON b." + key
        + " = c." + key + " AND c.op = 'D'").first().getLong(0);
    long inserted = spark.session().sql("SELECT count(*) FROM " + CHANGES + " WHERE op = 'I'").first().getLong(0);
    return spark.count(BASE) - deleted + inserted;
  }

  private static String mergeStatement(List<String> columns) {
    String key = columns.get(0);
    String updates = columns.stream().filter(c -> !c.equals(key)).map(c -> "t." + c + " = c." + c)
        .collect(Collectors.joining(", "));
    String names = String.join(", ", columns);
    String values = columns.stream().map(c -> "c." + c).collect(Collectors.joining(", "));
    return "MERGE INTO " + TARGET + " t USING " + CHANGES + " c ON t." + key + " = c." + key
        + " WHEN MATCHED AND c.op = 'D' THEN DELETE"
        + " WHEN MATCHED THEN UPDATE SET " + updates
        + " WHEN NOT MATCHED AND c.op = 'I' THEN INSERT (" + names + ") VALUES (" + values + ")";
  }
}
