package io.floe.ingest;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * What one run of a source did.
 *
 * @param batches batches committed
 * @param bytes bytes of input read (0 when the source cannot tell)
 * @param schemaChanges changes made to the table's schema
 * @param position the source's position after the run, in words
 */
public record SourceRun(String source, String table, int batches, long rowsRead, long rowsWritten, long rejects,
    long bytes, Duration elapsed, List<String> schemaChanges, String position) {
  public SourceRun {
    requireNonNull(source, "source is null");
    requireNonNull(table, "table is null");
    requireNonNull(elapsed, "elapsed is null");
    schemaChanges = List.copyOf(schemaChanges);
    requireNonNull(position, "position is null");
  }

  /** Megabytes read per second, 0 for an instant run. */
  public double megabytesPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : bytes / 1e6 / seconds;
  }
}
