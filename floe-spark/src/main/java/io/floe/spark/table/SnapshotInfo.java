package io.floe.spark.table;

import java.time.Instant;
import java.util.List;

/**
 * One snapshot of a table, as {@code floe snapshots} lists it.
 *
 * @param refs the branches and tags that point at this snapshot
 */
public record SnapshotInfo(
    long snapshotId,
    Long parentId,
    Instant committedAt,
    String operation,
    long addedRecords,
    long deletedRecords,
    long totalRecords,
    boolean current,
    List<String> refs) {
  public SnapshotInfo {
    refs = List.copyOf(refs);
  }
}
