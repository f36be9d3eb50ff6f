package io.floe.ingest.postgres.cdc;

import static io.floe.ingest.postgres.PostgresTypeMapping.quote;

import io.floe.core.error.FloeException;
import io.floe.ingest.postgres.PostgresConnection;
import io.floe.ingest.postgres.PostgresTableName;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * The publication and the logical replication slot of one change source, and the replication
 * connection that creates the slot and streams from it. Every statement names the source, the
 * slot and what to do; none prints the password.
 */
final class ReplicationSlot implements AutoCloseable {
  /**
   * A slot just created: where its stream starts, and the exported snapshot that shows the database
   * exactly as it was there (valid until the replication connection runs its next command).
   */
  record Created(long consistentPoint, String snapshotName) {}

  private final String source;
  private final PostgresConnection connection;
  private final PostgresTableName table;
  private final String slot;
  private final String publication;
  private Connection replication;
  private PGReplicationStream stream;

  ReplicationSlot(String source, PostgresConnection connection, PostgresTableName table, String slot,
      String publication) {
    this.source = source;
    this.connection = connection;
    this.table = table;
    this.slot = slot;
    this.publication = publication;
  }

  String slot() {
    return slot;
  }

  /**
   * Checks the server can decode its log, creates the publication if it is missing, and checks it
   * holds the table.
   */
  void preparePublication(Connection sql) throws SQLException {
    try (Statement statement = sql.createStatement(); ResultSet level = statement.executeQuery("SHOW wal_level")) {
      level.next();
      if (!level.getString(1).equals("logical")) {
        throw FloeException.user("Cannot follow the log for source %s: PostgreSQL runs with wal_level = %s, and"
            + " logical replication needs wal_level = logical. Set it in postgresql.conf (ALTER SYSTEM SET"
            + " wal_level = logical) and restart PostgreSQL.", source, level.getString(1));
      }
    }
    if (!exists(sql, "SELECT 1 FROM pg_publication WHERE pubname = ?", publication)) {
      try (Statement statement = sql.createStatement()) {
        statement.execute("CREATE PUBLICATION " + quote(publication) + " FOR TABLE " + table.quoted());
      } catch (SQLException e) {
        throw FloeException.user(e, "Cannot follow the log for source %s: creating publication %s for table %s"
            + " failed: %s. Create it as the table's owner (CREATE PUBLICATION %s FOR TABLE %s) and run again.",
            source, publication, table, e.getMessage(), publication, table);
      }
    } else if (!exists(sql, "SELECT 1 FROM pg_publication_tables WHERE pubname = ? AND schemaname = ?"
        + " AND tablename = ?", publication, table.schema(), table.table())) {
      throw FloeException.user("Cannot follow the log for source %s: publication %s exists but does not"
          + " publish table %s. Add it (ALTER PUBLICATION %s ADD TABLE %s) or set 'publication:' to another name.",
          source, publication, table, publication, table);
    }
  }

  /** Whether the slot exists. */
  boolean exists(Connection sql) throws SQLException {
    return exists(sql, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slot);
  }

  /**
   * Drops the slot, which a run killed before its initial snapshot committed left behind: nothing was
   * acknowledged from it, and a new slot comes with the snapshot that lines up with it.
   */
  void drop(Connection sql) throws SQLException {
    try (PreparedStatement statement = sql.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
      statement.setString(1, slot);
      statement.execute();
    } catch (SQLException e) {
      throw FloeException.conflict(e, "Cannot restart the initial snapshot of source %s: replication slot %s is"
          + " in use (%s). Stop the other reader of the slot, or set 'slot:' to another name.", source, slot,
          e.getMessage());
    }
  }

  /** Creates the slot on a new replication connection, exporting a snapshot that lines up with it. */
  Created create() throws SQLException {
    try (Statement statement = replication().createStatement();
        ResultSet created = statement.executeQuery(
            "CREATE_REPLICATION_SLOT " + quote(slot) + " LOGICAL pgoutput EXPORT_SNAPSHOT")) {
      created.next();
      return new Created(LogSequenceNumber.valueOf(created.getString("consistent_point")).asLong(),
          created.getString("snapshot_name"));
    } catch (SQLException e) {
      throw FloeException.external(e, "Cannot create replication slot %s for source %s: %s. Check max_replication_slots"
          + " and that the user has the REPLICATION attribute.", slot, source, e.getMessage());
    }
  }

  /**
   * Creates a temporary slot, on a replication connection of its own, only for the snapshot it
   * exports: a run resuming a chunked initial snapshot reads the rest of the table in it. The slot
   * and its snapshot last until {@link Temporary#close()} (or the process ends).
   */
  Temporary createTemporary() throws SQLException {
    Connection own = open();
    String name = temporaryName();
    try (Statement statement = own.createStatement();
        ResultSet created = statement.executeQuery(
            "CREATE_REPLICATION_SLOT " + quote(name) + " TEMPORARY LOGICAL pgoutput EXPORT_SNAPSHOT")) {
      created.next();
      return new Temporary(own, new Created(LogSequenceNumber.valueOf(created.getString("consistent_point")).asLong(),
          created.getString("snapshot_name")));
    } catch (SQLException e) {
      own.close();
      throw FloeException.conflict(e, "Cannot resume the initial snapshot of source %s: creating the temporary"
          + " replication slot %s failed (%s). If another run of the source is resuming it, let it finish; otherwise"
          + " check max_replication_slots.", source, name, e.getMessage());
    }
  }

  // Slot names hold at most 63 characters: a long source's name is cut before the suffix.
  private String temporaryName() {
    String suffix = "_resume";
    return (slot.length() + suffix.length() > 63 ? slot.substring(0, 63 - suffix.length()) : slot) + suffix;
  }

  /** A temporary slot and its exported snapshot, held open by their connection. */
  static final class Temporary implements AutoCloseable {
    private final Connection connection;
    private final Created created;

    private Temporary(Connection connection, Created created) {
      this.connection = connection;
      this.created = created;
    }

    Created created() {
      return created;
    }

    @Override
    public void close() throws SQLException {
      connection.close();
    }
  }

  /** Starts streaming the publication's changes committed after {@code lsn}. */
  PGReplicationStream start(long lsn) throws SQLException {
    if (stream == null) {
      stream = replication().unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
          .withSlotName(slot)
          .withStartPosition(LogSequenceNumber.valueOf(lsn))
          .withSlotOption("proto_version", "1")
          .withSlotOption("publication_names", quote(publication))
          .withStatusInterval(1, TimeUnit.SECONDS)
          .start();
    }
    return stream;
  }

  /** Tells PostgreSQL everything up to {@code lsn} is safe: the slot may let that log go. */
  void acknowledge(long lsn) throws SQLException {
    if (stream != null) {
      LogSequenceNumber position = LogSequenceNumber.valueOf(lsn);
      stream.setFlushedLSN(position);
      stream.setAppliedLSN(position);
      stream.forceUpdateStatus();
    }
  }

  private Connection replication() throws SQLException {
    if (replication == null) {
      replication = open();
    }
    return replication;
  }

  private Connection open() throws SQLException {
    Properties properties = new Properties();
    connection.properties().forEach((key, value) -> {
      if (key.equals("user") || key.equals("password")) {
        properties.setProperty(key, value);
      }
    });
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
    PGProperty.REPLICATION.set(properties, "database");
    PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
    // Timestamps with time zone arrive in the walsender's zone; UTC keeps them readable.
    PGProperty.OPTIONS.set(properties, "-c TimeZone=UTC");
    try {
      return DriverManager.getConnection(connection.url(), properties);
    } catch (SQLException e) {
      throw FloeException.external(e, "Cannot open a replication connection for source %s: %s. The user needs"
          + " the REPLICATION attribute and pg_hba.conf a 'replication' line for it.", source, e.getMessage());
    }
  }

  private static boolean exists(Connection sql, String query, String... parameters) throws SQLException {
    try (PreparedStatement statement = sql.prepareStatement(query)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setString(i + 1, parameters[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }

  @Override
  public void close() {
    try {
      if (stream != null) {
        stream.close();
      }
      if (replication != null) {
        replication.close();
      }
    } catch (SQLException e) {
      throw FloeException.external(e, "Cannot close the replication connection of source %s: %s", source,
          e.getMessage());
    } finally {
      stream = null;
      replication = null;
    }
  }
}
