package io.floe.ingest.bronze;

import io.floe.core.error.FloeException;
import io.floe.core.project.WriterId;
import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.Position;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.spark.FloeEngine;
import io.floe.spark.table.RunLeftovers;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.ManageSnapshots;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that holds the bronze commit rules, for both write paths (DuckDB and Spark): the
 * reject limit, rejects written once per batch, the table created or evolved (schema drift), and
 * the commit of rows and position with exactly-once checked inside the commit, not before it: two
 * runs that load the same batch cannot both commit it.
 *
 * <ul>
 *   <li>Files written outside Spark (the DuckDB path) are appended with Iceberg's ancestry
 *       validation: on every commit attempt, against the metadata the catalog swap compares, the
 *       newest position on main must be the one the batch was planned from.
 *   <li>Spark's writer has no such hook, so Spark writes on a batch branch pinned at main's
 *       snapshot; main is then fast-forwarded to it in one reference commit whose base is the
 *       metadata in which main was checked. If main moved meanwhile, the swap or the fast-forward
 *       fails, and the branch is dropped.
 * </ul>
 *
 * A branch left by a killed run carries nothing main reads; {@link #removeStaleBranches} drops them.
 */
final class BronzeCommit {
  private static final Logger LOG = LoggerFactory.getLogger(BronzeCommit.class);
  private static final int ATTEMPTS = 5;

  private BronzeCommit() {}

  /**
   * The {@code max-rejects} rule: fails the batch, before anything of it is committed, when the
   * run's rejects with this batch's pass the limit.
   *
   * @param firstReject the first rejected row's file URI and reason, read only when the limit is passed
   */
  static void checkRejectLimit(SourceDefinition definition, Batch batch, long rejects, long read, long rejectsBefore,
      long rowsBefore, java.util.function.Supplier<String[]> firstReject) {
    if (definition.maxRejects().isExceeded(rejectsBefore + rejects, rowsBefore + read)) {
      String[] first = firstReject.get();
      throw FloeException.user("Cannot ingest source '%s' into %s: %d rejected rows of %d exceed max-rejects %s "
          + "(first: %s: %s); nothing of batch %s was committed.", definition.name(), definition.target(),
          rejectsBefore + rejects, rowsBefore + read, definition.maxRejects(),
          RejectsTable.relative(definition.projectRoot(), first[0]), first[1], batch.description());
    }
  }

  /** The batch's schema changes to the table (none for a new table); fails on one Iceberg cannot follow. */
  static List<SchemaDrift.Change> drift(Table existing, SourceDefinition definition,
      org.apache.spark.sql.types.StructType columns, MetadataColumns metadata) {
    return existing == null ? List.of()
        : SchemaDrift.changes(existing, definition.target(), columns, definition.name(), metadata);
  }

  /**
   * Makes the table ready for the batch's rows, in the order that keeps a replay exact: the
   * batch's rejects first (once per batch id), then the table created for the batch's columns or
   * evolved by its schema changes. The rows and the position follow in one commit.
   *
   * @param writeRejects writes the batch's rejects; null when it has none
   */
  static Table prepareTable(BronzeWriter writer, SourceDefinition definition, Table existing,
      org.apache.spark.sql.types.StructType columns, List<SchemaDrift.Change> changes, Runnable writeRejects) {
    if (writeRejects != null) {
      writeRejects.run();
    }
    if (existing == null) {
      return writer.create(definition, columns);
    }
    SchemaDrift.apply(existing, changes);
    existing.refresh();
    return existing;
  }

  /**
   * Appends files written outside Spark, with the source's position checked inside the commit.
   *
   * @return the id of the snapshot committed
   */
  static long appendFiles(Table table, SourceDefinition definition, Batch batch, Position before,
      Position after, List<DataFile> files) {
    AppendFiles append = table.newAppend();
    files.forEach(append::appendFile);
    // The batch's manifest is written in this thread, not handed to Iceberg's worker pool.
    append.scanManifestsWith(InThreadExecutor.INSTANCE);
    summary(definition, batch, after).forEach(append::set);
    append.validateWith(new PositionValidator(definition.name(), before));
    try {
      append.commit();
      return table.currentSnapshot().snapshotId();
    } catch (ValidationException e) {
      // Refused by the validation, so certainly not committed: the files are nobody's.
      for (DataFile file : files) {
        deleteQuietly(table, file.location());
      }
      throw moved(definition, batch, table, e);
    }
  }

  /**
   * Runs a Spark write on a batch branch and publishes it to main, if main still holds the position
   * the batch was planned from.
   *
   * @param write writes the batch to the identifier it is given ({@code ns.t.branch_<b>})
   * @return the id of the snapshot main now points to
   */
  static long write(FloeEngine engine, Table table, SourceDefinition definition, Batch batch, Position before,
      Consumer<String> write) {
    String branch = RunLeftovers.batchBranch(writerId(engine), java.time.Instant.now());
    Long base = publishable(table, ancestors -> SourceState.positionIn(ancestors, definition.name()).equals(before))
        .orElseThrow(() -> moved(definition, batch, table, null));
    return onBranch(table, definition.target(), branch, base, write, () -> moved(definition, batch, table, null));
  }

  /**
   * Appends a batch's rejects to the rejects table once: when the table already holds the batch's
   * rejects (a run killed after them replays the batch), nothing is written.
   *
   * @return false when the batch's rejects were already there
   */
  static boolean writeRejectsOnce(Table rejects, String rejectsName, String writerId, SourceDefinition definition,
      Batch batch, Consumer<String> write) {
    String key = SourceState.batchIdKey(definition.name());
    String removedKey = SourceState.rejectsRemovedKey(definition.name());
    // Newest first: rejects removed since they were written (their rows never committed) are absent.
    Predicate<Iterable<Snapshot>> absent = ancestors -> {
      for (Snapshot snapshot : ancestors) {
        String removed = snapshot.summary().get(removedKey);
        if (removed != null && List.of(removed.split(",")).contains(batch.id())) {
          return true;
        }
        if (batch.id().equals(snapshot.summary().get(key))) {
          return false;
        }
      }
      return true;
    };
    java.util.Optional<Long> base = publishable(rejects, absent);
    if (base.isEmpty()) {
      LOG.debug("Rejects of batch {} are already in {}", batch.id(), rejectsName);
      return false;
    }
    String branch = RunLeftovers.batchBranch(writerId, java.time.Instant.now());
    onBranch(rejects, rejectsName, branch, base.get(), write, () -> FloeException.conflict(
        "Cannot write the rejects of batch %s of source '%s' to %s: another run wrote to it at the same time; "
            + "nothing of this batch was committed. Run floe ingest again.", batch.description(), definition.name(),
        rejectsName));
    return true;
  }

  /** The snapshot properties a batch's commit carries: the source's position after it and the batch id. */
  static Map<String, String> summary(SourceDefinition definition, Batch batch, Position after) {
    return Map.of(SourceState.positionKey(definition.name()), after.value(),
        SourceState.batchIdKey(definition.name()), batch.id());
  }

  /** The name the project's runs write under ({@code .floe/writer-id}). */
  static String writerId(FloeEngine engine) {
    return WriterId.of(engine.project().stateDir());
  }

  /**
   * Drops the batch branches a killed run of this project ({@code writerId}) left on {@code table}
   * (main never read them), and those of another project's runs that are abandoned; a live run of
   * another project on the same catalog keeps its branch.
   */
  static void removeStaleBranches(Table table, String writerId) {
    List<String> removed = new java.util.ArrayList<>();
    java.time.Instant now = java.time.Instant.now();
    boolean committed = changeRefs(table, () -> {
      removed.clear();
      table.refs().keySet().stream().filter(name -> name.startsWith(RunLeftovers.BATCH_BRANCH_PREFIX))
          .filter(name -> RunLeftovers.isRemovable(name, writerId, run -> false, now)).forEach(removed::add);
      if (removed.isEmpty()) {
        return null;
      }
      ManageSnapshots remove = table.manageSnapshots();
      removed.forEach(remove::removeBranch);
      return remove;
    }, () -> FloeException.conflict("Cannot remove the batch branches left by an interrupted run from %s: other "
        + "runs kept committing to it. Run floe ingest again.", table.name()));
    if (committed) {
      LOG.info("Removed {} batch branches left by an interrupted run from {}", removed.size(), table.name());
    }
  }

  /**
   * Commits a change of the table's references, tried again on the refreshed table when it meets another run's
   * commit: Iceberg's reference changes are a transaction that does not retry itself (it fails with "Table metadata
   * refresh is required"), and creating or removing a batch branch does not depend on what the other run committed.
   *
   * @param change the change made on the table as it is now, or null when there is nothing to change; it may throw
   *     the conflict itself when the refreshed table no longer allows the change
   * @return false when there was nothing to change
   */
  static boolean changeRefs(Table table, java.util.function.Supplier<ManageSnapshots> change,
      java.util.function.Supplier<FloeException> conflict) {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      ManageSnapshots refs = change.get();
      if (refs == null) {
        return false;
      }
      try {
        refs.commit();
        return true;
      } catch (CommitFailedException e) {
        LOG.debug("Changing the references of {} raced another commit (attempt {})", table.name(), attempt, e);
        table.refresh();
      }
    }
    throw conflict.get();
  }

  // Main's snapshot id (0 for a table with no snapshot yet: Iceberg's ids are never 0) when the condition holds on main's
  // ancestry; empty when it does not. The table has been refreshed.
  private static java.util.Optional<Long> publishable(Table table, Predicate<Iterable<Snapshot>> condition) {
    table.refresh();
    Snapshot main = table.currentSnapshot();
    Iterable<Snapshot> ancestors = main == null ? List.of() : SnapshotUtil.currentAncestors(table);
    return condition.test(ancestors) ? java.util.Optional.of(main == null ? 0L : main.snapshotId())
        : java.util.Optional.empty();
  }

  // Writes on a branch pinned at main's snapshot `base`, then moves main to it in one reference
  // commit that succeeds only while main is still `base`.
  private static long onBranch(Table table, String name, String branch, long base, Consumer<String> write,
      java.util.function.Supplier<FloeException> conflict) {
    changeRefs(table, () -> {
      if (base != 0L) {
        return table.manageSnapshots().createBranch(branch, base);
      }
      if (table.currentSnapshot() != null) {
        // Planned on an empty table that another run has committed to since.
        throw conflict.get();
      }
      // A table without snapshots: Iceberg starts the branch from an empty snapshot of its own.
      return table.manageSnapshots().createBranch(branch);
    }, conflict);
    table.refresh();
    long branchStart = table.snapshot(branch).snapshotId();
    long published = 0L;
    try {
      write.accept(name + ".branch_" + branch);
      published = publish(table, branch, base, branchStart);
    } finally {
      if (published == 0L) {
        dropBranch(table, branch);
      }
    }
    if (published == 0L) {
      throw conflict.get();
    }
    return published;
  }

  // The published snapshot's id, or 0 when main moved away from `base` (the branch started at
  // `branchStart`, which is `base` unless the table had no snapshot).
  private static long publish(Table table, String branch, long base, long branchStart) {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      table.refresh();
      Snapshot main = table.currentSnapshot();
      Snapshot staged = table.snapshot(branch);
      long mainId = main == null ? 0L : main.snapshotId();
      long stagedParent = staged == null || staged.parentId() == null ? 0L : staged.parentId();
      if (staged == null || mainId != base || stagedParent != branchStart) {
        return 0L;
      }
      try {
        // The operation's base is the metadata just refreshed; the catalog swaps only from it.
        if (main == null) {
          table.manageSnapshots().createBranch(SnapshotRef.MAIN_BRANCH, staged.snapshotId()).removeBranch(branch)
              .commit();
        } else {
          table.manageSnapshots().fastForwardBranch(SnapshotRef.MAIN_BRANCH, branch).removeBranch(branch).commit();
        }
        return staged.snapshotId();
      } catch (CommitFailedException e) {
        LOG.debug("Publishing branch {} of {} raced another commit (attempt {}); checking main again", branch,
            table.name(), attempt, e);
      }
    }
    return 0L;
  }

  private static void deleteQuietly(Table table, String location) {
    try {
      table.io().deleteFile(location);
    } catch (RuntimeException e) {
      LOG.warn("Cannot remove data file {} of a batch that was not committed: {}", location, e.getMessage());
    }
  }

  private static void dropBranch(Table table, String branch) {
    try {
      table.refresh();
      if (table.refs().containsKey(branch)) {
        table.manageSnapshots().removeBranch(branch).commit();
      }
    } catch (RuntimeException e) {
      // The first failure is what the user must see; a branch left here is removed by the next run.
      LOG.warn("Cannot remove batch branch {} of {}: {}", branch, table.name(), e.getMessage());
    }
  }

  private static FloeException moved(SourceDefinition definition, Batch batch, Table table, Exception cause) {
    return FloeException.conflict(cause, "Cannot commit batch %s of source '%s' to %s: another run committed the "
        + "source since this run planned the batch; nothing of this batch was committed. Run floe ingest again.",
        batch.description(), definition.name(), definition.target());
  }

  /** Iceberg calls this on every commit attempt with main's ancestry, newest first. */
  private record PositionValidator(String source, Position expected) implements org.apache.iceberg.SnapshotAncestryValidator {
    @Override
    public boolean validate(Iterable<Snapshot> ancestors) {
      return SourceState.positionIn(ancestors, source).equals(expected);
    }

    @Override
    public String errorMessage() {
      return "the position of source '" + source + "' on main is no longer the one the batch was planned from";
    }
  }
}
