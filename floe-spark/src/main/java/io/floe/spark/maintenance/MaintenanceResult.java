package io.floe.spark.maintenance;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What maintaining one table did.
 *
 * @param filesBefore the current snapshot's data files before
 * @param filesAfter the current snapshot's data files after
 * @param filesRewritten data files compaction replaced
 * @param filesAdded data files compaction wrote in their place
 * @param snapshotsExpired snapshots removed from the table's history
 * @param orphansRemoved files no snapshot referenced that were deleted
 * @param manifestsBefore the current snapshot's manifests before
 * @param manifestsAfter the current snapshot's manifests after
 * @param actions what ran, in order: compact, expire-snapshots, remove-orphans, rewrite-manifests
 */
public record MaintenanceResult(String table, long filesBefore, long filesAfter, long filesRewritten, long filesAdded,
    long snapshotsExpired, long orphansRemoved, long manifestsBefore, long manifestsAfter, List<String> actions,
    long millis) {
  public MaintenanceResult {
    requireNonNull(table, "table is null");
    actions = List.copyOf(actions);
  }

  /** One line for people: what changed, or that nothing was due. */
  public String summary() {
    if (actions.isEmpty()) {
      return table + ": nothing due (" + filesAfter + " data files, " + manifestsAfter + " manifests)";
    }
    return String.format(java.util.Locale.ROOT,
        "%s: %d -> %d data files (%d compacted into %d), %d snapshots expired, %d orphan files removed, "
            + "%d -> %d manifests in %.1fs",
        table, filesBefore, filesAfter, filesRewritten, filesAdded, snapshotsExpired, orphansRemoved, manifestsBefore,
        manifestsAfter, millis / 1000.0);
  }
}
