package io.floe.spark.table;

import io.floe.spark.FloeEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The rows a table gained since one of its snapshots, when it gained rows only: every later
 * snapshot on main appended files or rewrote them with the same rows (compaction). Iceberg's
 * incremental read then returns exactly those rows.
 */
public final class AppendedRows {
  // Operations that neither remove nor change a row: an append adds rows; a replace rewrites files.
  private static final Set<String> ROWS_KEPT = Set.of(DataOperations.APPEND, DataOperations.REPLACE);

  private AppendedRows() {}

  /**
   * The rows {@code relation} gained after snapshot {@code since}, up to its current snapshot; empty
   * when the table changed in any other way since then (an overwrite, a delete, a rollback past it)
   * or {@code since} is no longer in its history: then only a read of the whole table tells.
   */
  public static Optional<Dataset<Row>> since(FloeEngine engine, String relation, long since) {
    Table table = engine.table(relation);
    Optional<List<Snapshot>> after = snapshotsAfter(table, since);
    if (after.isEmpty()) {
      return Optional.empty();
    }
    if (after.get().isEmpty()) {
      return Optional.of(engine.session().table(relation).limit(0));
    }
    return Optional.of(engine.session().read().format("iceberg")
        .option("start-snapshot-id", String.valueOf(since))
        .option("end-snapshot-id", String.valueOf(table.currentSnapshot().snapshotId()))
        .load(engine.catalogName() + "." + relation));
  }

  /**
   * The data files the snapshots of {@code table} after {@code since} added, up to its current one;
   * empty when {@link #since} is (the table changed in another way, or {@code since} is not in its history).
   * A compaction's files count too: they hold rows the table had, so their bounds can only widen a range.
   */
  public static Optional<List<DataFile>> addedFiles(Table table, long since) {
    return snapshotsAfter(table, since).map(snapshots -> {
      List<DataFile> added = new ArrayList<>();
      snapshots.forEach(snapshot -> snapshot.addedDataFiles(table.io()).forEach(added::add));
      return added;
    });
  }

  // The snapshots of main after since, newest first (none when since is the current one); empty when
  // one of them removed or changed rows, or since is not an ancestor of main (or was expired).
  private static Optional<List<Snapshot>> snapshotsAfter(Table table, long since) {
    List<Snapshot> after = new ArrayList<>();
    for (Snapshot snapshot = table.currentSnapshot(); snapshot == null || snapshot.snapshotId() != since;
        snapshot = table.snapshot(snapshot.parentId())) {
      if (snapshot == null || !ROWS_KEPT.contains(snapshot.operation()) || snapshot.parentId() == null) {
        return Optional.empty();
      }
      after.add(snapshot);
    }
    return Optional.of(after);
  }
}
