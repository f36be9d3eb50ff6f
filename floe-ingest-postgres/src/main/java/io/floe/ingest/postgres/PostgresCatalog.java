package io.floe.ingest.postgres;

import io.floe.core.error.FloeException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads a table's columns and primary key from pg_catalog. */
final class PostgresCatalog {
  private static final String COLUMNS =
      "SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typname, t.typtype,"
          + " e.typname, e.typtype"
          + " FROM pg_attribute a"
          + " JOIN pg_class c ON c.oid = a.attrelid"
          + " JOIN pg_namespace n ON n.oid = c.relnamespace"
          + " JOIN pg_type t ON t.oid = a.atttypid"
          + " LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'"
          + " WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped"
          + " ORDER BY a.attnum";

  private static final String PRIMARY_KEY =
      "SELECT a.attname FROM pg_index i"
          + " JOIN pg_class c ON c.oid = i.indrelid"
          + " JOIN pg_namespace n ON n.oid = c.relnamespace"
          + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)"
          + " WHERE i.indisprimary AND n.nspname = ? AND c.relname = ?"
          + " ORDER BY array_position(i.indkey, a.attnum)";

  private PostgresCatalog() {}

  /**
   * The columns of {@code table}, in table order.
   *
   * @throws FloeException (user) if the table does not exist or has no columns
   */
  static List<PostgresColumn> columns(Connection connection, PostgresTableName table)
      throws SQLException {
    List<PostgresColumn> columns = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(COLUMNS)) {
      statement.setString(1, table.schema());
      statement.setString(2, table.table());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add(
              new PostgresColumn(
                  rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                  rows.getString(5), rows.getString(6)));
        }
      }
    }
    if (columns.isEmpty()) {
      throw FloeException.user(
          "Cannot ingest table %s: PostgreSQL has no such table (or the user may not see it)."
              + " Check the source's 'table:' and the user's privileges.",
          table);
    }
    return columns;
  }

  /** The primary key columns of {@code table}, in key order; empty when it has none. */
  static List<String> primaryKey(Connection connection, PostgresTableName table)
      throws SQLException {
    List<String> key = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(PRIMARY_KEY)) {
      statement.setString(1, table.schema());
      statement.setString(2, table.table());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          key.add(rows.getString(1));
        }
      }
    }
    return key;
  }
}
