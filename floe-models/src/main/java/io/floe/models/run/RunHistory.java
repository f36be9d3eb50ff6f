package io.floe.models.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The project's run history: one JSON line per model per run in {@code .floe/runs.jsonl}, with the
 * run's id and time, the model's status, rows written, duration and snapshot id. A file, not a
 * table, so recording a run costs no Spark job and survives a catalog that is down.
 */
public final class RunHistory {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One model in one run.
   *
   * @param snapshotId empty text when nothing was written
   */
  public record Entry(String runId, String startedAt, String model, String table, String status, long rowsWritten,
      long millis, String snapshotId, boolean published) {}

  private RunHistory() {}

  public static Path file(Project project) {
    return project.stateDir().resolve("runs.jsonl");
  }

  /** Appends the run's models. */
  public static void record(Project project, RunReport report) {
    StringBuilder lines = new StringBuilder();
    for (ModelResult model : report.models()) {
      ObjectNode line = JSON.createObjectNode()
          .put("run_id", report.runId())
          .put("started_at", report.startedAt().toString())
          .put("model", model.model())
          .put("table", model.table())
          .put("status", model.status().name().toLowerCase(java.util.Locale.ROOT))
          .put("rows_written", model.rowsWritten())
          .put("millis", model.millis())
          .put("snapshot_id", model.snapshotId().map(String::valueOf).orElse(""))
          .put("published", report.published());
      lines.append(line).append('\n');
    }
    try {
      Files.createDirectories(project.stateDir());
      Files.writeString(file(project), lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot record run " + report.runId() + " in " + file(project), e);
    }
  }

  /** Every recorded entry, oldest first. */
  public static List<Entry> read(Project project) {
    Path file = file(project);
    List<Entry> entries = new ArrayList<>();
    if (!Files.exists(file)) {
      return entries;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      try {
        JsonNode line = JSON.readTree(lines.get(i));
        entries.add(new Entry(line.path("run_id").asText(), line.path("started_at").asText(),
            line.path("model").asText(), line.path("table").asText(), line.path("status").asText(),
            line.path("rows_written").asLong(), line.path("millis").asLong(), line.path("snapshot_id").asText(),
            line.path("published").asBoolean()));
      } catch (JsonProcessingException e) {
        throw FloeException.user(e, "%s:%d: Cannot read run history: the line is not JSON. Remove it.", file, i + 1);
      }
    }
    return entries;
  }
}
