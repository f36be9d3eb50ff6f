package io.floe.ingest.postgres.audit;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.ingest.postgres.PostgresConnection;
import io.floe.ingest.postgres.PostgresTableName;
import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.Position;
import io.floe.ingest.spi.RowInput;
import io.floe.ingest.spi.RowStream;
import io.floe.ingest.spi.SourceColumn;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * An audit table read as a change source, by its event id: each batch is a window of event ids
 * (from, to], committed with {@code to} as the position, so every event is loaded once. The window
 * ends are planned up front from the ids present, so a re-plan after a crash gives the same batches.
 *
 * <p>Why the event id and not the time: ids are unique and increase, so "after the last committed
 * id" loses and repeats nothing, where a timestamp ties. An id assigned by a transaction that
 * commits after a later id was read is the one case it misses (see the README).
 */
final class PostgresAuditSource implements io.floe.ingest.spi.Source {
  private final String name;
  private final PostgresConnection connection;
  private final PostgresTableName table;
  private final Optional<PostgresTableName> forTable;
  private final AuditColumns columns;
  private final AuditRows rows;
  private final int batchEvents;

  PostgresAuditSource(String name, PostgresConnection connection, PostgresTableName table,
      Optional<PostgresTableName> forTable, AuditColumns columns, Map<String, String> declared, int batchEvents) {
    this.name = requireNonNull(name, "name is null");
    this.connection = requireNonNull(connection, "connection is null");
    this.table = requireNonNull(table, "table is null");
    this.forTable = requireNonNull(forTable, "forTable is null");
    this.columns = requireNonNull(columns, "columns is null");
    this.rows = new AuditRows(columns, declared);
    this.batchEvents = batchEvents;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Batch> plan(Position committed) {
    long from = committed.isStart() ? Long.MIN_VALUE : Long.parseLong(committed.value());
    List<Batch> batches = new ArrayList<>();
    String sql = "SELECT max(id), count(*) FROM (SELECT " + quote(columns.eventId()) + " AS id FROM "
        + table.quoted() + " WHERE " + quote(columns.eventId()) + " > ?" + filter() + " ORDER BY 1 LIMIT "
        + batchEvents + ") window_ids";
    try (Connection db = connection.open(); PreparedStatement statement = db.prepareStatement(sql)) {
      while (true) {
        statement.setLong(1, from);
        bindFilter(statement, 2);
        try (ResultSet result = statement.executeQuery()) {
          result.next();
          long count = result.getLong(2);
          if (count == 0) {
            return batches;
          }
          long to = result.getLong(1);
          batches.add(batch(from, to, count));
          from = to;
        }
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private Batch batch(long from, long to, long count) {
    String window = (from == Long.MIN_VALUE ? "start" : String.valueOf(from)) + ".." + to;
    String id = name + "-" + UUID.nameUUIDFromBytes((table + "|" + forTable.map(Object::toString).orElse("*") + "|"
        + window).getBytes(StandardCharsets.UTF_8)).toString().substring(0, 8);
    String description = count + " events of " + table + forTable.map(t -> " for " + t).orElse("") + " up to "
        + columns.eventId() + " " + to;
    return new Batch(id, new EventWindow(from, to), new Position(String.valueOf(to)), 0, description);
  }

  /** The events of one window, read and converted once, on first use. */
  private final class EventWindow implements RowInput {
    private final long from;
    private final long to;
    private AuditRows.Result result;

    EventWindow(long from, long to) {
      this.from = from;
      this.to = to;
    }

    @Override
    public List<SourceColumn> columns() {
      return load().columns();
    }

    @Override
    public RowStream open() {
      AuditRows.Result loaded = load();
      // Read once per attempt: a retried batch reads the database again.
      result = null;
      return RowStream.of(loaded.rows().iterator(), loaded.rejected());
    }

    private AuditRows.Result load() {
      if (result == null) {
        result = rows.convert(read(from, to));
      }
      return result;
    }
  }

  private List<AuditEvent> read(long from, long to) {
    String sql = "SELECT " + quote(columns.eventId()) + "::bigint, " + quote(columns.operation()) + "::text, "
        + quote(columns.timestamp()) + "::timestamptz, " + quote(columns.payload()) + "::text FROM " + table.quoted()
        + " WHERE " + quote(columns.eventId()) + " > ? AND " + quote(columns.eventId()) + " <= ?" + filter()
        + " ORDER BY 1";
    List<AuditEvent> events = new ArrayList<>();
    try (Connection db = connection.open()) {
      db.setAutoCommit(false);
      try (PreparedStatement statement = db.prepareStatement(sql)) {
        statement.setFetchSize(10_000);
        statement.setLong(1, from);
        statement.setLong(2, to);
        bindFilter(statement, 3);
        try (ResultSet result = statement.executeQuery()) {
          while (result.next()) {
            OffsetDateTime changedAt = result.getObject(3, OffsetDateTime.class);
            events.add(new AuditEvent(result.getLong(1), result.getString(2),
                changedAt == null ? null : changedAt.toInstant(), result.getString(4)));
          }
        }
      }
      db.commit();
    } catch (SQLException e) {
      throw failure(e);
    }
    return events;
  }

  private String filter() {
    return forTable.isEmpty() ? "" : " AND " + quote(columns.schemaColumn()) + " = ? AND "
        + quote(columns.tableColumn()) + " = ?";
  }

  private void bindFilter(PreparedStatement statement, int index) throws SQLException {
    if (forTable.isPresent()) {
      statement.setString(index, forTable.get().schema());
      statement.setString(index + 1, forTable.get().table());
    }
  }

  private FloeException failure(SQLException e) {
    return FloeException.external(e, "Cannot read audit table %s for source '%s': %s. Check the table and its"
        + " columns (%s, %s, %s, %s, %s, %s) or set the source's *-column settings.", table, name, e.getMessage(),
        columns.eventId(), columns.operation(), columns.timestamp(), columns.schemaColumn(), columns.tableColumn(),
        columns.payload());
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  @Override
  public String describe(Position position) {
    return position.isStart() ? "not loaded yet" : "after " + columns.eventId() + " " + position.value();
  }
}
