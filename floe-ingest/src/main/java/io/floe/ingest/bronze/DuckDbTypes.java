package io.floe.ingest.bronze;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/** Between the engine's column types and DuckDB's: names, literals, and DuckDB's type sniffing. */
final class DuckDbTypes {
  private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),\\s*(\\d+)\\)");

  private DuckDbTypes() {}

  /** DuckDB's name for a column type (timestamps with time zone are instants, as in Iceberg). */
  static String of(DataType type) {
    if (type instanceof ByteType || type instanceof ShortType || type instanceof IntegerType) {
      return "INTEGER";
    }
    if (type instanceof LongType) {
      return "BIGINT";
    }
    if (type instanceof FloatType) {
      return "FLOAT";
    }
    if (type instanceof DoubleType) {
      return "DOUBLE";
    }
    if (type instanceof DecimalType decimal) {
      return "DECIMAL(" + decimal.precision() + ", " + decimal.scale() + ")";
    }
    if (type instanceof BooleanType) {
      return "BOOLEAN";
    }
    if (type instanceof DateType) {
      return "DATE";
    }
    if (type instanceof TimestampType) {
      return "TIMESTAMPTZ";
    }
    if (type instanceof TimestampNTZType) {
      return "TIMESTAMP";
    }
    if (type instanceof StringType) {
      return "VARCHAR";
    }
    if (type instanceof BinaryType) {
      return "BLOB";
    }
    throw new IllegalArgumentException("Cannot map type " + type.simpleString() + " to DuckDB");
  }

  /**
   * The types DuckDB's sniffer reads in the result of {@code query}, as engine types. Describing the
   * query only sniffs; the rows are read (once, for every column at once) only when a whole-number
   * column may be narrowed to an int.
   */
  static Map<String, DataType> sniff(Connection duck, String query) throws SQLException {
    Map<String, DataType> types = new LinkedHashMap<>();
    try (Statement statement = duck.createStatement()) {
      try (ResultSet columns = statement.executeQuery("DESCRIBE SELECT * FROM " + query + " sample")) {
        while (columns.next()) {
          types.put(columns.getString("column_name"), fromDuckDb(columns.getString("column_type")));
        }
      }
      narrowToInt(statement, query, types);
    }
    return types;
  }

  // Like the Spark path's inference, a whole number that fits is an int, not a bigint.
  private static void narrowToInt(Statement statement, String query, Map<String, DataType> types)
      throws SQLException {
    List<String> longs = types.entrySet().stream().filter(entry -> entry.getValue() instanceof LongType)
        .map(Map.Entry::getKey).toList();
    if (longs.isEmpty()) {
      return;
    }
    String fits = longs.stream().map(DuckDbTypes::identifier)
        .map(name -> "coalesce(min(" + name + ") >= " + Integer.MIN_VALUE + " AND max(" + name + ") <= "
            + Integer.MAX_VALUE + ", true)")
        .collect(Collectors.joining(", "));
    try (ResultSet range = statement.executeQuery("SELECT " + fits + " FROM " + query + " sample")) {
      range.next();
      for (int i = 0; i < longs.size(); i++) {
        if (range.getBoolean(i + 1)) {
          types.put(longs.get(i), DataTypes.IntegerType);
        }
      }
    }
  }

  private static DataType fromDuckDb(String type) {
    Matcher decimal = DECIMAL.matcher(type);
    if (decimal.matches()) {
      return DataTypes.createDecimalType(Integer.parseInt(decimal.group(1)), Integer.parseInt(decimal.group(2)));
    }
    return switch (type) {
      case "BIGINT", "UBIGINT", "UINTEGER" -> DataTypes.LongType;
      case "INTEGER", "SMALLINT", "TINYINT", "USMALLINT", "UTINYINT" -> DataTypes.IntegerType;
      case "HUGEINT" -> DataTypes.createDecimalType(38, 0);
      case "DOUBLE" -> DataTypes.DoubleType;
      case "FLOAT" -> DataTypes.FloatType;
      case "BOOLEAN" -> DataTypes.BooleanType;
      case "DATE" -> DataTypes.DateType;
      // A CSV timestamp without an offset is read as UTC, as the Spark path reads it.
      case "TIMESTAMP", "TIMESTAMP WITH TIME ZONE" -> DataTypes.TimestampType;
      default -> DataTypes.StringType;
    };
  }

  /** A SQL string literal. */
  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /** A quoted identifier. */
  static String identifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
