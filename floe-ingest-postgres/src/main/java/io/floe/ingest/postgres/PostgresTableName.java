package io.floe.ingest.postgres;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;

/** A PostgreSQL table, {@code schema.table}; the schema defaults to {@code public}. */
public record PostgresTableName(String schema, String table) {
  public PostgresTableName {
    requireNonNull(schema, "schema is null");
    requireNonNull(table, "table is null");
  }

  /**
   * Parses {@code table} or {@code schema.table}.
   *
   * @throws FloeException (user) for an empty name or more than two parts
   */
  public static PostgresTableName parse(String name) {
    String[] parts = requireNonNull(name, "name is null").strip().split("\\.");
    if (name.isBlank() || parts.length > 2) {
      throw FloeException.user(
          "Cannot read PostgreSQL table '%s': expected table or schema.table.", name);
    }
    return parts.length == 1
        ? new PostgresTableName("public", parts[0])
        : new PostgresTableName(parts[0], parts[1]);
  }

  /** The quoted name for SQL. */
  public String quoted() {
    return PostgresTypeMapping.quote(schema) + "." + PostgresTypeMapping.quote(table);
  }

  @Override
  public String toString() {
    return schema + "." + table;
  }
}
