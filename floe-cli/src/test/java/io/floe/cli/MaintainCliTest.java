package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Table maintenance as a user meets it: a source committing many small batches stays compacted
 * by automatic maintenance, and {@code floe maintain} expires, removes orphans and reports, while
 * tags, time travel and the source's position survive.
 */
class MaintainCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FILES = 7;

  @TempDir Path project;

  @Test
  void manySmallCommitsStayCompactedAndMaintenanceKeepsTagsAndPositions() throws Exception {
    // Expire everything old at once (older-than 0s, retain-last 1): only what Floe protects survives.
    write("floe.yaml", """
        name: shop
        sources:
          events:
            type: csv
            path: landing/events_*.csv
            batch: {max-files: 1}
        maintenance:
          compact: {min-files: 5}
          expire-snapshots: {older-than: 0s, retain-last: 1}
          tables:
            bronze.events:
              compact: {min-files: 3}
        """);
    StringBuilder expected = new StringBuilder("id,amount\n");
    for (int i = 1; i <= FILES; i++) {
      write(String.format(Locale.ROOT, "landing/events_%02d.csv", i), "id,amount\n" + i + "," + i * 10 + "\n");
      expected.append(i).append(',').append(i * 10).append('\n');
    }

    CliRun ingest = floe(project, "ingest");
    assertThat(ingest.ok()).startsWith("events -> bronze.events: 7 rows in 7 batches");
    assertThat(ingest.err()).contains("maintained bronze.events: 3 -> 1 data files (3 compacted into 1)");
    // 7 commits, compacted every 3 small files (the table's own policy): it never holds more than 3.
    assertThat(count("SELECT count(*) AS n FROM bronze.events.files")).isEqualTo(1);
    assertThat(floe(project, "sql", "-o", "csv", "SELECT id, amount FROM bronze.events ORDER BY id").ok())
        .isEqualTo(expected.toString());

    floe(project, "tag", "create", "bronze.events", "v1").ok();
    write("landing/events_08.csv", "id,amount\n8,80\n");
    assertThat(floe(project, "ingest").ok()).startsWith("events -> bronze.events: 1 rows in 1 batch");
    Path data = tableData();
    Path old = Files.writeString(data.resolve("left-by-a-killed-run.parquet"), "not referenced");
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(4))));
    Path young = Files.writeString(data.resolve("being-written.parquet"), "not referenced yet");

    CliRun maintain = floe(project, "maintain", "-o", "json");
    JsonNode tables = JSON.readTree(maintain.ok());
    assertThat(tables).hasSize(1);
    JsonNode events = tables.get(0);
    assertThat(events.get("table").asText()).isEqualTo("bronze.events");
    assertThat(events.get("files_before").asLong()).isEqualTo(2);
    assertThat(events.get("files_after").asLong()).isEqualTo(2);
    assertThat(events.get("orphans_removed").asLong()).isEqualTo(1);
    assertThat(events.get("actions").asText()).contains("remove-orphans");
    assertThat(events.fieldNames()).toIterable().containsExactly("table", "files_before", "files_after",
        "files_compacted", "files_written", "snapshots_expired", "orphans_removed", "manifests_before",
        "manifests_after", "actions", "seconds");
    assertThat(maintain.err()).contains("bronze.events (1/1): looking for orphan files");
    assertThat(old).doesNotExist();
    assertThat(young).exists();

    // The tagged snapshot outlived the expiry, and time travel to it still reads its files.
    assertThat(count("SELECT count(*) AS n FROM bronze.events VERSION AS OF 'v1'")).isEqualTo(FILES);
    // The position survived too: nothing is loaded twice, and a new file loads alone.
    assertThat(floe(project, "ingest").ok()).isEqualTo("events -> bronze.events: nothing new (8 files)\n");
    write("landing/events_09.csv", "id,amount\n9,90\n");
    assertThat(floe(project, "ingest").ok()).startsWith("events -> bronze.events: 1 rows in 1 batch");
    assertThat(count("SELECT count(*) AS n FROM bronze.events")).isEqualTo(9);
    assertThat(count("SELECT count(DISTINCT id) AS n FROM bronze.events")).isEqualTo(9);
    assertThat(floe(project, "runs", "-o", "json").ok()).contains("maintain");
  }

  /**
   * The updates and deletes of a merge-on-read table leave the rows in their data file and mark them
   * deleted, and every read skips them one by one. Once deleted-rows-percent of a file's rows are
   * deleted, maintenance rewrites it without them, though the table has too few files to compact.
   */
  @Test
  void aFileWithHalfItsRowsDeletedIsRewrittenWithoutThem() throws Exception {
    write("floe.yaml", """
        name: shop
        maintenance:
          compact: {deleted-rows-percent: 50}
          expire-snapshots: {enabled: false}
          remove-orphans: {enabled: false}
        """);
    floe(project, "sql", "CREATE TABLE silver.accounts (id INT, balance INT) TBLPROPERTIES ("
        + "'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')").ok();
    floe(project, "sql", "INSERT INTO silver.accounts SELECT /*+ REPARTITION(1) */ * FROM VALUES"
        + " (1, 10), (2, 20), (3, 30), (4, 40)").ok();
    assertThat(count("SELECT count(*) AS n FROM silver.accounts.files")).isEqualTo(1);
    floe(project, "sql", "UPDATE silver.accounts SET balance = 11 WHERE id = 1").ok();
    // A quarter of the file's rows deleted: not due.
    assertThat(JSON.readTree(floe(project, "maintain", "-o", "json").ok()).get(0).get("actions").asText())
        .doesNotContain("compact");
    floe(project, "sql", "DELETE FROM silver.accounts WHERE id = 3").ok();
    // The data files hold 5 rows: the 4 inserted (2 of them deleted) and the update's new row.
    assertThat(count("SELECT sum(record_count) AS n FROM silver.accounts.data_files")).isEqualTo(5);

    JsonNode accounts = JSON.readTree(floe(project, "maintain", "-o", "json").ok()).get(0);

    assertThat(accounts.get("actions").asText()).contains("compact");
    assertThat(accounts.get("files_compacted").asLong()).isPositive();
    assertThat(count("SELECT sum(record_count) AS n FROM silver.accounts.data_files")).isEqualTo(3);
    assertThat(floe(project, "sql", "-o", "csv", "SELECT id, balance FROM silver.accounts ORDER BY id").ok())
        .isEqualTo("id,balance\n1,11\n2,20\n4,40\n");
  }

  @Test
  void aBadPolicyIsOneLineWithItsPlace() throws IOException {
    write("floe.yaml", """
        name: shop
        maintenance:
          tables:
            bronze.events:
              compact: {min-file: 4}
        """);

    CliRun run = floe(project, "maintain");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: ").contains("floe.yaml:5: Unknown key 'compact.min-file' in "
        + "maintenance.tables.bronze.events. Did you mean 'compact.min-files'?");
  }

  private Path tableData() throws IOException {
    try (Stream<Path> files = Files.walk(project.resolve(".floe"))) {
      return files.filter(p -> p.endsWith(Path.of("events", "data")) && Files.isDirectory(p)).findFirst()
          .orElseThrow();
    }
  }

  private long count(String query) throws Exception {
    return JSON.readTree(floe(project, "sql", "-o", "json", query).ok()).get(0).get("n").asLong();
  }

  private void write(String path, String content) throws IOException {
    Path file = project.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
