package io.floe.ingest.spi;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * A column a source produces.
 *
 * @param name the column name as the table will have it
 * @param type a SQL type name: {@code boolean}, {@code int}, {@code bigint}, {@code float},
 *     {@code double}, {@code decimal(p,s)}, {@code string}, {@code date}, {@code timestamp}
 *     (with time zone), {@code timestamp_ntz} or {@code binary}. Row values are Boolean, Integer,
 *     Long, Float, Double, BigDecimal, String, LocalDate, Instant, LocalDateTime and byte[].
 */
public record SourceColumn(String name, String type) {
  private static final Pattern TYPE = Pattern.compile(
      "boolean|int|integer|bigint|long|float|double|string|date|timestamp|timestamp_ntz|binary"
          + "|decimal\\(\\s*\\d+\\s*,\\s*\\d+\\s*\\)");

  public SourceColumn {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    type = type.strip().toLowerCase(java.util.Locale.ROOT);
    if (name.isBlank()) {
      throw new IllegalArgumentException("Invalid column name: the name is blank");
    }
    if (!TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException("Invalid type for column " + name + ": expected one of boolean, int, "
          + "bigint, float, double, decimal(p,s), string, date, timestamp, timestamp_ntz, binary, but was: " + type);
    }
  }
}
