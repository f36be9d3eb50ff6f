package io.floe.spark.maintenance;

import static java.util.Objects.requireNonNull;

import io.floe.core.maintenance.MaintenancePolicy;
import io.floe.core.project.Locations;
import io.floe.spark.FloeEngine;
import io.floe.spark.local.LocalExecutor;
import io.floe.spark.table.UncommittedFiles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.actions.RewriteDataFiles;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.apache.iceberg.spark.actions.DeleteOrphanFilesSparkAction;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.iceberg.util.ContentFileUtil;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one Iceberg table healthy with Iceberg's Spark actions: compacts small files, expires old
 * snapshots, removes orphan files and rewrites manifests, each when its {@link MaintenancePolicy}
 * says it is due. Whether something is due is decided from the table's metadata alone, so checking
 * a table that needs nothing starts no Spark job. The caller holds the project's writer lock.
 */
public final class TableMaintenance {
  /** The table property recording when orphan files were last looked for (epoch millis). */
  public static final String ORPHANS_CHECKED_AT = "floe.maintenance.orphans-checked-at";
  // Floe's ingest keeps each source's position in the summaries of its commits (SourceState in
  // floe-ingest): the newest snapshot of main carrying a source's keys is where the next load starts.
  private static final String SOURCE_KEY_PREFIX = "floe.source.";
  private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);
  private static final long MIN_SMALL_FILE_BYTES = 1L << 20;

  private final FloeEngine engine;

  public TableMaintenance(FloeEngine engine) {
    this.engine = requireNonNull(engine, "engine is null");
  }

  /** What is due on a table, from its metadata. */
  public record Due(boolean compact, boolean expireSnapshots, boolean removeOrphans, boolean rewriteManifests) {
    public boolean any() {
      return compact || expireSnapshots || removeOrphans || rewriteManifests;
    }
  }

  /**
   * What {@code policy} says is due on {@code table} now. Orphans are due when the policy allows and
   * they were not looked for within its interval ({@code explicit} requests look always).
   */
  public Due due(Table table, MaintenancePolicy policy, boolean explicit) {
    long now = System.currentTimeMillis();
    return new Due(
        policy.compact() && compactionDue(table, policy, explicit),
        policy.expireSnapshots() && !expirable(table, policy, now).isEmpty(),
        // A table without a snapshot has written nothing yet that could be orphaned.
        policy.removeOrphans() && table.currentSnapshot() != null && (explicit || orphansDue(table, policy, now)),
        policy.rewriteManifests() && manifests(table) >= policy.minManifests());
  }

  /**
   * Maintains {@code name}: runs what is due, in the order compact, expire snapshots (which deletes
   * the files compaction replaced), remove orphans, rewrite manifests.
   *
   * @param explicit a {@code floe maintain}: orphans are looked for whatever the interval says
   * @param progress hears each step as it starts
   */
  public MaintenanceResult maintain(String name, MaintenancePolicy policy, boolean explicit, Consumer<String> progress) {
    long start = System.nanoTime();
    Table table = engine.table(name);
    long filesBefore = dataFiles(table);
    long manifestsBefore = manifests(table);
    Due due = due(table, policy, explicit);
    List<String> actions = new ArrayList<>();
    long rewritten = 0;
    long added = 0;
    long expired = 0;
    long orphans = 0;
    SparkActions spark = SparkActions.get(engine.session());
    if (due.compact()) {
      progress.accept("compacting " + filesBefore + " data files");
      Snapshot planned = table.currentSnapshot();
      List<FileScanTask> files = currentFiles(table);
      long small = smallFileBytes(files.stream().map(task -> task.file().fileSizeInBytes()).toList(), policy, explicit);
      Optional<long[]> local = compactLocally(table, planned, files, policy, small);
      if (local.isPresent()) {
        rewritten = local.get()[0];
        added = local.get()[1];
      } else {
        RewriteDataFiles rewrite = spark.rewriteDataFiles(table)
            .option(RewriteDataFiles.TARGET_FILE_SIZE_BYTES, Long.toString(policy.targetFileSizeBytes()))
            .option("min-file-size-bytes", Long.toString(small))
            .option("min-input-files", Integer.toString(policy.compactMinFiles()))
            .option("delete-ratio-threshold", Double.toString(policy.compactDeletedPercent() / 100.0));
        rewrite = table.sortOrder().isSorted() ? rewrite.sort() : rewrite.binPack();
        RewriteDataFiles.Result result = rewrite.execute();
        rewritten = result.rewrittenDataFilesCount();
        added = result.addedDataFilesCount();
      }
      actions.add("compact");
      table.refresh();
    }
    if (policy.expireSnapshots() && (due.expireSnapshots() || due.compact())) {
      Set<Long> expirable = expirable(table, policy, System.currentTimeMillis());
      if (!expirable.isEmpty()) {
        progress.accept("expiring " + expirable.size() + " snapshots");
        int before = size(table.snapshots());
        long cutoff = cutoff(table, policy, System.currentTimeMillis());
        if (explicit) {
          // Spark plans which files the expired snapshots alone used: it scales to any table.
          spark.expireSnapshots(table).expireOlderThan(cutoff).retainLast(policy.retainLast()).execute();
        } else {
          // After a commit only a few snapshots are due: Iceberg's own expiry does it without a Spark job.
          table.expireSnapshots().expireOlderThan(cutoff).retainLast(policy.retainLast()).commit();
        }
        table.refresh();
        expired = before - size(table.snapshots());
        actions.add("expire-snapshots");
      }
    }
    if (due.removeOrphans()) {
      progress.accept("looking for orphan files older than " + policy.orphansOlderThan());
      long olderThan = System.currentTimeMillis() - policy.orphansOlderThan().toMillis();
      orphans = size(orphanSearch(spark, table).olderThan(olderThan).execute().orphanFileLocations());
      table.updateProperties().set(ORPHANS_CHECKED_AT, Long.toString(System.currentTimeMillis())).commit();
      table.refresh();
      actions.add("remove-orphans");
    }
    if (policy.rewriteManifests() && manifests(table) >= policy.minManifests()) {
      progress.accept("rewriting " + manifests(table) + " manifests");
      spark.rewriteManifests(table).execute();
      table.refresh();
      actions.add("rewrite-manifests");
    }
    MaintenanceResult result = new MaintenanceResult(name, filesBefore, dataFiles(table), rewritten, added, expired,
        orphans, manifestsBefore, manifests(table), actions, (System.nanoTime() - start) / 1_000_000);
    LOG.info("Maintained {}", result.summary());
    return result;
  }

  /**
   * What counts as a small file. For {@code floe maintain}, a file under 3/4 of the target size
   * (Iceberg's own default). For the automatic maintenance after a run's commits, a file small next to
   * the table's largest: under 1/8 of it (at least 1 MiB, at most 1/4 of the target size). That one
   * merges the small files commits leave, tier by tier, and never a table's few large files with them:
   * under a fixed 1/4 of the target, every table smaller than that (at 3.8M e-commerce rows, all of
   * them) was rewritten whole every min-files commits, 2 to 20 s each, some table in most runs of a
   * server building every few minutes.
   */
  static long smallFileBytes(List<Long> fileSizes, MaintenancePolicy policy, boolean explicit) {
    if (explicit) {
      return policy.targetFileSizeBytes() * 3 / 4;
    }
    long largest = fileSizes.stream().mapToLong(Long::longValue).max().orElse(0);
    return Math.min(policy.targetFileSizeBytes() / 4, Math.max(largest / 8, MIN_SMALL_FILE_BYTES));
  }

  // At least min-files small files (see smallFileBytes) in one partition, or a data file with
  // deleted-rows-percent of its rows deleted (as far as file-scoped position deletes tell; Iceberg's
  // compaction counts them the same way). The summary's totals settle most checks without reading a
  // manifest.
  private static boolean compactionDue(Table table, MaintenancePolicy policy, boolean explicit) {
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return false;
    }
    boolean fewFiles = dataFiles(table) < policy.compactMinFiles();
    if (fewFiles && deleteFiles(current) == 0) {
      return false;
    }
    List<FileScanTask> files = currentFiles(table);
    if (files.stream().anyMatch(task -> deletedPercent(task) >= policy.compactDeletedPercent())) {
      return true;
    }
    if (fewFiles) {
      return false;
    }
    long small = smallFileBytes(files.stream().map(task -> task.file().fileSizeInBytes()).toList(), policy, explicit);
    Map<String, Integer> smallFiles = new HashMap<>();
    for (FileScanTask task : files) {
      String partition = task.file().specId() + "/" + task.file().partition();
      if (task.file().fileSizeInBytes() < small
          && smallFiles.merge(partition, 1, Integer::sum) >= policy.compactMinFiles()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Compacts an unpartitioned table's small files through the local executor (DuckDB), when there is
   * one and it takes the table: a Spark job cost 1 to 4 s for ten files of a few hundred KB, in most
   * runs of a server building every few minutes. The commit replaces exactly the files read, from
   * the snapshot they were planned at: Iceberg refuses it if a concurrent commit deleted any of them.
   * Files with deletes, partitioned tables and a compaction due to deleted rows are left to Spark.
   *
   * @return the numbers of files rewritten and added, or empty when Spark is to compact
   */
  private Optional<long[]> compactLocally(Table table, Snapshot snapshot, List<FileScanTask> files,
      MaintenancePolicy policy, long small) {
    Optional<LocalExecutor> executor = LocalExecutor.of(engine);
    if (executor.isEmpty() || snapshot == null || table.spec().isPartitioned()
        || files.stream().anyMatch(task -> !task.deletes().isEmpty()
            && deletedPercent(task) >= policy.compactDeletedPercent())) {
      return Optional.empty();
    }
    List<FileScanTask> chosen = files.stream()
        .filter(task -> task.deletes().isEmpty() && task.file().fileSizeInBytes() < small).toList();
    if (chosen.size() < policy.compactMinFiles()) {
      return Optional.empty();
    }
    Optional<List<DataFile>> written = executor.get().rewrite(engine, table, chosen, policy.targetFileSizeBytes(),
        "compact " + table.name());
    if (written.isEmpty()) {
      return Optional.empty();
    }
    RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(snapshot.snapshotId())
        .dataSequenceNumber(snapshot.sequenceNumber());
    chosen.forEach(task -> rewrite.deleteFile(task.file()));
    written.get().forEach(rewrite::addFile);
    try {
      rewrite.commit();
    } catch (RuntimeException e) {
      // Nothing references the new files: remove them before the error goes on.
      written.get().forEach(file -> UncommittedFiles.deleteAfter(e, table, file.location()));
      throw e;
    }
    return Optional.of(new long[] {chosen.size(), written.get().size()});
  }

  // The tasks of the table's current data files, planned once for what compaction decides and reads.
  private static List<FileScanTask> currentFiles(Table table) {
    List<FileScanTask> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      tasks.forEach(files::add);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot list the data files of " + table.name(), e);
    }
    return files;
  }

  // Snapshots an expiry with this policy would remove, computed the way Iceberg's expiry retains:
  // every reference's snapshot, and on each branch the newest retain-last snapshots and those after
  // the cutoff.
  private static Set<Long> expirable(Table table, MaintenancePolicy policy, long now) {
    long cutoff = cutoff(table, policy, now);
    Set<Long> retained = new HashSet<>();
    for (SnapshotRef ref : table.refs().values()) {
      retained.add(ref.snapshotId());
      if (ref.isBranch()) {
        int kept = 0;
        for (Snapshot ancestor : SnapshotUtil.ancestorsOf(ref.snapshotId(), table::snapshot)) {
          if (kept < policy.retainLast() || ancestor.timestampMillis() >= cutoff) {
            retained.add(ancestor.snapshotId());
            kept++;
          } else {
            break;
          }
        }
      }
    }
    Set<Long> expirable = new HashSet<>();
    for (Snapshot snapshot : table.snapshots()) {
      if (!retained.contains(snapshot.snapshotId())) {
        expirable.add(snapshot.snapshotId());
      }
    }
    return expirable;
  }

  /**
   * The expiry cutoff: the policy's, moved back to the oldest snapshot a source's position is read
   * from. Ingest reads a source's position from the newest snapshot of main that carries it, walking
   * back from main; expiring that snapshot would make the next load start over and load twice.
   */
  static long cutoff(Table table, MaintenancePolicy policy, long now) {
    long cutoff = now - policy.expireOlderThan().toMillis();
    if (table.currentSnapshot() == null) {
      return cutoff;
    }
    Set<String> seen = new HashSet<>();
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      Map<String, String> summary = snapshot.summary();
      if (summary == null) {
        continue;
      }
      for (String key : summary.keySet()) {
        if (key.startsWith(SOURCE_KEY_PREFIX) && seen.add(key)) {
          cutoff = Math.min(cutoff, snapshot.timestampMillis());
        }
      }
    }
    return cutoff;
  }

  private static boolean orphansDue(Table table, MaintenancePolicy policy, long now) {
    String checked = table.properties().get(ORPHANS_CHECKED_AT);
    if (checked == null) {
      // First look after the table is older than the safety age: nothing can be an orphan before.
      Snapshot first = firstSnapshot(table);
      return first != null && first.timestampMillis() < now - policy.orphansOlderThan().toMillis();
    }
    try {
      return Long.parseLong(checked) < now - policy.orphansInterval().toMillis();
    } catch (NumberFormatException e) {
      LOG.warn("Table {} has an unreadable {}='{}'; looking for orphans now", table.name(), ORPHANS_CHECKED_AT,
          checked, e);
      return true;
    }
  }

  private static Snapshot firstSnapshot(Table table) {
    Snapshot first = null;
    for (Snapshot snapshot : table.snapshots()) {
      if (first == null || snapshot.timestampMillis() < first.timestampMillis()) {
        first = snapshot;
      }
    }
    return first;
  }

  /** The data files of the table's current snapshot, from its summary. */
  public static long dataFiles(Table table) {
    Snapshot current = table.currentSnapshot();
    return current == null ? 0 : Long.parseLong(current.summary().getOrDefault("total-data-files", "0"));
  }

  // The share of the file's rows its file-scoped position deletes remove, in percent.
  private static double deletedPercent(FileScanTask task) {
    long deleted = 0;
    for (DeleteFile delete : task.deletes()) {
      // Its file_path bounds name one file even where referenced_data_file is not written.
      boolean fileScoped = task.file().location().equals(ContentFileUtil.referencedDataFileLocation(delete));
      if (delete.content() == FileContent.POSITION_DELETES && fileScoped) {
        deleted += delete.recordCount();
      }
    }
    return task.file().recordCount() == 0 ? 0 : 100.0 * deleted / task.file().recordCount();
  }

  // Position and equality delete files of the snapshot, from its summary.
  private static long deleteFiles(Snapshot snapshot) {
    return Long.parseLong(snapshot.summary().getOrDefault("total-delete-files", "0"));
  }

  /** The manifests of the table's current snapshot (reads its manifest list). */
  public static long manifests(Table table) {
    Snapshot current = table.currentSnapshot();
    return current == null ? 0 : current.allManifests(table.io()).size();
  }

  private static int size(Iterable<?> items) {
    int count = 0;
    for (Object ignored : items) {
      count++;
    }
    return count;
  }

  // On an object store, Spark's listing would go through a Hadoop file system, and Floe carries none
  // for s3://; the table's own FileIO lists by prefix instead. The trailing slash keeps a sibling
  // table whose name starts with this one's (events and events__rejects) out of the listing.
  private static DeleteOrphanFilesSparkAction orphanSearch(SparkActions spark, Table table) {
    DeleteOrphanFilesSparkAction action = spark.deleteOrphanFiles(table);
    String location = table.location();
    if (!Locations.isLocal(location) && table.io() instanceof SupportsPrefixOperations) {
      action = action.usePrefixListing(true).location(location.endsWith("/") ? location : location + "/");
    }
    return action;
  }
}
