package io.floe.ingest.bronze;

import static java.util.Objects.requireNonNull;

import io.floe.ingest.spi.Position;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * What a table says about a source: the position of the last batch committed, read back from the
 * snapshot summaries of the table's main branch (the table is the source's checkpoint).
 *
 * @param position the committed position, or {@link Position#START}
 * @param lastCommit when the last batch was committed, if ever
 * @param lastBatchId the id of the last batch committed, if any
 */
public record SourceState(Position position, Optional<Instant> lastCommit, Optional<String> lastBatchId) {
  public static final SourceState NEVER_RUN = new SourceState(Position.START, Optional.empty(), Optional.empty());

  public SourceState {
    requireNonNull(position, "position is null");
    requireNonNull(lastCommit, "lastCommit is null");
    requireNonNull(lastBatchId, "lastBatchId is null");
  }

  /** The snapshot summary key holding a source's position. */
  public static String positionKey(String sourceName) {
    return "floe.source." + sourceName + ".position";
  }

  /** The snapshot summary key holding the id of the source's batch. */
  public static String batchIdKey(String sourceName) {
    return "floe.source." + sourceName + ".batch-id";
  }

  /** The rejects-table snapshot key listing the batch ids whose rejects were removed (never committed). */
  static String rejectsRemovedKey(String sourceName) {
    return "floe.source." + sourceName + ".rejects-removed";
  }

  /** The newest position of the source in {@code ancestors} (newest first); {@link Position#START} when none. */
  static Position positionIn(Iterable<Snapshot> ancestors, String sourceName) {
    String key = positionKey(sourceName);
    for (Snapshot snapshot : ancestors) {
      Map<String, String> summary = snapshot.summary();
      if (summary != null && summary.containsKey(key)) {
        return new Position(summary.get(key));
      }
    }
    return Position.START;
  }

  /** The source's state in {@code table}: the newest snapshot of main that carries its position. */
  public static SourceState of(Table table, String sourceName) {
    String key = positionKey(sourceName);
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      Map<String, String> summary = snapshot.summary();
      if (summary != null && summary.containsKey(key)) {
        return new SourceState(new Position(summary.get(key)), Optional.of(Instant.ofEpochMilli(snapshot.timestampMillis())),
            Optional.ofNullable(summary.get(batchIdKey(sourceName))));
      }
    }
    return NEVER_RUN;
  }
}
