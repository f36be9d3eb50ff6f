package io.floe.ingest.spi;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * A column a source produces.
 *
 * @param name the column name as the table will have it
 * @param type a SQL type name: {@code boolean}, {@code int}, {@code bigint}, {@code float},
 *     {@code double}, {@code decimal(p,s)}, {@code string}, {@code date}, {@code timestamp}
 *     (with time zone), {@code timestamp_ntz} or {@code binary}, or a nested one built of them:
 *     {@code array<T>}, {@code map<K,V>}, {@code struct<name:T,...>}. Row values are Boolean,
 *     Integer, Long, Float, Double, BigDecimal, String, LocalDate, Instant, LocalDateTime and
 *     byte[]; a {@link java.util.List} for an array, a {@link java.util.Map} for a map and an
 *     {@code Object[]} (one value per field, in order) for a struct.
 */
public record SourceColumn(String name, String type) {
  private static final Pattern PRIMITIVE = Pattern.compile(
      "boolean|int|integer|bigint|long|float|double|string|date|timestamp|timestamp_ntz|binary"
          + "|decimal\\(\\s*\\d+\\s*,\\s*\\d+\\s*\\)");

  private static final Pattern DECIMAL = Pattern.compile("decimal\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");

  public SourceColumn {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    type = type.strip().toLowerCase(java.util.Locale.ROOT);
    if (name.isBlank()) {
      throw new IllegalArgumentException("Invalid column name: the name is blank");
    }
    java.util.regex.Matcher decimal = DECIMAL.matcher(type);
    while (decimal.find()) {
      int precision = Integer.parseInt(decimal.group(1));
      int scale = Integer.parseInt(decimal.group(2));
      if (precision < 1 || precision > 38 || scale > precision) {
        throw new IllegalArgumentException("Invalid type for column " + name + ": " + decimal.group()
            + " must have a precision from 1 to 38 (Iceberg's limit) and a scale no larger than it");
      }
    }
    if (!valid(type)) {
      throw new IllegalArgumentException("Invalid type for column " + name + ": expected one of boolean, int, "
          + "bigint, float, double, decimal(p,s), string, date, timestamp, timestamp_ntz, binary, or array<T>, "
          + "map<K,V>, struct<name:T,...> of them, but was: " + type);
    }
  }

  // A small recursive check of the nested forms; the engine parses the type itself.
  private static boolean valid(String type) {
    String t = type.strip();
    if (PRIMITIVE.matcher(t).matches()) {
      return true;
    }
    if (t.startsWith("array<") && t.endsWith(">")) {
      return valid(t.substring(6, t.length() - 1));
    }
    if (t.startsWith("map<") && t.endsWith(">")) {
      java.util.List<String> parts = topLevel(t.substring(4, t.length() - 1));
      return parts.size() == 2 && valid(parts.get(0)) && valid(parts.get(1));
    }
    if (t.startsWith("struct<") && t.endsWith(">")) {
      java.util.List<String> fields = topLevel(t.substring(7, t.length() - 1));
      for (String field : fields) {
        int colon = field.indexOf(':');
        if (colon <= 0 || field.substring(0, colon).isBlank() || !valid(field.substring(colon + 1))) {
          return false;
        }
      }
      return !fields.isEmpty();
    }
    return false;
  }

  /** Splits on commas outside {@code <>} and {@code ()}: {@code string, map<string,int>} is two parts. */
  public static java.util.List<String> topLevel(String list) {
    java.util.List<String> parts = new java.util.ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < list.length(); i++) {
      char c = list.charAt(i);
      if (c == '<' || c == '(') {
        depth++;
      } else if (c == '>' || c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(list.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(list.substring(start));
    return parts;
  }
}
