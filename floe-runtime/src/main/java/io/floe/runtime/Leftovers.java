package io.floe.runtime;

import io.floe.spark.FloeEngine;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.ManageSnapshots;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What killed runs leave in the catalog, and its removal: the branches a run writes before it
 * publishes ({@code floe_run_*} for models, {@code floe_batch_*} for ingest batches), which main
 * never reads, and tables that such a run created and never published (no main branch once its
 * branches are gone), dropped with their files. Only run while holding the project's lock: then no
 * live run owns any of these.
 */
final class Leftovers {
  private static final Logger LOG = LoggerFactory.getLogger(Leftovers.class);
  static final List<String> RUN_BRANCH_PREFIXES = List.of("floe_run_", "floe_batch_");

  private Leftovers() {}

  /**
   * Removes the files a killed fast-path load left in {@code .floe/staging} (Parquet files DuckDB
   * wrote that no commit references).
   *
   * @return whether there were any
   */
  static boolean removeStagingFiles(java.nio.file.Path stateDir) {
    java.nio.file.Path staging = stateDir.resolve("staging");
    if (!java.nio.file.Files.isDirectory(staging)) {
      return false;
    }
    try (java.util.stream.Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(staging)) {
      List<java.nio.file.Path> paths = walk.sorted(java.util.Comparator.reverseOrder())
          .filter(path -> !path.equals(staging)).toList();
      for (java.nio.file.Path path : paths) {
        java.nio.file.Files.deleteIfExists(path);
      }
      if (!paths.isEmpty()) {
        LOG.info("Removed {} staging files and directories left by interrupted runs", paths.size());
      }
      return !paths.isEmpty();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot remove the staging files in " + staging, e);
    }
  }

  /** Removes the leftovers of every table; returns the tables it changed, as {@code ns.t}. */
  static List<String> remove(FloeEngine engine) {
    List<String> cleaned = new ArrayList<>();
    for (TableIdentifier identifier : engine.tables()) {
      Table table = engine.icebergCatalog().loadTable(identifier);
      List<String> stale = table.refs().keySet().stream()
          .filter(name -> RUN_BRANCH_PREFIXES.stream().anyMatch(name::startsWith)).sorted().toList();
      if (table.refs().isEmpty() && table.currentSnapshot() == null) {
        // No snapshot and no branch at all: a run created it and stopped while dropping it (a
        // shutdown). Left there, the next build would take it for an empty published table.
        engine.icebergCatalog().dropTable(identifier, true);
        cleaned.add(identifier.toString());
        LOG.info("Dropped {}: created by a run that stopped before it published or dropped it", identifier);
        continue;
      }
      if (stale.isEmpty()) {
        continue;
      }
      cleaned.add(identifier.toString());
      if (table.currentSnapshot() == null) {
        // Never published: the table exists only because a killed run created it.
        engine.icebergCatalog().dropTable(identifier, true);
        LOG.info("Dropped {}: created by an interrupted run and never published", identifier);
        continue;
      }
      ManageSnapshots remove = table.manageSnapshots();
      stale.forEach(remove::removeBranch);
      remove.commit();
      LOG.info("Removed branches {} of {} left by interrupted runs", stale, identifier);
    }
    return cleaned;
  }
}
