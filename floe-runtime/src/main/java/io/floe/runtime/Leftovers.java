package io.floe.runtime;

import io.floe.core.project.WriterId;
import io.floe.spark.FloeEngine;
import io.floe.spark.table.RunLeftovers;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.ManageSnapshots;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What killed runs leave in the catalog, and its removal: the branches a run writes before it
 * publishes ({@code floe_run_*} for models, {@code floe_batch_*} for ingest batches), which main
 * never reads, and tables that such a run created and never published (no main branch once its
 * branches are gone), dropped with their files. Only run while holding the project's lock: then no
 * live run of this project owns any of these; what another project's live run on the same catalog
 * holds is told apart by its name or its creator ({@link RunLeftovers}) and left to it.
 */
final class Leftovers {
  private static final Logger LOG = LoggerFactory.getLogger(Leftovers.class);

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

  /**
   * Removes the leftovers of every table that this project's runs ({@code ownRun} tells their ids) left,
   * or that another project's runs abandoned ({@link RunLeftovers}); returns the tables it changed, as
   * {@code ns.t}.
   */
  static List<String> remove(FloeEngine engine, java.util.function.Predicate<String> ownRun) {
    return remove(engine.icebergCatalog(), engine.tables(), WriterId.of(engine.project().stateDir()), ownRun,
        java.time.Instant.now());
  }

  /** {@link #remove(FloeEngine, java.util.function.Predicate)} over {@code tables} of {@code catalog}. */
  static List<String> remove(Catalog catalog, List<TableIdentifier> tables, String writerId,
      java.util.function.Predicate<String> ownRun, java.time.Instant now) {
    List<String> cleaned = new ArrayList<>();
    for (TableIdentifier identifier : tables) {
      Table table = catalog.loadTable(identifier);
      List<String> stale = table.refs().keySet().stream().filter(RunLeftovers::isRunBranch)
          .filter(branch -> RunLeftovers.isRemovable(branch, writerId, ownRun, now)).sorted().toList();
      // A live run's branch of another project, or a branch or tag of the user's, keeps the table.
      boolean onlyStale = table.refs().size() == stale.size();
      if (table.currentSnapshot() == null && onlyStale
          && RunLeftovers.isRemovable(table, stale.size(), writerId, now)) {
        // Never published, and no live run of another project writes it: a killed run created it (it
        // has only that run's branches), or created it and stopped while dropping it (a shutdown; it has
        // none). Left there, the next build would take it for an empty published table.
        catalog.dropTable(identifier, true);
        cleaned.add(identifier.toString());
        LOG.info("Dropped {}: created by an interrupted run and never published", identifier);
        continue;
      }
      if (stale.isEmpty()) {
        continue;
      }
      cleaned.add(identifier.toString());
      ManageSnapshots remove = table.manageSnapshots();
      stale.forEach(remove::removeBranch);
      remove.commit();
      LOG.info("Removed branches {} of {} left by interrupted runs", stale, identifier);
    }
    return cleaned;
  }
}
