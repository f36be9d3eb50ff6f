package io.floe.duckdb;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/** A DuckDB result's values as the Java objects Spark's {@code collect} gives (the Java 8 time API). */
final class JavaValues {
  private JavaValues() {}

  /** Whether a column of this type can be read as Spark would give it. */
  static boolean converts(DataType type) {
    return type instanceof LongType || type instanceof IntegerType || type instanceof DoubleType
        || type instanceof BooleanType || type instanceof StringType || type instanceof DecimalType
        || type instanceof DateType || type instanceof TimestampType || type instanceof TimestampNTZType;
  }

  static Object read(ResultSet result, int column, DataType type) throws SQLException {
    Object value;
    if (type instanceof LongType) {
      value = result.getLong(column);
    } else if (type instanceof IntegerType) {
      value = result.getInt(column);
    } else if (type instanceof DoubleType) {
      value = result.getDouble(column);
    } else if (type instanceof BooleanType) {
      value = result.getBoolean(column);
    } else if (type instanceof StringType) {
      value = result.getString(column);
    } else if (type instanceof DecimalType decimal) {
      java.math.BigDecimal number = result.getBigDecimal(column);
      value = number == null ? null : number.setScale(decimal.scale());
    } else if (type instanceof DateType) {
      value = result.getObject(column, LocalDate.class);
    } else if (type instanceof TimestampType) {
      OffsetDateTime time = result.getObject(column, OffsetDateTime.class);
      value = time == null ? null : time.toInstant();
    } else if (type instanceof TimestampNTZType) {
      value = result.getObject(column, LocalDateTime.class);
    } else {
      throw new IllegalArgumentException("Cannot read a " + type.simpleString() + " column");
    }
    return result.wasNull() ? null : value;
  }
}
