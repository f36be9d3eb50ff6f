package io.floe.spark.materialize;

import io.floe.spark.FloeEngine;
import io.floe.spark.sql.SparkErrors;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a staged write (write-audit-publish): publish moves main to the run's branch; discard
 * forgets the branch (and a table the run created), leaving main as it was.
 */
public final class RunBranch {
  private static final Logger LOG = LoggerFactory.getLogger(RunBranch.class);

  private RunBranch() {}

  /**
   * Moves main to the branch's snapshot, removes the branch and sets table properties, in one
   * transaction. Main must not have moved since the branch was made (a fast-forward), so a
   * concurrent writer is never overwritten. {@code properties} gets the id of the snapshot main
   * moves to.
   */
  public static void publish(FloeEngine engine, String name, String branch,
      java.util.function.LongFunction<Map<String, String>> properties) {
    Table table = engine.table(name);
    Snapshot staged = table.snapshot(branch);
    if (staged == null) {
      return;
    }
    try {
      Transaction transaction = table.newTransaction();
      if (table.currentSnapshot() == null) {
        transaction.manageSnapshots().createBranch(SnapshotRef.MAIN_BRANCH, staged.snapshotId()).removeBranch(branch)
            .commit();
      } else {
        transaction.manageSnapshots().fastForwardBranch(SnapshotRef.MAIN_BRANCH, branch).removeBranch(branch)
            .commit();
      }
      Map<String, String> values = properties.apply(staged.snapshotId());
      if (!values.isEmpty()) {
        UpdateProperties update = transaction.updateProperties();
        values.forEach(update::set);
        update.commit();
      }
      transaction.commitTransaction();
    } catch (IllegalArgumentException | org.apache.iceberg.exceptions.CommitFailedException e) {
      // Main moved since the branch was made (a writer outside this project's lock): not a user error.
      throw io.floe.core.error.FloeException.conflict(e, "Cannot publish %s (branch %s): main changed since this "
          + "run started; its main was left as the other writer made it. Run the build again.", name, branch);
    }
    LOG.info("Published {}: main is snapshot {}", name, staged.snapshotId());
  }

  /** Removes the branch; drops the table when the run created it. Main is not touched. */
  public static void discard(FloeEngine engine, String name, String branch, boolean created) {
    org.apache.iceberg.catalog.TableIdentifier id = org.apache.iceberg.catalog.TableIdentifier.parse(name);
    if (created) {
      // Through Iceberg, not Spark SQL: it works while Spark shuts down (a cancelled run), and purges the files.
      SparkErrors.translate("drop table " + name + " created by the failed run", () ->
          engine.icebergCatalog().dropTable(id, true));
      return;
    }
    if (!engine.icebergCatalog().tableExists(id)) {
      return;
    }
    Table table = engine.table(name);
    if (table.refs().containsKey(branch)) {
      SparkErrors.translate("remove branch " + branch + " of " + name, () -> {
        table.manageSnapshots().removeBranch(branch).commit();
        return null;
      });
    }
  }
}
