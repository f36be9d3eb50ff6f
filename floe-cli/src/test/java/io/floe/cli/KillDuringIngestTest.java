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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once under kill -9: a real {@code floe ingest} process is killed (SIGKILL) mid-run several
 * times; the run after the kills ends with every row exactly once.
 */
class KillDuringIngestTest {
  private static final int FILES = 12;
  private static final int ROWS_PER_FILE = 25;

  @TempDir Path project;

  @Test
  void killedRunsLoseAndDuplicateNothing() throws Exception {
    Files.writeString(project.resolve("floe.yaml"), """
        name: crash
        engine: {master: "local[2]"}
        sources:
          events:
            type: csv
            path: landing/events_*.csv
            batch: {max-files: 1}
        """);
    Files.createDirectories(project.resolve("landing"));
    for (int file = 0; file < FILES; file++) {
      StringBuilder csv = new StringBuilder("id,payload\n");
      for (int row = 0; row < ROWS_PER_FILE; row++) {
        csv.append(file * ROWS_PER_FILE + row).append(",p").append(row).append('\n');
      }
      Files.writeString(project.resolve(String.format("landing/events_%03d.csv", file)), csv);
    }

    // Killed after 1, 2 and 1 committed batches of their run, while the next batch is being written.
    for (int committedBeforeKill : new int[] {1, 2, 1}) {
      killAfter(committedBeforeKill);
    }
    long loadedBeforeFinalRun = count("SELECT count(*) FROM bronze.events");
    assertThat(loadedBeforeFinalRun).isBetween(4L * ROWS_PER_FILE, (FILES - 1L) * ROWS_PER_FILE);

    floe(project, "ingest").ok();

    assertThat(count("SELECT count(*) FROM bronze.events")).isEqualTo((long) FILES * ROWS_PER_FILE);
    assertThat(count("SELECT count(DISTINCT id) FROM bronze.events")).isEqualTo((long) FILES * ROWS_PER_FILE);
    assertThat(count("SELECT max(id) - min(id) + 1 FROM bronze.events")).isEqualTo((long) FILES * ROWS_PER_FILE);
    assertThat(count("SELECT count(DISTINCT _batch_id) FROM bronze.events")).isEqualTo(FILES);
  }

  /** Starts {@code floe ingest} in a new JVM and SIGKILLs it once it has reported {@code batches} commits. */
  private void killAfter(int batches) throws IOException, InterruptedException {
    Process process = FloeProcess.start(project, false, "ingest");
    List<String> seen = new ArrayList<>();
    try (BufferedReader err = new BufferedReader(
        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      int committed = 0;
      while (committed < batches && (line = err.readLine()) != null) {
        seen.add(line);
        if (line.startsWith("events: batch ")) {
          committed++;
        }
      }
      assertThat(committed).as("progress lines before the kill; the process printed: %s", seen).isEqualTo(batches);
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }
    assertThat(process.exitValue()).as("killed by SIGKILL").isEqualTo(137);
  }

  private long count(String sql) {
    String csv = floe(project, "sql", "-o", "csv", sql).ok();
    return Long.parseLong(csv.lines().skip(1).findFirst().orElseThrow().trim());
  }
}
