package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's day with tables: init, create, fill, inspect, time travel, tag, branch, roll back. */
class TableLifecycleCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path workspace;
  Path project;

  @BeforeEach
  void createProjectWithTwoLoads() {
    project = workspace.resolve("shop");
    assertThat(floe("init", project.toString()).ok()).contains("Created project shop");
    floe(project, "sql", "CREATE TABLE bronze.orders (id BIGINT, amount DECIMAL(10,2), at TIMESTAMP)"
        + " PARTITIONED BY (days(at))").ok();
    floe(project, "sql", "INSERT INTO bronze.orders VALUES (1, 10.50, TIMESTAMP '2026-01-01 10:00:00'),"
        + " (2, 20.00, TIMESTAMP '2026-01-02 11:00:00')").ok();
    floe(project, "sql", "INSERT INTO bronze.orders VALUES (3, 30.25, TIMESTAMP '2026-01-03 12:00:00')")
        .ok();
  }

  @Test
  void initIsIdempotentAndWritesARunnableProject() throws Exception {
    assertThat(Files.readString(project.resolve("floe.yaml"))).contains("name: shop");
    assertThat(project.resolve("models")).isDirectory();
    String again = floe("init", project.toString()).ok();
    assertThat(again).contains("already a Floe project");
    assertThat(floe(project, "sql", "SHOW NAMESPACES").ok()).contains("bronze", "silver", "gold");
  }

  @Test
  void sqlPrintsTableJsonAndCsv() throws Exception {
    String table = floe(project, "sql", "SELECT id, amount FROM bronze.orders ORDER BY id").ok();
    assertThat(table).contains("| id | amount |").contains("| 3  | 30.25  |").contains("3 rows");

    JsonNode json = JSON.readTree(
        floe(project, "sql", "-o", "json", "SELECT id, at FROM bronze.orders ORDER BY id").ok());
    assertThat(json).hasSize(3);
    assertThat(json.get(0).get("id").asLong()).isEqualTo(1);
    assertThat(json.get(0).get("at").asText()).isEqualTo("2026-01-01T10:00:00Z");

    String csv = floe(project, "sql", "--output", "csv", "SELECT id, amount FROM bronze.orders ORDER BY id")
        .ok();
    assertThat(csv.lines()).containsExactly("id,amount", "1,10.50", "2,20.00", "3,30.25");
  }

  @Test
  void listsTablesAndShowsATable() throws Exception {
    assertThat(floe(project, "tables").ok()).contains("bronze.orders");
    String show = floe(project, "show", "bronze.orders").ok();
    assertThat(show)
        .contains("Format version:   2")
        .contains("Rows:             3")
        .contains("Partitioning:     day(at)")
        .contains("write.parquet.compression-codec = zstd");
    JsonNode json = JSON.readTree(floe(project, "show", "bronze.orders", "-o", "json").ok());
    assertThat(json.get("columns")).hasSize(3);
    assertThat(json.get("currentSnapshotId").asLong()).isPositive();
  }

  @Test
  void snapshotsAndTimeTravel() throws Exception {
    JsonNode snapshots = snapshots();
    assertThat(snapshots).hasSize(2);
    long first = snapshots.get(0).get("snapshot_id").asLong();
    assertThat(snapshots.get(0).get("total_records").asLong()).isEqualTo(2);
    assertThat(snapshots.get(1).get("current").asBoolean()).isTrue();

    assertThat(count("SELECT count(*) AS n FROM bronze.orders VERSION AS OF " + first)).isEqualTo(2);
    assertThat(count("SELECT count(*) AS n FROM bronze.orders")).isEqualTo(3);
    String firstCommit = snapshots.get(0).get("committed_at").asText();
    assertThat(count("SELECT count(*) AS n FROM bronze.orders TIMESTAMP AS OF '"
        + firstCommit.replace("T", " ").replace("Z", "") + "'")).isEqualTo(2);
  }

  @Test
  void tagsNameASnapshotForTimeTravel() throws Exception {
    long first = snapshots().get(0).get("snapshot_id").asLong();
    assertThat(floe(project, "tag", "create", "bronze.orders", "v1", "--snapshot", String.valueOf(first))
        .ok()).contains("Created tag v1 of bronze.orders at snapshot " + first);
    assertThat(floe(project, "tag", "list", "bronze.orders").ok()).contains("v1").contains(String.valueOf(first));
    assertThat(count("SELECT count(*) AS n FROM bronze.orders VERSION AS OF 'v1'")).isEqualTo(2);

    CliRun duplicate = floe(project, "tag", "create", "bronze.orders", "v1");
    assertThat(duplicate.exitCode()).isEqualTo(1);
    assertThat(duplicate.err()).contains("already exists");

    floe(project, "tag", "drop", "bronze.orders", "v1").ok();
    assertThat(floe(project, "tag", "list", "bronze.orders").ok()).doesNotContain("v1");
  }

  @Test
  void branchesTakeWritesWithoutTouchingMain() throws Exception {
    floe(project, "branch", "create", "bronze.orders", "dev").ok();
    floe(project, "sql", "INSERT INTO bronze.orders.branch_dev VALUES (4, 1.00, TIMESTAMP '2026-01-04 00:00:00')")
        .ok();
    assertThat(count("SELECT count(*) AS n FROM bronze.orders VERSION AS OF 'dev'")).isEqualTo(4);
    assertThat(count("SELECT count(*) AS n FROM bronze.orders")).isEqualTo(3);
    assertThat(floe(project, "branch", "list", "bronze.orders").ok()).contains("main").contains("dev");

    floe(project, "branch", "drop", "bronze.orders", "dev").ok();
    assertThat(floe(project, "branch", "list", "bronze.orders").ok()).doesNotContain("dev");
    CliRun dropMain = floe(project, "branch", "drop", "bronze.orders", "main");
    assertThat(dropMain.exitCode()).isEqualTo(1);
    assertThat(dropMain.err()).contains("Cannot drop branch main");
  }

  @Test
  void rollbackRestoresAnEarlierSnapshot() throws Exception {
    long first = snapshots().get(0).get("snapshot_id").asLong();
    assertThat(floe(project, "rollback", "bronze.orders", "--to", String.valueOf(first)).ok())
        .contains("Rolled back bronze.orders to snapshot " + first);
    assertThat(count("SELECT count(*) AS n FROM bronze.orders")).isEqualTo(2);

    CliRun unknown = floe(project, "rollback", "bronze.orders", "--to", "42");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err().strip()).isEqualTo(
        "error: Cannot find snapshot 42 of bronze.orders. Run 'floe snapshots bronze.orders' to list"
            + " its snapshots.");
  }

  private JsonNode snapshots() throws Exception {
    return JSON.readTree(floe(project, "snapshots", "bronze.orders", "-o", "json").ok());
  }

  private long count(String query) throws Exception {
    return JSON.readTree(floe(project, "sql", "-o", "json", query).ok()).get(0).get("n").asLong();
  }
}
