package io.floe.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.spark.FloeEngine;
import io.floe.spark.materialize.Materialization;
import io.floe.spark.materialize.MaterializeResult;
import io.floe.spark.materialize.MaterializeSpec;
import io.floe.spark.materialize.MaterializeSpec.OnSchemaChange;
import io.floe.spark.materialize.MaterializeSpec.Strategy;
import io.floe.spark.materialize.WriteTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incremental merge materialization with DuckDB on the class path: DuckDB merges, and the
 * table holds exactly what Spark's own {@code MERGE INTO} leaves in a copy of it, for updates,
 * identical rows, deletes of present and absent keys, new keys, a NULL key and NULL values, on a
 * copy-on-write and a merge-on-read table. What DuckDB does not merge (a row of the table meeting
 * two changes, a table with delete files) Spark does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DuckDbMergeTest {
  private static final String MERGE_INTO_SPARK = "MERGE INTO %s t USING (%s) s ON t.id = s.id"
      + " WHEN MATCHED AND s.op = 'D' THEN DELETE WHEN MATCHED THEN UPDATE SET *"
      + " WHEN NOT MATCHED AND s.op <> 'D' THEN INSERT *";

  @TempDir static Path dir;
  FloeEngine engine;

  @BeforeAll
  void open() throws IOException {
    Files.writeString(dir.resolve("floe.yaml"), "name: m\nengine:\n  shuffle-partitions: 2\n");
    engine = FloeEngine.open(Project.load(dir));
  }

  @AfterAll
  void close() {
    engine.close();
  }

  @Test
  void duckDbMergesExactlyAsSparksMergeIntoAndARerunCommitsNothing() {
    table("silver.target", "copy-on-write");
    // Updates, identical rows (a NULL amount among them), deletes of present and absent keys, new
    // keys, a NULL key, an update to NULL.
    sql("CREATE TABLE silver.changes USING iceberg AS"
        + " SELECT id, concat('u', id) AS name, amount, ts, 'U' AS op FROM silver.target WHERE id < 100"
        + " UNION ALL SELECT * FROM silver.target WHERE id BETWEEN 100 AND 199 OR id = 291"
        + " UNION ALL SELECT id, name, amount, ts, 'D' FROM silver.target WHERE id BETWEEN 200 AND 249"
        + " UNION ALL SELECT CAST(id AS INT), 'gone', NULL, NULL, 'D' FROM range(5000, 5010)"
        + " UNION ALL SELECT CAST(id AS INT), concat('n', id), CAST(id AS DECIMAL(10,2)), TIMESTAMP '2024-05-01 00:00:00',"
        + "   'I' FROM range(3000, 3100)"
        + " UNION ALL SELECT NULL, 'no key', 1.00, NULL, 'I'"
        + " UNION ALL SELECT id, name, NULL, ts, 'U' FROM silver.target WHERE id = 250");
    String changes = "SELECT id, name, amount, ts, op FROM silver.changes";
    // A key the table holds twice: an update replaces both rows, as Spark's MERGE does.
    sql("INSERT INTO silver.target SELECT * FROM silver.target WHERE id = 42");
    sql("CREATE TABLE silver.expected USING iceberg AS SELECT * FROM silver.target");
    sql(String.format(MERGE_INTO_SPARK, "silver.expected", changes));
    Table table = engine.table("silver.target");
    long filesBefore = Long.parseLong(table.currentSnapshot().summary().get("total-data-files"));

    MaterializeResult merged = merge("silver.target", changes);

    Snapshot snapshot = engine.table("silver.target").currentSnapshot();
    // Committed by Floe from DuckDB's files: Spark's writes name their application in the summary.
    assertThat(snapshot.summary()).doesNotContainKey("spark.app.id");
    // Only the files holding a changed or deleted row were written again.
    assertThat(Long.parseLong(snapshot.summary().get("deleted-data-files"))).isPositive().isLessThan(filesBefore);
    assertThat(count("SELECT * FROM silver.target EXCEPT ALL SELECT * FROM silver.expected")).isZero();
    assertThat(count("SELECT * FROM silver.expected EXCEPT ALL SELECT * FROM silver.target")).isZero();
    assertThat(count("SELECT * FROM silver.target")).isEqualTo(3000 + 1 - 50 + 100 + 1);

    // The rows the model's tests check: the updated and the new ones, not the identical ones.
    String written = merged.writtenRows().orElseThrow().name();
    assertThat(count("SELECT * FROM " + written)).isEqualTo(100 + 1 + 1 + 100 + 1);
    Optional<List<List<Object>>> viaDuckDb = new DuckDbExecutor().collect(engine,
        engine.session().sql("SELECT count(*), count(DISTINCT id), sum(amount) FROM " + written), 10, "test");
    Row viaSpark = engine.session().sql("SELECT count(*), count(DISTINCT id), sum(amount) FROM " + written).first();
    assertThat(viaDuckDb).isPresent();
    assertThat(viaDuckDb.get().get(0)).containsExactly(viaSpark.get(0), viaSpark.get(1), viaSpark.get(2));
    // The range of their keys, as a unique test reads it, from the bounds of the files they are in:
    // exact for numbers, at most wider for strings (Iceberg may truncate a bound).
    Row range = engine.session().sql("SELECT min(id), max(id), min(name), max(name) FROM " + written).first();
    assertThat(merged.writtenBounds().orElseThrow().range("id")).contains(List.of(range.get(0), range.get(1)));
    List<Object> names = merged.writtenBounds().orElseThrow().range("name").orElseThrow();
    assertThat((String) names.get(0)).isLessThanOrEqualTo(range.getString(2));
    assertThat((String) names.get(1)).isGreaterThanOrEqualTo(range.getString(3));

    // Again, but for the NULL key, which no row of the table matches: it would be inserted again, as
    // by a MERGE.
    long before = snapshot.snapshotId();
    assertThat(merge("silver.target", changes + " WHERE id IS NOT NULL").snapshotId()).isEmpty();
    assertThat(engine.table("silver.target").currentSnapshot().snapshotId()).isEqualTo(before);
  }

  @Test
  void onlyNewKeysAddFilesAndRewriteNone() {
    table("silver.appended", "copy-on-write");
    sql("CREATE TABLE silver.new_keys USING iceberg AS SELECT CAST(id AS INT) AS id, 'new' AS name,"
        + " CAST(NULL AS DECIMAL(10,2)) AS amount, CAST(NULL AS TIMESTAMP) AS ts, 'I' AS op FROM range(7000, 7010)");
    merge("silver.appended", "SELECT * FROM silver.new_keys");
    Snapshot snapshot = engine.table("silver.appended").currentSnapshot();
    assertThat(snapshot.summary()).doesNotContainKey("spark.app.id").doesNotContainKey("deleted-data-files")
        .containsEntry("added-records", "10");
    assertThat(count("SELECT * FROM silver.appended")).isEqualTo(3010);
  }

  @Test
  void theKeysOfTheNewRowsMeetOnlyTheFilesWhoseBoundsHoldThem() {
    // Six files, of ids 0-499, 500-999, ... 2500-2999 (two tasks per insert): changes to ids 1100-1109
    // can only be in the third, a delete of id 2500 only in the sixth. Only those are read for keys
    // and rewritten; the others keep their rows as they are.
    table("silver.ranged", "copy-on-write");
    sql("CREATE TABLE silver.expected_ranged USING iceberg AS SELECT * FROM silver.ranged");
    String changes = "SELECT id, 'changed' AS name, amount, ts, op FROM silver.ranged WHERE id BETWEEN 1100 AND 1109"
        + " UNION ALL SELECT 2500, 'deleted', NULL, NULL, 'D' UNION ALL SELECT 2999 + 1, 'new', NULL, NULL, 'I'";
    sql(String.format(MERGE_INTO_SPARK, "silver.expected_ranged", changes));

    merge("silver.ranged", changes);

    Snapshot snapshot = engine.table("silver.ranged").currentSnapshot();
    assertThat(snapshot.summary()).doesNotContainKey("spark.app.id").containsEntry("deleted-data-files", "2")
        .containsEntry("added-records", String.valueOf(500 + 499 + 1));
    assertSameRows("silver.ranged", "silver.expected_ranged");
  }

  @Test
  void twoChangesMeetingOneRowAreLeftToSparkWhoseMergeRefusesThem() {
    table("silver.twice", "copy-on-write");
    // Both differ from the table's row (an identical one would be left out first, as Spark's path does).
    sql("CREATE TABLE silver.twice_changes USING iceberg AS SELECT id, 'one' AS name, amount, ts, op FROM silver.twice"
        + " WHERE id = 1 UNION ALL SELECT id, 'other', amount, ts, 'U' FROM silver.twice WHERE id = 1");
    Table table = engine.table("silver.twice");
    var rows = engine.session().sql("SELECT id, name, amount, ts, op, op = 'D' AS __floe_delete FROM"
        + " silver.twice_changes");
    assertThat(new DuckDbExecutor().merge(engine, rows, table, table.currentSnapshot().snapshotId(), List.of("id"),
        "__floe_delete", "test")).isEmpty();
  }

  @Test
  void aMergeOnReadTableGetsPositionDeletesAndDuckDbMergesIntoItAgain() {
    table("silver.mor_target", "merge-on-read");
    sql("CREATE TABLE silver.expected_mor USING iceberg AS SELECT * FROM silver.mor_target");
    sql("CREATE TABLE silver.mor_changes USING iceberg AS SELECT id, concat('m', id) AS name, amount, ts, op"
        + " FROM silver.mor_target WHERE id < 10 UNION ALL SELECT id, name, amount, ts, 'D' FROM silver.mor_target"
        + " WHERE id BETWEEN 1500 AND 1504 UNION ALL SELECT 9000, 'new', NULL, NULL, 'I'");
    sql(String.format(MERGE_INTO_SPARK, "silver.expected_mor", "SELECT * FROM silver.mor_changes"));

    merge("silver.mor_target", "SELECT * FROM silver.mor_changes");

    // DuckDB's files: the changed and deleted rows' positions in one delete file, no data file rewritten.
    Snapshot snapshot = engine.table("silver.mor_target").currentSnapshot();
    assertThat(snapshot.summary()).doesNotContainKey("spark.app.id").doesNotContainKey("deleted-data-files")
        .containsEntry("added-delete-files", "1").containsEntry("added-position-deletes", "15")
        .containsEntry("added-records", "11");
    assertSameRows("silver.mor_target", "silver.expected_mor");

    // The table now has a delete file: DuckDB reads around it and merges the next changes too. The
    // rows changed before are met once more (their new versions), the deleted ones not at all: id
    // 1500 comes back as a new row.
    String next = "SELECT id, 'again' AS name, amount, ts, op FROM silver.mor_changes WHERE id < 10"
        + " UNION ALL SELECT 1500, 'back', NULL, NULL, 'I' UNION ALL SELECT 9000, 'new', NULL, NULL, 'I'";
    sql(String.format(MERGE_INTO_SPARK, "silver.expected_mor", next));
    assertThat(merge("silver.mor_target", next).rowsWritten()).isEqualTo(11);
    Table table = engine.table("silver.mor_target");
    table.refresh();
    assertThat(table.currentSnapshot().summary()).doesNotContainKey("spark.app.id")
        .containsEntry("added-position-deletes", "10").containsEntry("added-records", "11");
    assertSameRows("silver.mor_target", "silver.expected_mor");
    // Spark, reading the same files, agrees with the rows DuckDB reads.
    assertThat(count("SELECT * FROM silver.mor_target")).isEqualTo(count("SELECT * FROM silver.expected_mor"));
  }

  @Test
  void aMergeOnReadMergeLeavesOutIdenticalRowsWhicheverColumnTellsThemApart() {
    // A wide column (most of the files' bytes), compared only for the rows equal in the narrow ones.
    sql("CREATE TABLE silver.mor_wide (id INT, note STRING, amount DECIMAL(10,2), op STRING) USING iceberg"
        + " TBLPROPERTIES ('format-version' = '2', 'write.merge.mode' = 'merge-on-read')");
    sql("INSERT INTO silver.mor_wide SELECT CAST(id AS INT), repeat(md5(CAST(id AS STRING)), 8),"
        + " CASE WHEN id % 97 = 0 THEN NULL ELSE CAST(id * 1.25 AS DECIMAL(10,2)) END, 'I' FROM range(0, 2000)");
    sql("CREATE TABLE silver.expected_wide USING iceberg AS SELECT * FROM silver.mor_wide");
    sql("CREATE TABLE silver.wide_changes USING iceberg AS"
        + " SELECT id, note, amount, 'U' AS op FROM silver.mor_wide WHERE id < 10" // a narrow column differs
        + " UNION ALL SELECT id, concat(note, '!'), amount, op FROM silver.mor_wide WHERE id BETWEEN 10 AND 19"
        + " UNION ALL SELECT id, note, amount, op FROM silver.mor_wide WHERE id BETWEEN 90 AND 99" // identical
        + " UNION ALL SELECT id, note, NULL, op FROM silver.mor_wide WHERE id = 150" // an amount becomes NULL
        + " UNION ALL SELECT id, note, amount, 'D' FROM silver.mor_wide WHERE id BETWEEN 1500 AND 1504"
        + " UNION ALL SELECT 9000, 'new', NULL, 'I'");
    sql(String.format(MERGE_INTO_SPARK, "silver.expected_wide", "SELECT * FROM silver.wide_changes"));

    merge("silver.mor_wide", "SELECT * FROM silver.wide_changes");

    // The identical rows (one with a NULL amount) are left out; every other met row is deleted by position.
    assertThat(engine.table("silver.mor_wide").currentSnapshot().summary()).doesNotContainKey("spark.app.id")
        .containsEntry("added-position-deletes", String.valueOf(10 + 10 + 1 + 5))
        .containsEntry("added-records", String.valueOf(10 + 10 + 1 + 1));
    assertSameRows("silver.mor_wide", "silver.expected_wide");
  }

  private void assertSameRows(String table, String expected) {
    assertThat(count("SELECT * FROM " + table + " EXCEPT ALL SELECT * FROM " + expected)).isZero();
    assertThat(count("SELECT * FROM " + expected + " EXCEPT ALL SELECT * FROM " + table)).isZero();
  }

  // 3,000 rows in three appends (several files), some amounts NULL.
  private void table(String name, String mergeMode) {
    sql("CREATE TABLE " + name + " (id INT, name STRING, amount DECIMAL(10,2), ts TIMESTAMP, op STRING) USING iceberg"
        + " TBLPROPERTIES ('format-version' = '2', 'write.merge.mode' = '" + mergeMode + "')");
    for (int batch = 0; batch < 3; batch++) {
      sql("INSERT INTO " + name + " SELECT CAST(id AS INT), concat('r', id),"
          + " CASE WHEN id % 97 = 0 THEN NULL ELSE CAST(id * 1.25 AS DECIMAL(10,2)) END,"
          + " TIMESTAMP '2024-01-01 00:00:00' + make_dt_interval(0, 0, CAST(id AS INT)), 'I'"
          + " FROM range(" + batch * 1000 + ", " + (batch + 1) * 1000 + ")");
    }
  }

  private MaterializeResult merge(String table, String select) {
    MaterializeSpec spec = new MaterializeSpec(table, "incremental", Strategy.MERGE, List.of("id"),
        Optional.of("op = 'D'"), List.of(), List.of(), Map.of(), OnSchemaChange.APPEND_NEW_COLUMNS, Optional.empty());
    return Materialization.of(spec).materialize(engine, spec, select, new WriteTarget(table, Optional.empty()));
  }

  private long count(String query) {
    return engine.session().sql(query).count();
  }

  private void sql(String sql) {
    engine.session().sql(sql).collectAsList();
  }
}
