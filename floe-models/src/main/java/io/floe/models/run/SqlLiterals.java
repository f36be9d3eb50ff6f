package io.floe.models.run;

import io.floe.core.error.FloeException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Values as Spark SQL literals that read back as the same value and type. */
final class SqlLiterals {
  // Microseconds: Spark's timestamp precision, so the literal is the exact value.
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private SqlLiterals() {}

  /**
   * The literal of a value as Spark returns it (with the Java 8 time API; session time zone UTC).
   *
   * @param what names the value in the error for a type without a literal
   */
  static String of(Object value, String what) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof Instant instant) {
      return "TIMESTAMP '" + TIMESTAMP.format(instant.atOffset(ZoneOffset.UTC)) + "'";
    }
    if (value instanceof LocalDateTime local) {
      return "TIMESTAMP_NTZ '" + TIMESTAMP.format(local) + "'";
    }
    if (value instanceof LocalDate date) {
      return "DATE '" + date + "'";
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString() + "BD";
    }
    if (value instanceof Long number) {
      return number + "L";
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return "CAST(" + value + " AS " + (value instanceof Integer ? "INT" : value instanceof Short ? "SMALLINT"
          : "TINYINT") + ")";
    }
    if (value instanceof Double || value instanceof Float) {
      return "CAST('" + value + "' AS " + (value instanceof Double ? "DOUBLE" : "FLOAT") + ")";
    }
    if (value instanceof Boolean bool) {
      return bool ? "TRUE" : "FALSE";
    }
    if (value instanceof String text) {
      return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
    throw FloeException.user("Cannot use %s as a literal: it is a %s; max_of() takes numbers, strings, booleans,"
        + " dates and timestamps.", what, value.getClass().getSimpleName());
  }
}
