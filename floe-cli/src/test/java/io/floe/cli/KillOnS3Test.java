package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.runtime.lock.ProjectLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 on the write paths of a warehouse on S3 (a real S3 API server, S3Proxy, on 127.0.0.1):
 * {@code floe ingest} (the DuckDB upload path and the Spark upsert path) and {@code floe maintain}
 * (compaction, expiry, orphan removal) are killed at random moments. A killed maintenance leaves
 * the rows as they were; the runs after the kills finish, load every row once, and leave no file in
 * the bucket that no snapshot references and nothing in the project's staging directory. The seed
 * is in the failure message; {@code -Dfloe.test.seed=N} replays one.
 */
class KillOnS3Test {
  private static final String BUCKET = "lake";
  private static final int FILES = 6;
  private static final int ROWS_PER_FILE = 20;
  private static final List<String> TABLES = List.of("bronze.events", "bronze.accounts");

  @TempDir static Path s3Dir;
  static S3ProxyServer s3;

  @TempDir Path project;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3ProxyServer.start(s3Dir, System.getenv(S3StorageCliTest.ACCESS_KEY_ENV),
        System.getenv(S3StorageCliTest.SECRET_KEY_ENV));
    s3.createBucket(BUCKET);
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  @Test
  void killedIngestsAndMaintenanceOnS3LoseNothingDuplicateNothingAndLeaveNothing() throws Exception {
    // Maintenance only by floe maintain; it compacts every table of 2 files or more, expires all it
    // may, and (no other writer here) takes every unreferenced file for an orphan at once.
    Files.writeString(project.resolve("floe.yaml"), """
        name: kills3
        engine: {master: "local[2]"}
        %s
        sources:
          events:
            type: csv
            path: landing/events_*.csv
            schema: {id: int, payload: string}
            batch: {max-files: 1}
          accounts:
            type: csv
            path: landing/events_*.csv
            schema: {id: int, payload: string}
            mode: upsert
            primary-key: [id]
            batch: {max-files: 1}
        maintenance:
          auto: false
          compact: {min-files: 2}
          expire-snapshots: {older-than: 0s, retain-last: 1}
          remove-orphans: {older-than: 0s}
        """.formatted(S3StorageCliTest.warehouseOnS3(BUCKET, "warehouse", s3.endpoint(),
        "${env:" + S3StorageCliTest.SECRET_KEY_ENV + "}").strip()));
    Files.createDirectories(project.resolve("landing"));
    for (int file = 0; file < FILES; file++) {
      StringBuilder csv = new StringBuilder("id,payload\n");
      for (int row = 0; row < ROWS_PER_FILE; row++) {
        csv.append(file * ROWS_PER_FILE + row).append(",p").append(row).append('\n');
      }
      Files.writeString(project.resolve(String.format("landing/events_%03d.csv", file)), csv);
    }
    long seed = Long.getLong("floe.test.seed", System.nanoTime());
    Random random = new Random(seed);
    List<String> kills = new ArrayList<>();

    // The first kill lands around the project's first commits, the second anywhere in a run.
    kills.add("ingest " + FloeProcess.killAfter(project, 0, random.nextInt(4000), false, "ingest"));
    kills.add("ingest " + FloeProcess.killAfter(project, 1 + random.nextInt(FILES), random.nextInt(800), false,
        "ingest"));
    floe(project, "ingest").ok();
    String rows = fingerprint();
    long expected = (long) FILES * ROWS_PER_FILE;
    assertThat(rows).as("seed %d, kills %s", seed, kills)
        .isEqualTo(String.join(";", expected + "," + expected + "," + FILES, expected + "," + expected + "," + FILES));

    for (int kill = 0; kill < 2; kill++) {
      kills.add(killMaintainAfter("compacting", random.nextInt(kill == 0 ? 1500 : 6000)));
      // Whatever the kill interrupted, the tables read as before it.
      assertThat(fingerprint()).as("seed %d, kills %s", seed, kills).isEqualTo(rows);
    }
    String what = "seed " + seed + ", kills " + kills;

    CliRun maintain = floe(project, "maintain");
    assertThat(maintain.exitCode()).as(what + ": " + maintain.err()).isZero();
    assertThat(maintain.err()).as(what).contains("looking for orphan files");
    assertThat(fingerprint()).as(what).isEqualTo(rows);
    for (String table : TABLES) {
      assertThat(floe(project, "sql", "-o", "csv", "SELECT count(*) AS n FROM " + table + ".files").ok())
          .as(what + ": " + table + " compacted").isEqualTo("n\n1\n");
      assertThat(unreferenced(table)).as(what + ": files of " + table + " no snapshot references").isEmpty();
      // Expiry deleted what only expired snapshots used: their manifest lists are gone from the bucket.
      assertThat(expiredManifestLists(table)).as(what + ": manifest lists of expired snapshots of " + table).isEmpty();
    }
    assertThat(staged()).as(what + ": staging files left in the project").isEmpty();

    // The sources' positions outlived the kills and the maintenance: nothing loads twice.
    assertThat(floe(project, "ingest").ok()).as(what)
        .contains("events -> bronze.events: nothing new (" + FILES + " files)");
    Files.writeString(project.resolve("landing/events_999.csv"), "id,payload\n999,late\n");
    floe(project, "ingest").ok();
    assertThat(floe(project, "sql", "-o", "csv", "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM bronze.events").ok())
        .as(what).isEqualTo("n,ids\n" + (expected + 1) + "," + (expected + 1) + "\n");
  }

  /** {@code floe maintain} stops with exit code 4 while another run of the project holds its lock. */
  @Test
  void maintenanceWaitsForNoOtherRunOfTheProject() throws Exception {
    Files.writeString(project.resolve("floe.yaml"), "name: locked\n");
    Path log = project.resolve("maintain.log");
    try (ProjectLock held = ProjectLock.acquire(project.resolve(".floe"), "floe ingest (run test)", Duration.ZERO)) {
      Process maintain = FloeProcess.startLogged(project, log, "maintain");
      assertThat(maintain.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(maintain.exitValue()).as(Files.readString(log)).isEqualTo(4);
    }
    assertThat(Files.readString(log)).contains("error: Cannot start: another Floe run is writing to this project "
        + "(floe ingest (run test)").contains("pass --wait to queue behind it");
  }

  /** Per table: row count, distinct ids, distinct batches. */
  private String fingerprint() {
    List<String> parts = new ArrayList<>();
    for (String table : TABLES) {
      parts.add(floe(project, "sql", "-o", "csv", "SELECT count(*), count(DISTINCT id), count(DISTINCT _batch_id) FROM "
          + table).ok().lines().skip(1).findFirst().orElseThrow());
    }
    return String.join(";", parts);
  }

  /** The table's data files in the bucket that no snapshot of it references. */
  private Set<String> unreferenced(String table) {
    Set<String> referenced = floe(project, "sql", "-o", "csv", "SELECT DISTINCT file_path FROM " + table
        + ".all_data_files").ok().lines().skip(1).map(line -> line.replace("\"", "")).collect(Collectors.toSet());
    String prefix = "warehouse/" + table.replace('.', '/') + "/data/";
    Set<String> stored = new HashSet<>();
    for (String key : s3.keys(BUCKET, prefix)) {
      stored.add("s3://" + BUCKET + "/" + key);
    }
    assertThat(stored).as("data files of " + table + " in the bucket").isNotEmpty();
    stored.removeAll(referenced);
    return stored;
  }

  /** The manifest lists in the bucket of snapshots the table no longer has. */
  private Set<String> expiredManifestLists(String table) {
    Set<String> live = floe(project, "sql", "-o", "csv", "SELECT manifest_list FROM " + table + ".snapshots").ok()
        .lines().skip(1).map(line -> line.replace("\"", "")).collect(Collectors.toSet());
    Set<String> stored = new HashSet<>();
    for (String key : s3.keys(BUCKET, "warehouse/" + table.replace('.', '/') + "/metadata/snap-")) {
      stored.add("s3://" + BUCKET + "/" + key);
    }
    assertThat(stored).as("manifest lists of " + table + " in the bucket").isNotEmpty();
    stored.removeAll(live);
    return stored;
  }

  private List<Path> staged() throws IOException {
    Path staging = project.resolve(".floe/staging");
    if (!Files.exists(staging)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(staging)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  /** Starts {@code floe maintain} and SIGKILLs it {@code delayMillis} after it printed {@code step}. */
  private String killMaintainAfter(String step, int delayMillis) throws IOException, InterruptedException {
    return "maintain " + FloeProcess.killAfter(project, "'" + step + "'", line -> line.contains(step), 1, delayMillis,
        false, "maintain");
  }
}
