package io.floe.ingest.postgres;

import static java.util.Objects.requireNonNull;

import io.floe.ingest.spi.SourceColumn;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A column of a query's result as {@code COPY ... (FORMAT binary)} sends it: the wire type that
 * decides how its bytes decode, and the column the engine gets, typed as Spark's JDBC reader types
 * the same result (so either way of reading the query makes the same Iceberg table).
 *
 * @param wire how the value is encoded
 * @param column the column's name and engine type
 * @param scale the digits after the point of a decimal column; 0 for the others
 */
record CopyColumn(Wire wire, SourceColumn column, int scale) {
  CopyColumn {
    requireNonNull(wire, "wire is null");
    requireNonNull(column, "column is null");
  }

  /** The binary encodings this reader decodes (PostgreSQL's send functions of these types). */
  enum Wire { BOOL, INT2, INT4, INT8, OID, FLOAT4, FLOAT8, NUMERIC, TEXT, DATE, TIMESTAMPTZ, BYTEA }

  /**
   * The columns of a query's result, or empty when one has a type this reader does not decode
   * (arrays, or a numeric wider than Iceberg's 38 digits): such a query is read by the engine's
   * JDBC reader only.
   */
  static Optional<List<CopyColumn>> of(ResultSetMetaData result) throws SQLException {
    List<CopyColumn> columns = new ArrayList<>();
    for (int i = 1; i <= result.getColumnCount(); i++) {
      Optional<CopyColumn> column = of(result.getColumnLabel(i), result.getColumnTypeName(i),
          result.getPrecision(i), result.getScale(i));
      if (column.isEmpty()) {
        return Optional.empty();
      }
      columns.add(column.get());
    }
    return Optional.of(List.copyOf(columns));
  }

  // The types the select list leaves (PostgresTypeMapping casts the others to text or timestamptz).
  static Optional<CopyColumn> of(String name, String typeName, int precision, int scale) {
    return switch (typeName) {
      case "bool" -> column(Wire.BOOL, name, "boolean");
      // The driver names an integer column with a sequence default by its serial pseudo-type.
      case "int2", "smallserial" -> column(Wire.INT2, name, "int");
      case "int4", "serial" -> column(Wire.INT4, name, "int");
      case "int8", "bigserial" -> column(Wire.INT8, name, "bigint");
      case "oid" -> column(Wire.OID, name, "decimal(20,0)"); // as Spark's PostgreSQL dialect maps it
      case "float4" -> column(Wire.FLOAT4, name, "float");
      case "float8" -> column(Wire.FLOAT8, name, "double");
      case "numeric" -> precision >= 1 && precision <= 38 && scale >= 0 && scale <= precision
          ? Optional.of(new CopyColumn(Wire.NUMERIC, new SourceColumn(name, "decimal(" + precision + "," + scale + ")"),
              scale)) : Optional.empty();
      case "text", "varchar", "bpchar", "name" -> column(Wire.TEXT, name, "string");
      case "date" -> column(Wire.DATE, name, "date");
      case "timestamptz" -> column(Wire.TIMESTAMPTZ, name, "timestamp");
      case "bytea" -> column(Wire.BYTEA, name, "binary");
      default -> Optional.empty();
    };
  }

  private static Optional<CopyColumn> column(Wire wire, String name, String type) {
    return Optional.of(new CopyColumn(wire, new SourceColumn(name, type), 0));
  }
}
