package io.floe.spark.materialize;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.core.project.CatalogProperties;
import io.floe.spark.FloeEngine;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableCommit;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a run's tables all at once: main of every table moves to its run branch in one
 * transaction of the catalog's database, so a reader of the catalog sees every table of the run at
 * its old state or every one at its new state, never a mix, and a process killed during the publish
 * leaves all of them as they were. Iceberg's own commits (and Nessie's, and write-audit-publish)
 * are per table; the JDBC catalog (SQLite, PostgreSQL) keeps every table's current metadata file in
 * one database table, so the swaps of several tables can share a transaction. Each swap is Iceberg's
 * own compare-and-set ({@code metadata_location} must still be the one the new metadata was built
 * from), written by hand because Iceberg's JDBC catalog commits one table per transaction. Through a
 * REST catalog the moves are one request of the protocol's multi-table commit
 * ({@code POST /v1/transactions/commit}), atomic as far as the server makes it: {@code floe serve}
 * answers it with the same database transaction ({@link #commit}).
 */
public final class MultiTablePublish {
  private static final Logger LOG = LoggerFactory.getLogger(MultiTablePublish.class);
  private static final Pattern VERSION = Pattern.compile("^(\\d+)-");
  // Iceberg's JdbcUtil statement for a table commit (schema V1), run here inside one transaction.
  private static final String SWAP = "UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = ?"
      + " WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND metadata_location = ?"
      + " AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)";

  /**
   * One table's move: main to the head of {@code branch}, the branch removed, and {@code properties}
   * (given the id of the snapshot main moves to) set, in one new metadata version.
   */
  public record Move(String table, String branch, LongFunction<Map<String, String>> properties) {
    public Move {
      requireNonNull(table, "table is null");
      requireNonNull(branch, "branch is null");
      requireNonNull(properties, "properties is null");
    }
  }

  private MultiTablePublish() {}

  /** Whether this engine's catalog may publish several tables in one commit (JDBC, or REST if the server can). */
  public static boolean supported(FloeEngine engine) {
    Catalog catalog = engine.icebergCatalog();
    return catalog instanceof JdbcCatalog || catalog instanceof RESTCatalog;
  }

  /**
   * Publishes every move in one catalog transaction.
   *
   * @return false when the REST server cannot commit several tables at once: then nothing was
   *     published and the caller publishes table by table
   * @throws FloeException a conflict when main of a table moved since its branch was made (another
   *     writer): then nothing is published
   * @throws IllegalStateException when the catalog is neither a JDBC nor a REST one ({@link #supported})
   */
  public static boolean publish(FloeEngine engine, List<Move> moves) {
    Catalog catalog = engine.icebergCatalog();
    if (catalog instanceof RESTCatalog rest) {
      return publishThroughRest(rest, moves);
    }
    if (!(catalog instanceof JdbcCatalog jdbc)) {
      throw new IllegalStateException("Cannot publish atomically through catalog " + catalog.name());
    }
    List<Swap> swaps = new ArrayList<>();
    try {
      for (Move move : moves) {
        TableOperations ops = operations(catalog, TableIdentifier.parse(move.table()));
        TableMetadata base = ops.current();
        java.util.Optional<TableMetadata> updated = updated(base, move);
        if (updated.isPresent()) {
          swaps.add(write(TableIdentifier.parse(move.table()), ops, base, updated.get()));
        }
      }
    } catch (RuntimeException e) {
      // The new metadata files are referenced by nothing: no swap was attempted.
      swaps.forEach(MultiTablePublish::deleteQuietly);
      throw e;
    }
    if (swaps.isEmpty()) {
      return true;
    }
    commit(engine, jdbc.name(), swaps);
    LOG.info("Published {} tables in one catalog transaction", swaps.size());
    return true;
  }

  /**
   * Applies several tables' changes, as a REST client sends them in one multi-table commit, in one
   * transaction of the JDBC catalog's database: every table changes or none does.
   *
   * @throws org.apache.iceberg.exceptions.CommitFailedException when a table's requirement does not
   *     hold (another writer changed it) or its metadata moved meanwhile: nothing is committed
   * @throws UnsupportedOperationException when the engine's catalog is not a JDBC one
   */
  public static void commit(FloeEngine engine, List<UpdateTableRequest> changes) {
    Catalog catalog = engine.icebergCatalog();
    if (!(catalog instanceof JdbcCatalog jdbc)) {
      throw new UnsupportedOperationException("This catalog commits one table at a time; commit each table alone");
    }
    List<Swap> swaps = new ArrayList<>();
    try {
      for (UpdateTableRequest change : changes) {
        TableIdentifier id = requireNonNull(change.identifier(), "a table change without a table identifier");
        TableOperations ops = operations(catalog, id);
        TableMetadata base = ops.current();
        change.requirements().forEach(requirement -> requirement.validate(base));
        TableMetadata.Builder builder = TableMetadata.buildFrom(base);
        change.updates().forEach(update -> update.applyTo(builder));
        swaps.add(write(id, ops, base, builder.build()));
      }
    } catch (RuntimeException e) {
      swaps.forEach(MultiTablePublish::deleteQuietly);
      throw e;
    }
    try {
      commit(engine, jdbc.name(), swaps);
    } catch (FloeException e) {
      if (e.category() == io.floe.core.error.ErrorCategory.CONFLICT) {
        throw new CommitFailedException(e, "%s", e.getMessage());
      }
      throw e;
    }
    LOG.info("Committed {} tables in one catalog transaction for a REST client", swaps.size());
  }

  private static boolean publishThroughRest(RESTCatalog rest, List<Move> moves) {
    List<TableCommit> commits = new ArrayList<>();
    for (Move move : moves) {
      TableIdentifier id = TableIdentifier.parse(move.table());
      TableMetadata base = operations(rest, id).current();
      updated(base, move).ifPresent(updated -> commits.add(TableCommit.create(id, base, updated)));
    }
    if (commits.isEmpty()) {
      return true;
    }
    try {
      rest.commitTransaction(commits);
    } catch (UnsupportedOperationException e) {
      // The server does not offer POST /v1/transactions/commit, or cannot serve it for its catalog.
      LOG.info("The REST catalog cannot commit several tables at once ({}): publishing one table after another",
          e.getMessage());
      return false;
    } catch (CommitFailedException e) {
      throw FloeException.conflict(e, "Cannot publish the run's tables: another writer committed to one of them "
          + "since this run read it (%s); nothing of this run was published. Run the build again.", e.getMessage());
    }
    LOG.info("Published {} tables in one commit of the REST catalog", commits.size());
    return true;
  }

  private record Swap(TableIdentifier id, TableOperations ops, String from, String to) {}

  private static TableOperations operations(Catalog catalog, TableIdentifier id) {
    Table table = catalog.loadTable(id);
    return ((HasTableOperations) table).operations();
  }

  // The table's metadata with main at the head of the move's branch and the branch removed; empty
  // when this run left no branch on it.
  private static java.util.Optional<TableMetadata> updated(TableMetadata base, Move move) {
    SnapshotRef staged = base.ref(move.branch());
    if (staged == null) {
      return java.util.Optional.empty();
    }
    long target = staged.snapshotId();
    if (base.currentSnapshot() != null
        && !SnapshotUtil.isAncestorOf(target, base.currentSnapshot().snapshotId(), base::snapshot)) {
      throw FloeException.conflict("Cannot publish %s (branch %s): main changed since this run started; nothing of "
          + "this run was published. Run the build again.", move.table(), move.branch());
    }
    TableMetadata.Builder builder = TableMetadata.buildFrom(base)
        .setRef(SnapshotRef.MAIN_BRANCH, SnapshotRef.branchBuilder(target).build())
        .removeRef(move.branch());
    Map<String, String> properties = move.properties().apply(target);
    if (!properties.isEmpty()) {
      builder.setProperties(properties);
    }
    return java.util.Optional.of(builder.build());
  }

  // Writes the new metadata file; the swap makes it the table's current one.
  private static Swap write(TableIdentifier id, TableOperations ops, TableMetadata base, TableMetadata updated) {
    String location = ops.metadataFileLocation(String.format(Locale.ROOT, "%05d-%s.metadata.json",
        version(base.metadataFileLocation()) + 1, UUID.randomUUID()));
    TableMetadataParser.write(updated, ops.io().newOutputFile(location));
    return new Swap(id, ops, base.metadataFileLocation(), location);
  }

  private static void commit(FloeEngine engine, String catalogName, List<Swap> swaps) {
    Map<String, String> catalog = CatalogProperties.icebergProperties(engine.project());
    Properties credentials = new Properties();
    if (catalog.containsKey("jdbc.user")) {
      credentials.setProperty("user", catalog.get("jdbc.user"));
    }
    if (catalog.containsKey("jdbc.password")) {
      credentials.setProperty("password", catalog.get("jdbc.password"));
    }
    String uri = catalog.get("uri");
    try (Connection connection = DriverManager.getConnection(uri, credentials)) {
      if (uri.startsWith("jdbc:sqlite:")) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("PRAGMA busy_timeout = 10000");
        }
      }
      connection.setAutoCommit(false);
      try (PreparedStatement swap = connection.prepareStatement(SWAP)) {
        for (Swap each : swaps) {
          swap.setString(1, each.to());
          swap.setString(2, each.from());
          swap.setString(3, catalogName);
          swap.setString(4, String.join(".", each.id().namespace().levels()));
          swap.setString(5, each.id().name());
          swap.setString(6, each.from());
          if (swap.executeUpdate() != 1) {
            connection.rollback();
            swaps.forEach(MultiTablePublish::deleteQuietly);
            throw FloeException.conflict("Cannot publish %s: another writer committed to it since this run read it; "
                + "nothing of this run was published. Run the build again.", each.id());
          }
        }
      }
      // Past this point a failure is ambiguous (the commit may have happened): no file is deleted.
      connection.commit();
    } catch (SQLException e) {
      throw FloeException.external(e, "Cannot publish the run's tables in catalog '%s': %s", catalogName,
          e.getMessage());
    }
  }

  private static int version(String metadataLocation) {
    String name = metadataLocation.substring(metadataLocation.lastIndexOf('/') + 1);
    Matcher matcher = VERSION.matcher(name);
    return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
  }

  private static void deleteQuietly(Swap swap) {
    try {
      swap.ops().io().deleteFile(swap.to());
    } catch (RuntimeException e) {
      LOG.warn("Cannot remove metadata file {} of a publish that did not happen: {}", swap.to(), e.getMessage());
    }
  }
}
