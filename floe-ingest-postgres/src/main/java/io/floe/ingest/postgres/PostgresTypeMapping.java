package io.floe.ingest.postgres;

import io.floe.core.error.FloeException;
import java.util.Set;

/**
 * Decides how each PostgreSQL column is selected so that Spark's JDBC reader, and then Iceberg,
 * get a type they map faithfully. Types the driver hands over well are selected as they are; the
 * rest are cast to text in the query, where PostgreSQL renders them exactly; types with no honest
 * mapping stop the load with the table and column named.
 */
public final class PostgresTypeMapping {
  /** Types Spark's PostgreSQL dialect maps as they are (numeric(p,s) → decimal(p,s), ...). */
  private static final Set<String> NATIVE =
      Set.of(
          "bool", "int2", "int4", "int8", "float4", "float8", "numeric", "text", "varchar",
          "bpchar", "name", "date", "timestamptz", "bytea", "oid");

  /** Types PostgreSQL renders as text without loss: identifiers, documents, addresses. */
  private static final Set<String> AS_TEXT =
      Set.of(
          "uuid", "json", "jsonb", "xml", "inet", "cidr", "macaddr", "macaddr8", "time", "timetz",
          "interval", "citext", "money", "bit", "varbit", "tsvector");

  /** Array element types the JDBC reader maps to Spark arrays. */
  private static final Set<String> NATIVE_ARRAY_ELEMENTS =
      Set.of("bool", "int2", "int4", "int8", "float4", "float8", "numeric", "text", "varchar",
          "bpchar", "date", "timestamptz");

  private PostgresTypeMapping() {}

  /**
   * The SELECT-list expression for {@code column} of {@code table}.
   *
   * @throws FloeException (user) for a type Floe cannot map, with what to do instead
   */
  public static String selectExpression(String table, PostgresColumn column) {
    String quoted = quote(column.name());
    if (column.isArray()) {
      return arrayExpression(table, column, quoted);
    }
    if (column.typeKind().equals("e")) {
      return quoted + "::text AS " + quoted;
    }
    if (column.typeName().equals("numeric") && !column.declaredType().contains("(")) {
      // Unbounded numeric: Spark would pick decimal(38,18); say what we keep instead.
      return quoted + "::numeric(38,9) AS " + quoted;
    }
    if (column.typeName().equals("timestamp")) {
      // Wall-clock timestamps are read as UTC, so the value does not depend on the JVM's zone.
      return quoted + " AT TIME ZONE 'UTC' AS " + quoted;
    }
    if (NATIVE.contains(column.typeName())) {
      return quoted;
    }
    if (AS_TEXT.contains(column.typeName())) {
      return quoted + "::text AS " + quoted;
    }
    throw unsupported(table, column);
  }

  private static String arrayExpression(String table, PostgresColumn column, String quoted) {
    if (NATIVE_ARRAY_ELEMENTS.contains(column.elementTypeName())) {
      return quoted;
    }
    if ("e".equals(column.elementTypeKind()) || AS_TEXT.contains(column.elementTypeName())) {
      return quoted + "::text[] AS " + quoted;
    }
    if (column.elementTypeName().equals("timestamp")) {
      return quoted + "::timestamptz[] AS " + quoted;
    }
    throw unsupported(table, column);
  }

  private static FloeException unsupported(String table, PostgresColumn column) {
    return FloeException.user(
        "Cannot ingest table %s: column %s has type %s, which Floe cannot map to an Iceberg type."
            + " Cast it in the source's query (e.g. %s::text) or leave it out with 'columns:'.",
        table, column.name(), column.declaredType(), column.name());
  }

  /** Quotes an identifier for PostgreSQL. */
  public static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
