package io.floe.ingest.postgres;

import static java.util.Objects.requireNonNull;

/**
 * The rows one incremental load reads: watermark above the last position (less the look-back) and
 * at most the high mark taken when the load was planned. Values are PostgreSQL's own text for the
 * column's type, cast back with that type, so timestamps keep their microseconds and zone and no
 * JVM time zone takes part.
 *
 * @param column the watermark column
 * @param columnType the column's declared type, e.g. {@code timestamp with time zone}, {@code bigint}
 * @param from the previous position (exclusive), or null for the first load
 * @param lookBack how far before {@code from} to re-read: an interval such as {@code 2 hours} for
 *     time columns, a number for numeric ones; null for none
 * @param to the high mark (inclusive)
 */
public record WatermarkWindow(
    String column, String columnType, String from, String lookBack, String to) {
  public WatermarkWindow {
    requireNonNull(column, "column is null");
    requireNonNull(columnType, "columnType is null");
    requireNonNull(to, "to is null");
  }

  public boolean isTemporal() {
    return columnType.startsWith("timestamp") || columnType.equals("date");
  }

  /** The WHERE condition selecting the window's rows. */
  public String condition() {
    String quoted = PostgresTypeMapping.quote(column);
    String upper = quoted + " <= " + literal(to);
    if (from == null) {
      return upper;
    }
    String lower = literal(from);
    if (lookBack != null) {
      lower =
          "(" + lower + " - " + (isTemporal() ? "interval " + quoteText(lookBack) : lookBack) + ")";
    }
    return quoted + " > " + lower + " AND " + upper;
  }

  private String literal(String value) {
    return quoteText(value) + "::" + columnType;
  }

  private static String quoteText(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
