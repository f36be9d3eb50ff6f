package io.floe.spark.materialize;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What one materialization did.
 *
 * @param table the target, {@code namespace.name}
 * @param rowsWritten rows the write added (for a merge: inserted and rewritten rows), 0 for a view
 * @param snapshotId the snapshot the write committed (on the run's branch when staged); empty when
 *     nothing was committed, as for a view or an incremental run with nothing new
 * @param created true when this run created the table, so an aborted run drops it again
 */
public record MaterializeResult(String table, long rowsWritten, Optional<Long> snapshotId, boolean created) {
  public MaterializeResult {
    requireNonNull(table, "table is null");
    requireNonNull(snapshotId, "snapshotId is null");
  }
}
