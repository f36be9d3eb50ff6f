package io.floe.spark.materialize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.ErrorCategory;
import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.spark.FloeEngine;
import io.floe.spark.materialize.MaterializeSpec.OnSchemaChange;
import io.floe.spark.materialize.MaterializeSpec.Scd2;
import io.floe.spark.materialize.MaterializeSpec.Strategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each materialization on real Iceberg tables: what the table holds after one and two runs. */

class MaterializationTest {
  private static final WriteTarget MAIN = new WriteTarget("silver.t", Optional.empty());

  @TempDir Path dir;
  FloeEngine engine;

  @BeforeEach
  void open() throws IOException {
    Files.writeString(dir.resolve("floe.yaml"), "name: m\nengine:\n  shuffle-partitions: 2\n");
    engine = FloeEngine.open(Project.load(dir));
  }

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void tableReplacesItsRowsAtomicallyAndFollowsTheSelectsColumns() {
    MaterializeSpec spec = spec(Materializations.TABLE, Strategy.APPEND, List.of(), Optional.empty());
    MaterializeResult first = run(spec, "SELECT 1 AS id, 'a' AS name UNION ALL SELECT 2, 'b'");
    assertThat(first.created()).isTrue();
    assertThat(first.rowsWritten()).isEqualTo(2);
    run(spec, "SELECT 3 AS id, 10 AS amount");

    assertThat(rows("SELECT * FROM silver.t")).containsExactly("[3,10]");
    assertThat(engine.table("silver.t").spec().fields()).hasSize(1);
    assertThat(engine.table("silver.t").properties()).containsEntry("floe.test", "yes");
  }

  @Test
  void mergeInsertsUpdatesAndDeletesByKeyAndARerunChangesNothing() {
    MaterializeSpec spec = spec(Materializations.INCREMENTAL, Strategy.MERGE, List.of("id"), Optional.of("op = 'D'"));
    run(spec, "SELECT * FROM VALUES (1, 'a', 'I'), (2, 'b', 'I'), (3, 'c', 'I') AS v(id, name, op)");
    String changes = "SELECT * FROM VALUES (2, 'B', 'U'), (3, 'c', 'D'), (4, 'd', 'I'), (9, 'x', 'D') AS v(id, name, op)";
    run(spec, changes);
    assertThat(rows("SELECT id, name FROM silver.t ORDER BY id")).containsExactly("[1,a]", "[2,B]", "[4,d]");

    long snapshot = engine.table("silver.t").currentSnapshot().snapshotId();
    MaterializeResult again = run(spec, changes);
    assertThat(again.snapshotId()).isEmpty();
    assertThat(engine.table("silver.t").currentSnapshot().snapshotId()).isEqualTo(snapshot);
  }

  @Test
  void aMergeRewritesOnlyTheFilesItMeetsAndOneThatMeetsEveryFileOverwritesTheTable() {
    MaterializeSpec spec = spec(Materializations.INCREMENTAL, Strategy.MERGE, List.of("id"), Optional.of("op = 'D'"));
    run(spec, "SELECT * FROM VALUES (1, 'a', 'I'), (2, 'b', 'I') AS v(id, name, op)");
    // Only new keys each time: appends, which add files and rewrite none.
    run(spec, "SELECT * FROM VALUES (3, 'c', 'I'), (4, 'd', 'I') AS v(id, name, op)");
    run(spec, "SELECT * FROM VALUES (5, 'e', 'I') AS v(id, name, op)");
    String met = rows("SELECT count(DISTINCT _file) FROM silver.t WHERE id IN (3, 4)").get(0);
    String files = engine.table("silver.t").currentSnapshot().summary().get("total-data-files");
    assertThat(Integer.parseInt(files)).isGreaterThan(Integer.parseInt(met.replaceAll("\\D", "")));

    run(spec, "SELECT * FROM VALUES (3, 'C', 'U'), (4, 'd', 'D') AS v(id, name, op)");
    assertThat("[" + engine.table("silver.t").currentSnapshot().summary().get("deleted-data-files") + "]")
        .isEqualTo(met);
    assertThat(rows("SELECT id, name FROM silver.t ORDER BY id")).containsExactly("[1,a]", "[2,b]", "[3,C]", "[5,e]");

    String everyFile = "SELECT * FROM VALUES (1, 'A', 'U'), (2, 'b', 'I'), (3, 'C', 'U'), (5, 'e', 'D'), (6, 'f', 'I')"
        + " AS v(id, name, op)";
    files = engine.table("silver.t").currentSnapshot().summary().get("total-data-files");
    MaterializeResult merged = run(spec, everyFile);
    // Every file met: one overwrite of the table, with no MERGE (whose figures the summary would hold).
    assertThat(engine.table("silver.t").currentSnapshot().summary()).containsEntry("deleted-data-files", files)
        .doesNotContainKey("spark.merge-into.num-target-rows-updated");
    assertThat(rows("SELECT id, name FROM silver.t ORDER BY id")).containsExactly("[1,A]", "[2,b]", "[3,C]", "[6,f]");
    // The rows the model's tests check: the changed and the new one, not the identical ones. Their view is
    // made when a test asks for it, and gone once dropped.
    WrittenRowsView written = merged.writtenRows().orElseThrow();
    assertThat(written.made()).isEmpty();
    assertThat(rows("SELECT id FROM " + written.name() + " ORDER BY id")).containsExactly("[1]", "[6]");
    String view = written.made().orElseThrow();
    assertThat(engine.session().catalog().tableExists(view)).isTrue();
    written.drop();
    assertThat(engine.session().catalog().tableExists(view)).isFalse();

    long snapshot = engine.table("silver.t").currentSnapshot().snapshotId();
    assertThat(run(spec, everyFile).snapshotId()).isEmpty();
    assertThat(engine.table("silver.t").currentSnapshot().snapshotId()).isEqualTo(snapshot);
  }

  @Test
  void aNewRowMeetingTwoRowsOfTheTableReplacesBothAsAMergeDoes() {
    MaterializeSpec spec = spec(Materializations.INCREMENTAL, Strategy.MERGE, List.of("id"), Optional.of("op = 'D'"));
    run(spec, "SELECT * FROM VALUES (1, 'a', 'I'), (1, 'a2', 'I'), (2, 'b', 'I'), (3, 'c', 'I') AS v(id, name, op)");

    run(spec, "SELECT * FROM VALUES (1, 'A', 'U'), (2, 'b', 'D'), (3, 'C', 'U') AS v(id, name, op)");
    assertThat(rows("SELECT id, name FROM silver.t ORDER BY id")).containsExactly("[1,A]", "[1,A]", "[3,C]");
  }

  // A writer that commits while a merge runs: the model's SQL calls it once, after the merge began.
  private static final AtomicReference<Runnable> CONCURRENT_WRITER = new AtomicReference<>();

  @Test
  void aCommitMadeWhileAMergeRunsFailsItsOverwriteAndARerunConverges() {
    MaterializeSpec spec = spec(Materializations.INCREMENTAL, Strategy.MERGE, List.of("id"), Optional.of("op = 'D'"));
    run(spec, "SELECT * FROM VALUES (1, 'a', 'I'), (2, 'b', 'I') AS v(id, name, op)");
    engine.session().sql("CREATE TABLE silver.other AS SELECT * FROM VALUES (7, 'g', 'I') AS v(id, name, op)");
    Table other = engine.table("silver.other");
    DataFile seven = other.currentSnapshot().addedDataFiles(other.io()).iterator().next();
    CONCURRENT_WRITER.set(() -> engine.table("silver.t").newAppend().appendFile(seven).commit());
    engine.session().udf().register("another_writer_commits", (UDF1<Integer, Boolean>) id -> {
      Runnable writer = CONCURRENT_WRITER.getAndSet(null);
      if (writer != null) {
        writer.run();
      }
      return true;
    }, DataTypes.BooleanType);
    String changes = "SELECT * FROM VALUES (1, 'A', 'U'), (2, 'B', 'U') AS v(id, name, op)"
        + " WHERE another_writer_commits(id)";

    // The changes meet every file the merge began with: one overwrite, whose commit finds key 7 added since.
    assertThatThrownBy(() -> run(spec, changes)).isInstanceOf(FloeException.class)
        .hasMessageContaining("Cannot merge into silver.t: another writer committed to it")
        .extracting(e -> ((FloeException) e).category()).isEqualTo(ErrorCategory.CONFLICT);
    assertThat(rows("SELECT id, name FROM silver.t ORDER BY id")).containsExactly("[1,a]", "[2,b]", "[7,g]");
    run(spec, changes);
    assertThat(rows("SELECT id, name FROM silver.t ORDER BY id")).containsExactly("[1,A]", "[2,B]", "[7,g]");
  }

  @Test
  void twoNewRowsForOneKeyOfTheTableFailTheMergeAndLeaveTheTableAlone() {
    MaterializeSpec spec = spec(Materializations.INCREMENTAL, Strategy.MERGE, List.of("id"), Optional.of("op = 'D'"));
    run(spec, "SELECT * FROM VALUES (1, 'a', 'I'), (2, 'b', 'I') AS v(id, name, op)");
    long snapshot = engine.table("silver.t").currentSnapshot().snapshotId();

    assertThatThrownBy(() -> run(spec, "SELECT * FROM VALUES (1, 'x', 'U'), (1, 'y', 'U') AS v(id, name, op)"))
        .hasMessageContaining("silver.t");
    assertThat(engine.table("silver.t").currentSnapshot().snapshotId()).isEqualTo(snapshot);
    assertThat(rows("SELECT id, name FROM silver.t ORDER BY id")).containsExactly("[1,a]", "[2,b]");
  }

  @Test
  void mergeOnReadWritesDeleteFilesNotRewrittenFilesAndARerunChangesNothing() {
    MaterializeSpec spec = new MaterializeSpec("silver.t", Materializations.INCREMENTAL, Strategy.MERGE, List.of("id"),
        Optional.of("op = 'D'"), List.of(), List.of(), Map.of("write.merge.mode", "merge-on-read"),
        OnSchemaChange.APPEND_NEW_COLUMNS, Optional.empty());
    run(spec, "SELECT * FROM VALUES (1, 'a', 'I'), (2, 'b', 'I'), (3, 'c', 'I'), (5, NULL, 'I') AS v(id, name, op)");
    // 1 and 5 identical (5's NULL too), 2 updated, 3 deleted, 4 new, 9 a delete of a key never seen.
    String changes = "SELECT * FROM VALUES (1, 'a', 'I'), (2, 'B', 'U'), (3, 'c', 'D'), (4, 'd', 'I'),"
        + " (5, NULL, 'I'), (9, 'x', 'D') AS v(id, name, op)";
    MaterializeResult merged = run(spec, changes);

    assertThat(rows("SELECT id, name FROM silver.t ORDER BY id"))
        .containsExactly("[1,a]", "[2,B]", "[4,d]", "[5,null]");
    // Deletes for 2 (updated) and 3; the first run's data file is not rewritten.
    Map<String, String> summary = engine.table("silver.t").currentSnapshot().summary();
    assertThat(summary).containsEntry("added-position-deletes", "2").containsEntry("added-records", "2")
        .doesNotContainKey("removed-data-files");
    assertThat(merged.rowsWritten()).isEqualTo(2);

    long snapshot = engine.table("silver.t").currentSnapshot().snapshotId();
    MaterializeResult again = run(spec, changes);
    assertThat(again.snapshotId()).isEmpty();
    assertThat(engine.table("silver.t").currentSnapshot().snapshotId()).isEqualTo(snapshot);
    assertThat(rows("SELECT id, name FROM silver.t ORDER BY id"))
        .containsExactly("[1,a]", "[2,B]", "[4,d]", "[5,null]");
  }

  @Test
  void mergeOfOnlyNewKeysAppendsThemAndIgnoresDeletesOfUnknownKeys() {
    MaterializeSpec spec = spec(Materializations.INCREMENTAL, Strategy.MERGE, List.of("id"), Optional.of("op = 'D'"));
    run(spec, "SELECT * FROM VALUES (1, 'a', 'I'), (2, 'b', 'I') AS v(id, name, op)");
    MaterializeResult result = run(spec, "SELECT * FROM VALUES (3, 'c', 'I'), (4, 'd', 'I'), (9, 'x', 'D') AS v(id, name, op)");

    assertThat(result.rowsWritten()).isEqualTo(2);
    assertThat(rows("SELECT id, name FROM silver.t ORDER BY id")).containsExactly("[1,a]", "[2,b]", "[3,c]", "[4,d]");
    // No existing row was touched: one append, no file of the table rewritten.
    assertThat(engine.table("silver.t").currentSnapshot().operation()).isEqualTo("append");
  }

  @Test
  void appendAndInsertOverwriteByPartition() {
    MaterializeSpec append = spec(Materializations.INCREMENTAL, Strategy.APPEND, List.of(), Optional.empty());
    run(append, "SELECT 1 AS id, DATE '2026-01-01' AS day");
    run(append, "SELECT 2 AS id, DATE '2026-01-02' AS day");
    assertThat(rows("SELECT id FROM silver.t ORDER BY id")).containsExactly("[1]", "[2]");

    MaterializeSpec overwrite = new MaterializeSpec("silver.p", Materializations.INCREMENTAL, Strategy.INSERT_OVERWRITE,
        List.of(), Optional.empty(), List.of("day"), List.of(), Map.of(), OnSchemaChange.APPEND_NEW_COLUMNS,
        Optional.empty());
    WriteTarget target = new WriteTarget("silver.p", Optional.empty());
    Materialization.of(overwrite).materialize(engine, overwrite,
        "SELECT * FROM VALUES (1, DATE '2026-01-01'), (2, DATE '2026-01-02') AS v(id, day)", target);
    Materialization.of(overwrite).materialize(engine, overwrite,
        "SELECT * FROM VALUES (20, DATE '2026-01-02'), (21, DATE '2026-01-02') AS v(id, day)", target);
    assertThat(rows("SELECT id FROM silver.p ORDER BY id")).containsExactly("[1]", "[20]", "[21]");
  }

  @Test
  void onSchemaChangeAppendsNewColumnsOrFails() {
    MaterializeSpec spec = spec(Materializations.INCREMENTAL, Strategy.APPEND, List.of(), Optional.empty());
    run(spec, "SELECT 1 AS id");
    run(spec, "SELECT 2 AS id, 'x' AS extra");
    assertThat(rows("SELECT * FROM silver.t ORDER BY id")).containsExactly("[1,null]", "[2,x]");

    MaterializeSpec strict = new MaterializeSpec("silver.t", Materializations.INCREMENTAL, Strategy.APPEND, List.of(),
        Optional.empty(), List.of(), List.of(), Map.of(), OnSchemaChange.FAIL, Optional.empty());
    assertThatThrownBy(() -> run(strict, "SELECT 3 AS id, 'y' AS other"))
        .hasMessage("Cannot write table silver.t: its schema differs from the model's SELECT (new column other"
            + " STRING; column extra is no longer selected) and on_schema_change is fail.");
  }

  @Test
  void scd2KeepsHistoryTracksDeletesAndIsIdempotent() {
    MaterializeSpec spec = new MaterializeSpec("silver.t", Materializations.SCD2, Strategy.APPEND, List.of("id"),
        Optional.empty(), List.of(), List.of(), Map.of(), OnSchemaChange.APPEND_NEW_COLUMNS,
        Optional.of(new Scd2(Optional.of("updated_at"), List.of())));
    run(spec, "SELECT * FROM VALUES (1, 'a', TIMESTAMP '2026-01-01 00:00:00'), (2, 'b', TIMESTAMP '2026-01-01 00:00:00')"
        + " AS v(id, name, updated_at)");
    String second = "SELECT * FROM VALUES (1, 'A', TIMESTAMP '2026-01-02 00:00:00'), (3, 'c', TIMESTAMP '2026-01-02 00:00:00')"
        + " AS v(id, name, updated_at)";
    run(spec, second);

    assertThat(rows("SELECT id, name, valid_from, valid_to, is_current, is_deleted FROM silver.t ORDER BY id, valid_from"))
        .containsExactly(
            "[1,a,2026-01-01T00:00:00Z,2026-01-02T00:00:00Z,false,false]",
            "[1,A,2026-01-02T00:00:00Z,null,true,false]",
            "[2,b,2026-01-01T00:00:00Z," + rows("SELECT valid_to FROM silver.t WHERE id = 2").get(0)
                .replaceAll("[\\[\\]]", "") + ",false,true]",
            "[3,c,2026-01-02T00:00:00Z,null,true,false]");
    long snapshot = engine.table("silver.t").currentSnapshot().snapshotId();
    assertThat(run(spec, second).snapshotId()).isEmpty();
    assertThat(engine.table("silver.t").currentSnapshot().snapshotId()).isEqualTo(snapshot);
  }

  @Test
  void aBranchTargetLeavesMainAlone() {
    MaterializeSpec spec = spec(Materializations.INCREMENTAL, Strategy.APPEND, List.of(), Optional.empty());
    run(spec, "SELECT 1 AS id");
    WriteTarget staged = new WriteTarget("silver.t", Optional.of("run1"));
    MaterializeResult result = Materialization.of(spec).materialize(engine, spec, "SELECT 2 AS id", staged);

    assertThat(result.rowsWritten()).isEqualTo(1);
    assertThat(rows("SELECT id FROM silver.t")).containsExactly("[1]");
    assertThat(rows("SELECT id FROM silver.t.branch_run1 ORDER BY id")).containsExactly("[1]", "[2]");

    MaterializeSpec merge = spec(Materializations.INCREMENTAL, Strategy.MERGE, List.of("id"), Optional.empty());
    Materialization.of(merge).materialize(engine, merge, "SELECT 2 AS id UNION ALL SELECT 3", staged);
    assertThat(rows("SELECT id FROM silver.t.branch_run1 ORDER BY id")).containsExactly("[1]", "[2]", "[3]");
    assertThat(rows("SELECT id FROM silver.t")).containsExactly("[1]");

    // A merge that meets every file of the branch: one overwrite of the branch, main still alone.
    MaterializeSpec deletes = spec(Materializations.INCREMENTAL, Strategy.MERGE, List.of("id"), Optional.of("id = 1"));
    Materialization.of(deletes).materialize(engine, deletes, "SELECT 1 AS id UNION ALL SELECT 2 UNION ALL SELECT 3",
        staged);
    assertThat(rows("SELECT id FROM silver.t.branch_run1 ORDER BY id")).containsExactly("[2]", "[3]");
    assertThat(engine.table("silver.t").snapshot("run1").summary())
        .doesNotContainKey("spark.merge-into.num-target-rows-deleted");
    assertThat(rows("SELECT id FROM silver.t")).containsExactly("[1]");
  }

  private MaterializeSpec spec(String kind, Strategy strategy, List<String> keys, Optional<String> delete) {
    return new MaterializeSpec("silver.t", kind, strategy, keys, delete, kind.equals(Materializations.TABLE) ? List.of("bucket(2, id)")
        : List.of(), List.of(), Map.of("floe.test", "yes"), OnSchemaChange.APPEND_NEW_COLUMNS, Optional.empty());
  }

  private MaterializeResult run(MaterializeSpec spec, String select) {
    return Materialization.of(spec).materialize(engine, spec, select, MAIN);
  }

  private List<String> rows(String sql) {
    return engine.session().sql(sql).collectAsList().stream().map(Object::toString).toList();
  }
}
