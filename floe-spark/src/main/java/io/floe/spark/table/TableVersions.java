package io.floe.spark.table;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.spark.sql.SparkErrors;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table's versions: its snapshots, branches and tags, and the operations that move them. Each
 * operation is one atomic Iceberg metadata commit.
 */
public final class TableVersions {
  private static final Logger LOG = LoggerFactory.getLogger(TableVersions.class);

  private final String name;
  private final Table table;

  public TableVersions(String name, Table table) {
    this.name = requireNonNull(name, "name is null");
    this.table = requireNonNull(table, "table is null");
  }

  /** Every snapshot, oldest first, with the refs that point at it. */
  public List<SnapshotInfo> snapshots() {
    Snapshot current = table.currentSnapshot();
    List<SnapshotInfo> snapshots = new ArrayList<>();
    for (Snapshot snapshot : table.snapshots()) {
      Map<String, String> summary = snapshot.summary();
      List<String> refs = new ArrayList<>();
      table.refs().entrySet().stream()
          .filter(ref -> ref.getValue().snapshotId() == snapshot.snapshotId())
          .map(ref -> ref.getKey() + (ref.getValue().isTag() ? " (tag)" : ""))
          .sorted()
          .forEach(refs::add);
      snapshots.add(
          new SnapshotInfo(
              snapshot.snapshotId(),
              snapshot.parentId(),
              Instant.ofEpochMilli(snapshot.timestampMillis()),
              snapshot.operation(),
              count(summary, "added-records"),
              count(summary, "deleted-records"),
              count(summary, "total-records"),
              current != null && current.snapshotId() == snapshot.snapshotId(),
              refs));
    }
    snapshots.sort(
        Comparator.comparing(SnapshotInfo::committedAt)
            .thenComparingLong(SnapshotInfo::snapshotId));
    return snapshots;
  }

  /** Branches and tags, {@code main} first. */
  public List<RefInfo> refs(boolean branches) {
    List<RefInfo> refs = new ArrayList<>();
    for (Map.Entry<String, SnapshotRef> entry : table.refs().entrySet()) {
      SnapshotRef ref = entry.getValue();
      if (ref.isBranch() == branches) {
        refs.add(
            new RefInfo(
                entry.getKey(),
                ref.isBranch() ? "branch" : "tag",
                ref.snapshotId(),
                ref.maxRefAgeMs()));
      }
    }
    refs.sort(
        Comparator.comparing((RefInfo ref) -> !ref.name().equals(SnapshotRef.MAIN_BRANCH))
            .thenComparing(RefInfo::name));
    return refs;
  }

  /**
   * Makes {@code snapshotId} the current snapshot of {@code main}. Like Iceberg's
   * rollback_to_snapshot, the target must be an ancestor of the current snapshot.
   */
  public void rollbackTo(long snapshotId) {
    requireSnapshot(snapshotId);
    commit("roll back " + name, () -> table.manageSnapshots().rollbackTo(snapshotId).commit());
    LOG.info("Rolled back {} to snapshot {}", name, snapshotId);
  }

  /** Creates a branch at {@code snapshotId}, or at the current snapshot when null. */
  public long createBranch(String branch, Long snapshotId) {
    requireNewRef(branch);
    Long target = snapshotId != null ? requireSnapshot(snapshotId) : currentSnapshotId();
    commit(
        "create branch " + branch + " of " + name,
        () -> {
          if (target == null) {
            table.manageSnapshots().createBranch(branch).commit();
          } else {
            table.manageSnapshots().createBranch(branch, target).commit();
          }
        });
    return table.refs().get(branch).snapshotId();
  }

  /** Creates a tag at {@code snapshotId}, or at the current snapshot when null. */
  public long createTag(String tag, Long snapshotId) {
    requireNewRef(tag);
    Long target = snapshotId != null ? requireSnapshot(snapshotId) : currentSnapshotId();
    if (target == null) {
      throw FloeException.user(
          "Cannot create tag %s of %s: the table has no snapshot yet. Write to it first.",
          tag, name);
    }
    commit("create tag " + tag + " of " + name,
        () -> table.manageSnapshots().createTag(tag, target).commit());
    return target;
  }

  public void dropBranch(String branch) {
    if (SnapshotRef.MAIN_BRANCH.equals(branch)) {
      throw FloeException.user("Cannot drop branch main of %s: main is the table itself.", name);
    }
    requireRef(branch, true);
    commit("drop branch " + branch + " of " + name,
        () -> table.manageSnapshots().removeBranch(branch).commit());
  }

  public void dropTag(String tag) {
    requireRef(tag, false);
    commit("drop tag " + tag + " of " + name,
        () -> table.manageSnapshots().removeTag(tag).commit());
  }

  private Long currentSnapshotId() {
    Snapshot current = table.currentSnapshot();
    return current == null ? null : current.snapshotId();
  }

  private long requireSnapshot(long snapshotId) {
    if (table.snapshot(snapshotId) == null) {
      throw FloeException.user(
          "Cannot find snapshot %d of %s. Run 'floe snapshots %s' to list its snapshots.",
          snapshotId, name, name);
    }
    return snapshotId;
  }

  private void requireNewRef(String ref) {
    if (ref == null || ref.isBlank()) {
      throw FloeException.user("Cannot create a ref of %s: the name is empty.", name);
    }
    if (table.refs().containsKey(ref)) {
      SnapshotRef existing = table.refs().get(ref);
      throw FloeException.user(
          "Cannot create %s of %s: a %s of that name already exists (at snapshot %d).",
          ref, name, existing.isBranch() ? "branch" : "tag", existing.snapshotId());
    }
  }

  private void requireRef(String ref, boolean branch) {
    SnapshotRef existing = table.refs().get(ref);
    if (existing == null || existing.isBranch() != branch) {
      String kind = branch ? "branch" : "tag";
      throw FloeException.user(
          "Cannot drop %s %s of %s: there is no such %s. Run 'floe %s list %s'.",
          kind, ref, name, kind, kind, name);
    }
  }

  private void commit(String action, Runnable change) {
    SparkErrors.translate(
        action,
        () -> {
          change.run();
          return null;
        });
  }

  private static long count(Map<String, String> summary, String key) {
    return Long.parseLong(summary.getOrDefault(key, "0"));
  }
}
