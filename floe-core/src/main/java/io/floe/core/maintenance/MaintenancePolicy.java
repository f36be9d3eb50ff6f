package io.floe.core.maintenance;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How one table is kept healthy: the {@code maintenance:} settings of floe.yaml, with the table's own
 * overrides from {@code maintenance.tables} applied.
 *
 * @param auto whether a run that commits to the table maintains it afterwards when something is due
 * @param compactMinFiles compact a partition holding at least this many small files
 * @param compactDeletedPercent rewrite a data file once this percentage of its rows is deleted
 * @param targetFileSizeBytes the size compaction writes; files under 3/4 of it count as small (after a
 *     run's commits, files under 1/8 of the table's largest one, at least 1 MiB, at most 1/4 of it)
 * @param expireOlderThan snapshots older than this may be expired
 * @param retainLast the newest snapshots of each branch always kept
 * @param orphansOlderThan only files older than this are removed as orphans
 * @param orphansInterval automatic maintenance looks for orphans at most this often
 * @param minManifests manifests are rewritten once the current snapshot has this many
 */
public record MaintenancePolicy(
    boolean auto,
    boolean compact,
    int compactMinFiles,
    int compactDeletedPercent,
    long targetFileSizeBytes,
    boolean expireSnapshots,
    Duration expireOlderThan,
    int retainLast,
    boolean removeOrphans,
    Duration orphansOlderThan,
    Duration orphansInterval,
    boolean rewriteManifests,
    int minManifests) {
  /** The defaults of floe.yaml's settings. */
  public static final MaintenancePolicy DEFAULTS = new MaintenancePolicy(true, true, 10, 30, 128L << 20, true,
      Duration.ofDays(7), 5, true, Duration.ofDays(3), Duration.ofDays(1), true, 50);

  public MaintenancePolicy {
    requireNonNull(expireOlderThan, "expireOlderThan is null");
    requireNonNull(orphansOlderThan, "orphansOlderThan is null");
    requireNonNull(orphansInterval, "orphansInterval is null");
    if (compactMinFiles < 2 || compactDeletedPercent < 1 || compactDeletedPercent > 100 || targetFileSizeBytes <= 0
        || retainLast < 1 || minManifests < 2) {
      throw new IllegalArgumentException("Invalid maintenance policy: " + compactMinFiles + " min files, "
          + compactDeletedPercent + "% deleted, "
          + targetFileSizeBytes + " target bytes, " + retainLast + " retained, " + minManifests + " min manifests");
    }
  }

  /** This policy with automatic maintenance on or off. */
  public MaintenancePolicy withAuto(boolean on) {
    return new MaintenancePolicy(on, compact, compactMinFiles, compactDeletedPercent, targetFileSizeBytes,
        expireSnapshots, expireOlderThan, retainLast, removeOrphans, orphansOlderThan, orphansInterval,
        rewriteManifests, minManifests);
  }
}
