package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.ingest.kafka.KafkaBroker;
import io.floe.runtime.lock.ProjectLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers that run at the same time, each in its own JVM as users start them: two ingests of one
 * source never load a batch twice (the check is inside the commit), and two builds of one project
 * never run at once (the project's lock).
 */
class ConcurrentRunsCliTest {
  private static final int ROUNDS = 2;
  private static final int FILES_PER_ROUND = 2;
  private static final int ROWS_PER_FILE = 20;
  private static KafkaBroker broker;
  /** Each test's own topic: a topic shared by the tests would hold an earlier test's records too. */
  private final String topic = "events_" + java.util.UUID.randomUUID().toString().substring(0, 8);

  @TempDir Path workspace;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start(Files.createTempDirectory("floe-concurrent-kafka"));
  }

  @BeforeEach
  void createTopic() throws Exception {
    broker.createTopic(topic, 2);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  /**
   * Two projects share one catalog and warehouse, so their locks do not meet: only the commit's own
   * validation stands between two runs and a double load. Both build at the same time, round after
   * round as new files land: the first round is both projects' first build (they create the same
   * namespaces, one of them declared by neither), and both load the same sources (the DuckDB CSV
   * path, the Spark JSON path, and a Kafka topic of two partitions read 10 records a batch, whose
   * position is the partitions' offsets).
   */
  @Test
  void twoBuildsLoadingOneSourceInTwoJvmsNeverLoadABatchTwice() throws Exception {
    Path landing = Files.createDirectories(workspace.resolve("landing"));
    Path shared = Files.createDirectories(workspace.resolve("shared"));
    Path first = project("first", landing, shared);
    Path second = project("second", landing, shared);

    int files = 0;
    for (int round = 0; round < ROUNDS; round++) {
      boolean oneBuildFinished = false;
      for (Finished run : landAndRunAtOnce(landing, files, first, "build", second, "build")) {
        // The loser of a race plans again from the winner's position; one that loses five plans in a row
        // stops with the conflict code, and nothing of its batch was committed.
        assertThat(run.exitCode()).as("floe build printed: %s", run.err()).isIn(0, 4);
        if (run.exitCode() == 4) {
          assertThat(run.err()).contains("another run committed the source since this run planned the batch");
        }
        oneBuildFinished |= run.exitCode() == 0;
      }
      files += FILES_PER_ROUND;
      for (String table : List.of("bronze.events_csv", "bronze.events_json", "bronze.events_kafka")) {
        CliRun duplicates = floe(first, "sql", "-o", "csv", "SELECT count(*) - count(DISTINCT id) FROM " + table);
        if (!oneBuildFinished && table.endsWith("kafka") && duplicates.err().contains("TABLE_OR_VIEW_NOT_FOUND")) {
          // The file sources load side by side: each build can lose the race (five plans) on a different
          // one, and a build whose source lost starts no source after it, so neither loaded the topic.
          continue;
        }
        assertThat(firstNumber(duplicates.ok())).as("duplicates in " + table).isZero();
      }
    }

    floe(first, "build").ok();
    floe(second, "build").ok();
    assertThat(count(first, "SELECT sum(n) FROM marts.first_counts")).isEqualTo((long) files * ROWS_PER_FILE);
    assertThat(count(second, "SELECT sum(n) FROM marts.second_counts")).isEqualTo((long) files * ROWS_PER_FILE);
    for (String table : List.of("bronze.events_csv", "bronze.events_json", "bronze.events_kafka")) {
      assertThat(count(second, "SELECT count(*) FROM " + table)).isEqualTo((long) files * ROWS_PER_FILE);
      assertThat(count(second, "SELECT count(DISTINCT id) FROM " + table)).isEqualTo((long) files * ROWS_PER_FILE);
      assertThat(count(second, "SELECT count(*) FROM " + table + ".refs WHERE name LIKE 'floe_batch_%'")).isZero();
    }
  }

  /**
   * One project, two builds: the second stops at once with exit code 4 and the holder's name, and
   * a third with --wait queues behind the first and then builds.
   */
  @Test
  void aSecondBuildOfAProjectStopsOrWaitsWhileTheFirstRuns() throws Exception {
    Path project = workspace.resolve("shop");
    floe("init", project.toString()).ok();
    // Long enough (seconds) for the other builds to meet it while it runs; it sleeps rather than
    // computes, so the tests beside it keep the CPU.
    Files.writeString(project.resolve("models/slow.sql"), """
        {{ config(materialized='table') }}
        select reflect('java.lang.Thread', 'sleep', 10000L) as slept
        """);
    Process running = FloeProcess.start(project, false, "build");
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!ProjectLock.isHeld(project.resolve(".floe")) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(running.isAlive()).as("the first build is still running").isTrue();

      CliRun second = floe(project, "build");
      Process waiting = FloeProcess.start(project, false, "build", "--wait");

      assertThat(second.exitCode()).isEqualTo(4);
      assertThat(second.err()).startsWith("error: Cannot start: another Floe run is writing to this project (floe build")
          .contains("pass --wait to queue behind it");
      assertThat(running.isAlive()).as("the first build still ran when the second stopped").isTrue();
      assertThat(running.waitFor(180, TimeUnit.SECONDS)).isTrue();
      assertThat(running.exitValue()).isZero();
      assertThat(waiting.waitFor(180, TimeUnit.SECONDS)).isTrue();
      assertThat(waiting.exitValue()).as(new String(waiting.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
          .isZero();
    } finally {
      running.destroyForcibly();
    }
    String runs = floe(project, "runs", "-o", "csv").ok();
    assertThat(runs).contains(",build,success,", ",\"build --wait\",success,");
  }

  /**
   * Maintenance and ingest of the same tables in two JVMs: a project that only maintains shares
   * the catalog and warehouse of one that loads, so no lock stands between them. Round after round
   * its compaction and expiry commit while the other appends (the DuckDB path) and upserts (the Spark
   * path); neither loses nor duplicates a row, and the loser of a conflict stops with exit code 4.
   */
  @Test
  void maintenanceWhileAnotherJvmIngestsLosesAndDuplicatesNothing() throws Exception {
    Path landing = Files.createDirectories(workspace.resolve("landing"));
    Path shared = Files.createDirectories(workspace.resolve("shared"));
    String catalog = "catalog: {type: jdbc, uri: \"jdbc:sqlite:%s\", warehouse: \"%s\"}".formatted(
        shared.resolve("catalog.db"), shared.resolve("warehouse"));
    Path loader = Files.createDirectories(workspace.resolve("loader"));
    Files.writeString(loader.resolve("floe.yaml"), """
        name: loader
        engine: {master: "local[2]"}
        %s
        maintenance: {auto: false}
        sources:
          events_csv:
            type: csv
            path: %s/events_*.csv
            batch: {max-files: 1}
          accounts:
            type: csv
            path: %s/events_*.csv
            schema: {id: bigint, payload: string}
            mode: upsert
            primary-key: [id]
            batch: {max-files: 1}
        """.formatted(catalog, landing, landing));
    Path keeper = Files.createDirectories(workspace.resolve("keeper"));
    Files.writeString(keeper.resolve("floe.yaml"), """
        name: keeper
        engine: {master: "local[2]"}
        namespaces: [bronze]
        %s
        maintenance:
          compact: {min-files: 2}
          expire-snapshots: {older-than: 0s, retain-last: 1}
        """.formatted(catalog));

    int files = 0;
    List<String> conflicts = new java.util.ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      for (Finished run : landAndRunAtOnce(landing, files, loader, "ingest", keeper, "maintain")) {
        assertThat(run.exitCode()).as("round %d, %s printed: %s", round, run.command(), run.err()).isIn(0, 4);
        if (run.exitCode() == 4) {
          conflicts.add("round " + round + ": " + run.err().lines().filter(line -> line.startsWith("error: "))
              .findFirst().orElse(run.err()));
        }
      }
      files += FILES_PER_ROUND;
      for (String table : List.of("bronze.events_csv", "bronze.accounts")) {
        assertThat(count(loader, "SELECT count(*) - count(DISTINCT id) FROM " + table))
            .as("duplicates in %s after round %d; conflicts %s", table, round, conflicts).isZero();
      }
    }

    floe(loader, "ingest").ok();
    floe(keeper, "maintain").ok();
    long rows = (long) files * ROWS_PER_FILE;
    for (String table : List.of("bronze.events_csv", "bronze.accounts")) {
      assertThat(count(loader, "SELECT count(*) FROM " + table)).as(table + "; conflicts " + conflicts).isEqualTo(rows);
      assertThat(count(loader, "SELECT count(DISTINCT id) FROM " + table)).as(table).isEqualTo(rows);
      assertThat(count(loader, "SELECT count(*) FROM " + table + ".files")).as(table + " compacted").isOne();
    }
    assertThat(floe(loader, "ingest").ok()).contains("events_csv -> bronze.events_csv: nothing new");
  }

  /** How one of two floe processes run at once ended. */
  private record Finished(String command, int exitCode, String err) {}

  /**
   * Lands a round's files (numbered from {@code firstFile}), starts {@code firstCommand} in one
   * project and {@code secondCommand} in the other at the same time, and waits for both.
   */
  private List<Finished> landAndRunAtOnce(Path landing, int firstFile, Path firstProject, String firstCommand,
      Path secondProject, String secondCommand) throws IOException, InterruptedException {
    for (int i = 0; i < FILES_PER_ROUND; i++) {
      land(landing, firstFile + i);
    }
    Process first = FloeProcess.start(firstProject, false, firstCommand);
    Process second = FloeProcess.start(secondProject, false, secondCommand);
    List<Finished> finished = new java.util.ArrayList<>();
    for (Process process : List.of(first, second)) {
      assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
      String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      finished.add(new Finished(process == first ? firstCommand : secondCommand, process.exitValue(), err));
    }
    return finished;
  }

  private Path project(String name, Path landing, Path shared) throws IOException {
    Path project = Files.createDirectories(workspace.resolve(name));
    Files.writeString(project.resolve("floe.yaml"), """
        name: %s
        engine: {master: "local[2]"}
        catalog: {type: jdbc, uri: "jdbc:sqlite:%s", warehouse: "%s"}
        sources:
          events_csv:
            type: csv
            path: %s/events_*.csv
            batch: {max-files: 1}
          events_json:
            type: json
            path: %s/events_*.jsonl
            batch: {max-files: 1}
          events_kafka:
            type: kafka
            bootstrap-servers: %s
            topic: %s
            format: json
            schema: {id: bigint, payload: string}
            max-records: 10
        """.formatted(name, shared.resolve("catalog.db"), shared.resolve("warehouse"), landing, landing,
        broker.bootstrapServers(), topic));
    // A namespace neither project declares: both builds create it on first use.
    Files.createDirectories(project.resolve("models"));
    Files.writeString(project.resolve("models/" + name + "_counts.sql"), """
        {{ config(materialized='table', schema='marts') }}
        select payload, count(*) as n from {{ source('bronze', 'events_csv') }} group by payload
        """);
    return project;
  }

  private void land(Path landing, int file) throws IOException {
    StringBuilder csv = new StringBuilder("id,payload\n");
    StringBuilder json = new StringBuilder();
    for (int row = 0; row < ROWS_PER_FILE; row++) {
      long id = (long) file * ROWS_PER_FILE + row;
      csv.append(id).append(",p").append(row).append('\n');
      json.append("{\"id\":").append(id).append(",\"payload\":\"p").append(row).append("\"}\n");
    }
    Files.writeString(landing.resolve(String.format("events_%03d.csv", file)), csv);
    Files.writeString(landing.resolve(String.format("events_%03d.jsonl", file)), json);
    List<ProducerRecord<String, String>> records = new java.util.ArrayList<>();
    json.toString().lines().forEach(line -> records.add(new ProducerRecord<>(topic, line)));
    try {
      broker.send(topic, records);
    } catch (Exception e) {
      throw new IOException("Cannot send file " + file + "'s rows to topic " + topic, e);
    }
  }

  private static long count(Path project, String sql) {
    return firstNumber(floe(project, "sql", "-o", "csv", sql).ok());
  }

  private static long firstNumber(String csv) {
    return Long.parseLong(csv.lines().skip(1).findFirst().orElseThrow().trim());
  }
}
