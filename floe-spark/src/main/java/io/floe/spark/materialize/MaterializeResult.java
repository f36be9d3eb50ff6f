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
 * @param writtenRows the rows this write added or changed, as a session view made when first asked for,
 *     when the write knows them without reading the table again (an incremental append or merge into
 *     rows already there); the tests of an incremental model check these. The caller drops it when done.
 * @param writtenBounds the column bounds of the files holding {@code writtenRows}, when the write added
 *     them as files of their own (the range of the written keys a unique test reads)
 */
public record MaterializeResult(String table, long rowsWritten, Optional<Long> snapshotId, boolean created,
    Optional<WrittenRowsView> writtenRows, Optional<WrittenBounds> writtenBounds) {
  public MaterializeResult {
    requireNonNull(table, "table is null");
    requireNonNull(snapshotId, "snapshotId is null");
    requireNonNull(writtenRows, "writtenRows is null");
    requireNonNull(writtenBounds, "writtenBounds is null");
  }

  public MaterializeResult(String table, long rowsWritten, Optional<Long> snapshotId, boolean created) {
    this(table, rowsWritten, snapshotId, created, Optional.empty(), Optional.empty());
  }

  /** This result with the view of the rows it wrote. */
  public MaterializeResult withWrittenRows(WrittenRowsView view) {
    return new MaterializeResult(table, rowsWritten, snapshotId, created, Optional.of(view), Optional.empty());
  }

  /** This result with the view of the rows it wrote and the bounds of the files holding them. */
  public MaterializeResult withWrittenRows(WrittenRowsView view, WrittenBounds bounds) {
    return new MaterializeResult(table, rowsWritten, snapshotId, created, Optional.of(view), Optional.of(bounds));
  }
}
