package io.floe.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.maintenance.MaintenancePolicy;
import io.floe.core.project.Project;
import io.floe.spark.FloeEngine;
import io.floe.spark.maintenance.MaintenanceResult;
import io.floe.spark.maintenance.TableMaintenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction with DuckDB on the class path: an unpartitioned table's small files are rewritten by
 * DuckDB and committed as a replace of exactly those files; the rows stay the same, a column added
 * after some files were written reads NULL from them, and time travel still reads every snapshot. A
 * partitioned table is compacted by Spark.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DuckDbCompactionTest {
  @TempDir static Path dir;
  FloeEngine engine;

  @BeforeAll
  void open() throws IOException {
    Files.writeString(dir.resolve("floe.yaml"), "name: m\nnamespaces: [bronze]\nengine:\n  shuffle-partitions: 2\n");
    engine = FloeEngine.open(Project.load(dir));
  }

  @AfterAll
  void close() {
    engine.close();
  }

  @Test
  void duckDbRewritesTheSmallFilesWithTheSameRowsAndTheTableStillTravelsInTime() {
    sql("CREATE TABLE bronze.events (id BIGINT, name STRING, amount DECIMAL(10,2), ts TIMESTAMP, day DATE)"
        + " USING iceberg");
    for (int i = 0; i < 3; i++) {
      sql("INSERT INTO bronze.events SELECT /*+ COALESCE(1) */ id, concat('n', id), CAST(id AS DECIMAL(10,2)) / 4,"
          + " TIMESTAMP '2024-05-01 10:00:00' + make_interval(0, 0, 0, 0, CAST(id AS INT)), DATE '2024-05-01'"
          + " FROM range(" + (i * 100) + ", " + (i * 100 + 100) + ")");
    }
    // A column added after three files: they have none, and compaction must keep it NULL for their rows.
    sql("ALTER TABLE bronze.events ADD COLUMN note STRING");
    for (int i = 3; i < 6; i++) {
      sql("INSERT INTO bronze.events SELECT /*+ COALESCE(1) */ id, NULL, NULL, NULL, NULL, concat('note ', id) FROM range("
          + (i * 100) + ", " + (i * 100 + 100) + ")");
    }
    sql("CREATE TABLE bronze.events_before USING iceberg AS SELECT * FROM bronze.events");
    Table table = engine.table("bronze.events");
    long before = table.currentSnapshot().snapshotId();

    MaintenanceResult result = new TableMaintenance(engine).maintain("bronze.events", policy(), false, step -> { });

    table.refresh();
    Snapshot compacted = table.currentSnapshot();
    assertThat(result.filesBefore()).isEqualTo(6);
    assertThat(result.filesAfter()).isEqualTo(1);
    assertThat(compacted.operation()).isEqualTo("replace");
    // DuckDB's file, moved in by Floe (Spark names its files 00000-...).
    assertThat(fileNames("bronze.events")).singleElement().asString().startsWith("floe-");
    assertThat(sql("SELECT * FROM bronze.events EXCEPT ALL SELECT * FROM bronze.events_before")).isEmpty();
    assertThat(sql("SELECT * FROM bronze.events_before EXCEPT ALL SELECT * FROM bronze.events")).isEmpty();
    assertThat(sql("SELECT count(*) FROM bronze.events WHERE note IS NULL")).containsExactly(List.of(300L));
    assertThat(sql("SELECT count(*) FROM bronze.events VERSION AS OF " + before)).containsExactly(List.of(600L));
  }

  @Test
  void aPartitionedTableIsCompactedBySpark() {
    sql("CREATE TABLE bronze.by_day (id BIGINT, day DATE) USING iceberg PARTITIONED BY (day)");
    for (int i = 0; i < 4; i++) {
      sql("INSERT INTO bronze.by_day SELECT id, DATE '2024-05-01' FROM range(" + (i * 10) + ", " + (i * 10 + 10) + ")");
    }

    new TableMaintenance(engine).maintain("bronze.by_day", policy(), false, step -> { });

    Snapshot compacted = engine.table("bronze.by_day").currentSnapshot();
    assertThat(compacted.operation()).isEqualTo("replace");
    assertThat(fileNames("bronze.by_day")).singleElement().asString().doesNotStartWith("floe-");
    assertThat(sql("SELECT count(*) FROM bronze.by_day")).containsExactly(List.of(40L));
  }

  // Compaction of three or more small files, nothing else.
  private static MaintenancePolicy policy() {
    return new MaintenancePolicy(true, true, 3, 30, 128L << 20, false, Duration.ofDays(7), 5, false,
        Duration.ofDays(3), Duration.ofDays(1), false, 50);
  }

  private List<String> fileNames(String table) {
    return sql("SELECT file_path FROM " + table + ".files").stream()
        .map(row -> Path.of(java.net.URI.create(row.get(0).toString())).getFileName().toString()).toList();
  }

  private List<List<Object>> sql(String statement) {
    return engine.sql(statement, 1000).rows();
  }
}
