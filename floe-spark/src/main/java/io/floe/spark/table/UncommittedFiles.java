package io.floe.spark.table;

import org.apache.iceberg.Table;

/** Files a write added to a table's location whose commit then failed: nothing references them. */
public final class UncommittedFiles {
  private UncommittedFiles() {}

  /**
   * Deletes {@code location}, written for a commit that failed with {@code failure}. A file that cannot be
   * deleted is added to that failure rather than hiding it (orphan removal takes the file later).
   */
  public static void deleteAfter(RuntimeException failure, Table table, String location) {
    try {
      table.io().deleteFile(location);
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }
}
