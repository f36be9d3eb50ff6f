package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once under kill -9, on every ingest path: a real {@code floe ingest} process is killed
 * (SIGKILL) at random moments, from the project's first commit on, while it loads a CSV append (the
 * DuckDB path), JSON lines, a CSV upsert and a partitioned CSV (the Spark path), each file with a
 * bad line (rejects). The run after the kills finishes and holds every row once and every reject
 * once. The seed is in the failure message; {@code -Dfloe.test.seed=N} replays one.
 */
class KillDuringIngestTest {
  private static final int FILES = 4;
  private static final int ROWS_PER_FILE = 25;
  private static final int KILLS = 4;
  private static final List<String> TABLES = List.of("bronze.csv_append", "bronze.json_lines", "bronze.csv_upsert",
      "bronze.csv_partitioned");

  @TempDir Path project;

  @Test
  void killedRunsLoseAndDuplicateNothing() throws Exception {
    Files.writeString(project.resolve("floe.yaml"), """
        name: crash
        engine: {master: "local[2]"}
        sources:
          csv_append:
            type: csv
            path: landing/events_*.csv
            schema: {id: int, day: date, payload: string}
            batch: {max-files: 1}
          json_lines:
            type: json
            path: landing/events_*.jsonl
            schema: {id: int, day: date, payload: string}
            batch: {max-files: 1}
          csv_upsert:
            type: csv
            path: landing/events_*.csv
            schema: {id: int, day: date, payload: string}
            mode: upsert
            primary-key: [id]
            batch: {max-files: 1}
          csv_partitioned:
            type: csv
            path: landing/events_*.csv
            schema: {id: int, day: date, payload: string}
            partition-by: [days(day)]
            batch: {max-files: 1}
        """);
    Files.createDirectories(project.resolve("landing"));
    for (int file = 0; file < FILES; file++) {
      StringBuilder csv = new StringBuilder("id,day,payload\n");
      StringBuilder json = new StringBuilder();
      for (int row = 0; row < ROWS_PER_FILE; row++) {
        int id = file * ROWS_PER_FILE + row;
        String day = "2026-11-" + (10 + row % 3);
        csv.append(id).append(',').append(day).append(",p").append(row).append('\n');
        json.append("{\"id\":").append(id).append(",\"day\":\"").append(day).append("\",\"payload\":\"p")
            .append(row).append("\"}\n");
      }
      csv.append("not-a-number,2026-11-10,bad\n");
      json.append("{\"id\": broken\n");
      Files.writeString(project.resolve(String.format("landing/events_%03d.csv", file)), csv);
      Files.writeString(project.resolve(String.format("landing/events_%03d.jsonl", file)), json);
    }

    long seed = Long.getLong("floe.test.seed", System.nanoTime());
    Random random = new Random(seed);
    List<String> kills = new ArrayList<>();
    for (int kill = 0; kill < KILLS; kill++) {
      // The first kill lands in the project's first commits; later ones anywhere in a run.
      int afterBatches = kill == 0 ? 0 : random.nextInt(FILES * TABLES.size() / 2);
      int delayMillis = random.nextInt(kill == 0 ? 4000 : 800);
      kills.add(killAfter(afterBatches, delayMillis));
    }
    String what = "seed " + seed + ", kills: " + kills;

    floe(project, "ingest").ok();

    long rows = (long) FILES * ROWS_PER_FILE;
    for (String table : TABLES) {
      // Rows, distinct ids, batches, rejects and run branches left.
      assertThat(floe(project, "sql", "-o", "csv", "SELECT count(*), count(DISTINCT id), count(DISTINCT _batch_id), "
          + "(SELECT count(*) FROM " + table + "__rejects), (SELECT count(*) FROM " + table + ".refs WHERE name LIKE "
          + "'floe_%') FROM " + table).ok().lines().skip(1).findFirst().orElseThrow())
          .as(table + "; " + what).isEqualTo(rows + "," + rows + "," + FILES + "," + FILES + ",0");
    }
  }

  /**
   * Starts {@code floe ingest} in a new JVM and SIGKILLs it {@code delayMillis} after it reported
   * {@code batches} commits (or after its start, for 0).
   */
  private String killAfter(int batches, int delayMillis) throws IOException, InterruptedException {
    Process process = FloeProcess.start(project, false, "ingest");
    try (BufferedReader err = new BufferedReader(
        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      int committed = 0;
      String line = "";
      while (committed < batches && (line = err.readLine()) != null) {
        if (line.contains(": batch ")) {
          committed++;
        }
      }
      Thread.sleep(delayMillis);
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }
    return "after " + batches + " batches + " + delayMillis + " ms"
        + (process.exitValue() == 137 ? "" : " (ended first, exit " + process.exitValue() + ")");
  }
}
