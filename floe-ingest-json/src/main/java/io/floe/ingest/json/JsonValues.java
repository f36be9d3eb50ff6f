package io.floe.ingest.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.ingest.spi.SourceColumn;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON values as typed columns, the one place connectors that read JSON (audit payloads, HTTP APIs)
 * agree on: whole numbers are bigint, other numbers double, true/false boolean, anything else
 * string; two types of one key widen to the narrowest type that holds both (bigint and double to
 * double, anything mixed with text or booleans to string). Values convert to the Java types of
 * {@link io.floe.ingest.spi.SourceColumn}, including the nested array, map and struct types.
 */
public final class JsonValues {
  private static final Pattern DECIMAL = Pattern.compile("decimal\\((\\d+),(\\d+)\\)");
  // ISO 8601 with 'T' or a space, optional seconds, fraction and offset: what databases and APIs write.
  private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder().parseCaseInsensitive()
      .append(DateTimeFormatter.ISO_LOCAL_DATE).optionalStart().appendLiteral('T').optionalEnd()
      .optionalStart().appendLiteral(' ').optionalEnd().append(DateTimeFormatter.ISO_LOCAL_TIME)
      .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
      .optionalStart().appendOffset("+HHmm", "Z").optionalEnd()
      .optionalStart().appendOffset("+HH", "Z").optionalEnd()
      .parseDefaulting(ChronoField.OFFSET_SECONDS, 0).toFormatter(Locale.ROOT);

  private JsonValues() {}

  /** The column type of a scalar value (an object or array is text, its JSON). */
  public static String typeOf(JsonNode value) {
    if (value.isBoolean()) {
      return "boolean";
    }
    if (value.isIntegralNumber()) {
      return value.canConvertToLong() ? "bigint" : "decimal(38,0)";
    }
    if (value.isNumber()) {
      return "double";
    }
    return "string";
  }

  /**
   * The column type of a value kept nested: an object is a struct of its fields, an array of
   * values of one type an array of it; anything else as {@link #typeOf}. Null when the value holds
   * nothing to type yet (null, an empty array or object, or only nulls).
   */
  public static String nestedTypeOf(JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isObject()) {
      Map<String, String> fields = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String type = nestedTypeOf(field.getValue());
        if (type != null) {
          fields.put(field.getKey(), type);
        }
      }
      return fields.isEmpty() ? null : struct(fields);
    }
    if (value.isArray()) {
      String element = null;
      for (JsonNode item : value) {
        String type = nestedTypeOf(item);
        element = element == null ? type : type == null ? element : widen(element, type);
      }
      return element == null ? null : "array<" + element + ">";
    }
    return typeOf(value);
  }

  /** Two types of one key: the narrowest type that holds both (nested types widen field by field). */
  public static String widen(String a, String b) {
    if (a.equals(b)) {
      return a;
    }
    if (a.startsWith("struct<") && b.startsWith("struct<")) {
      Map<String, String> fields = new LinkedHashMap<>(structFields(a));
      structFields(b).forEach((name, type) -> fields.merge(name, type, JsonValues::widen));
      return struct(fields);
    }
    if (a.startsWith("array<") && b.startsWith("array<")) {
      return "array<" + widen(a.substring(6, a.length() - 1), b.substring(6, b.length() - 1)) + ">";
    }
    boolean numbers = isNumber(a) && isNumber(b);
    return numbers ? "double" : "string";
  }

  private static boolean isNumber(String type) {
    return type.equals("bigint") || type.equals("double") || type.startsWith("decimal");
  }

  private static String struct(Map<String, String> fields) {
    StringBuilder type = new StringBuilder("struct<");
    fields.forEach((name, fieldType) -> type.append(type.length() > 7 ? "," : "").append(name).append(':')
        .append(fieldType));
    return type.append('>').toString();
  }

  /** The fields of a {@code struct<name:type,...>} type, in order. */
  public static Map<String, String> structFields(String type) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String field : SourceColumn.topLevel(type.substring(7, type.length() - 1))) {
      int colon = field.indexOf(':');
      fields.put(field.substring(0, colon).strip(), field.substring(colon + 1).strip());
    }
    return fields;
  }

  /**
   * A converter of JSON values to {@code type}'s Java type, with the type looked at once: what a
   * connector uses for a column's every value (as {@link #convert}, which decides per call).
   */
  public static java.util.function.Function<JsonNode, Object> converter(String type) {
    String compact = type.replace(" ", "").toLowerCase(Locale.ROOT);
    return switch (compact) {
      case "string" -> value -> value == null || value.isNull() ? null
          : value.isValueNode() ? value.asText() : value.toString();
      case "bigint", "long" -> value -> value == null || value.isNull() ? null
          : value.isIntegralNumber() && value.canConvertToLong() ? (Object) value.longValue() : convert(value, compact);
      case "double" -> value -> value == null || value.isNull() ? null
          : value.isNumber() ? (Object) value.doubleValue() : convert(value, compact);
      case "boolean" -> value -> value == null || value.isNull() ? null
          : value.isBoolean() ? (Object) value.booleanValue() : convert(value, compact);
      case "timestamp" -> value -> {
        if (value == null || value.isNull()) {
          return null;
        }
        // The common shape first (2024-01-01T00:00:00Z or +10:00): far cheaper than the lenient parser,
        // which reads every other shape (and rejects what none reads).
        Instant strict = value.isTextual() ? IsoInstants.parse(value.textValue()) : null;
        return strict != null ? strict : convert(value, compact);
      };
      default -> value -> convert(value, compact);
    };
  }

  /**
   * The value as the Java type {@code type} takes (see SourceColumn).
   *
   * @throws IllegalArgumentException when the value does not fit the type; the message, if any, says why
   */
  public static Object convert(JsonNode value, String type) {
    if (value == null || value.isNull()) {
      return null;
    }
    String compact = type.replace(" ", "");
    if (compact.startsWith("struct<")) {
      if (!value.isObject()) {
        throw new IllegalArgumentException("not an object");
      }
      Map<String, String> fields = structFields(compact);
      Object[] struct = new Object[fields.size()];
      int index = 0;
      for (Map.Entry<String, String> field : fields.entrySet()) {
        struct[index++] = convert(value.get(field.getKey()), field.getValue());
      }
      return struct;
    }
    if (compact.startsWith("array<")) {
      if (!value.isArray()) {
        throw new IllegalArgumentException("not an array");
      }
      String element = compact.substring(6, compact.length() - 1);
      List<Object> items = new ArrayList<>(value.size());
      value.forEach(item -> items.add(convert(item, element)));
      return items;
    }
    String text = value.isValueNode() ? value.asText() : value.toString();
    try {
      Matcher decimal = DECIMAL.matcher(compact);
      if (decimal.matches()) {
        BigDecimal number = value.isNumber() ? value.decimalValue() : new BigDecimal(text.strip());
        BigDecimal scaled = number.setScale(Integer.parseInt(decimal.group(2)), RoundingMode.HALF_UP);
        if (scaled.precision() > Integer.parseInt(decimal.group(1))) {
          throw new IllegalArgumentException("too many digits");
        }
        return scaled;
      }
      return switch (compact) {
        case "string" -> text;
        case "bigint", "long" -> value.isIntegralNumber() && value.canConvertToLong() ? value.longValue()
            : new BigDecimal(text.strip()).longValueExact();
        case "int", "integer" -> value.isIntegralNumber() && value.canConvertToInt() ? value.intValue()
            : new BigDecimal(text.strip()).intValueExact();
        case "double" -> value.isNumber() ? value.doubleValue() : Double.parseDouble(text.strip());
        case "float" -> value.isNumber() ? value.floatValue() : Float.parseFloat(text.strip());
        case "boolean" -> booleanOf(value, text);
        case "date" -> LocalDate.parse(text.strip().length() > 10 ? text.strip().substring(0, 10) : text.strip());
        case "timestamp" -> OffsetDateTime.parse(text.strip(), TIMESTAMP).toInstant();
        case "timestamp_ntz" -> OffsetDateTime.parse(text.strip(), TIMESTAMP).toLocalDateTime();
        default -> throw new IllegalArgumentException("a JSON value cannot be read as " + type);
      };
    } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
      throw new IllegalArgumentException(null, e);
    }
  }

  private static Boolean booleanOf(JsonNode value, String text) {
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true", "t", "1" -> true;
      case "false", "f", "0" -> false;
      default -> throw new IllegalArgumentException((String) null);
    };
  }
}
