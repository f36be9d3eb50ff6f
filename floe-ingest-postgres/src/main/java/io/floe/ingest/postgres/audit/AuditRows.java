package io.floe.ingest.postgres.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.ingest.spi.ChangeLog;
import io.floe.ingest.spi.RejectedRow;
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
 * Turns a batch of audit events into rows of the change-log convention: the event id, operation and
 * time under the audit table's own column names, one typed column per payload key, then
 * {@code _op}, {@code _source_ts} and {@code _source_position}.
 *
 * <p>A declared key ({@code schema:}) takes its declared type; any other key's type is inferred from
 * the batch's values (whole numbers bigint, other numbers double, true/false boolean, anything else
 * string, objects and arrays as JSON text) and widened when values disagree (bigint and double to
 * double, anything mixed with text to string). A key seen for the first time becomes a new column
 * (the table evolves with the batch); a key whose values are all null in a batch is left out of it
 * and gets NULL. An event whose operation is unknown, whose payload is not a JSON object or whose
 * value does not fit its declared type is rejected with its event id and the reason.
 */
final class AuditRows {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DECIMAL = Pattern.compile("decimal\\((\\d+),(\\d+)\\)");
  // ISO 8601 with 'T' or a space, optional fraction and offset: what databases and APIs write.
  private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder().parseCaseInsensitive()
      .append(DateTimeFormatter.ISO_LOCAL_DATE).optionalStart().appendLiteral('T').optionalEnd()
      .optionalStart().appendLiteral(' ').optionalEnd().append(DateTimeFormatter.ISO_LOCAL_TIME)
      .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
      .optionalStart().appendOffset("+HHmm", "Z").optionalEnd()
      .optionalStart().appendOffset("+HH", "Z").optionalEnd()
      .parseDefaulting(ChronoField.OFFSET_SECONDS, 0).toFormatter(Locale.ROOT);

  private final AuditColumns names;
  private final Map<String, String> declared;

  /** The rows of one batch. */
  record Result(List<SourceColumn> columns, List<Object[]> rows, List<RejectedRow> rejected) {}

  /**
   * @param names the audit table's column names and operation values
   * @param declared declared payload keys and their types, in order
   */
  AuditRows(AuditColumns names, Map<String, String> declared) {
    this.names = names;
    this.declared = declared;
  }

  Result convert(List<AuditEvent> events) {
    List<RejectedRow> rejected = new ArrayList<>();
    List<AuditEvent> accepted = new ArrayList<>();
    List<ObjectNode> payloads = new ArrayList<>();
    List<String> operations = new ArrayList<>();
    Map<String, String> inferred = new LinkedHashMap<>();
    for (AuditEvent event : events) {
      String operation = names.changeOperation(event.operation());
      if (operation == null) {
        rejected.add(reject(event, "operation " + quoted(event.operation()) + " is none of " + names.operationValues()));
        continue;
      }
      ObjectNode payload;
      try {
        JsonNode node = event.payload() == null ? JSON.createObjectNode() : JSON.readTree(event.payload());
        if (!(node instanceof ObjectNode object)) {
          rejected.add(reject(event, names.payload() + " is not a JSON object"));
          continue;
        }
        payload = object;
      } catch (JsonProcessingException e) {
        rejected.add(reject(event, names.payload() + " is not valid JSON: " + e.getOriginalMessage()));
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> fields = payload.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!declared.containsKey(field.getKey()) && !names.reserved().contains(field.getKey())
            && !field.getValue().isNull()) {
          inferred.merge(field.getKey(), typeOf(field.getValue()), AuditRows::widen);
        }
      }
      accepted.add(event);
      payloads.add(payload);
      operations.add(operation);
    }
    List<SourceColumn> columns = new ArrayList<>();
    columns.add(new SourceColumn(names.eventId(), "bigint"));
    columns.add(new SourceColumn(names.operation(), "string"));
    columns.add(new SourceColumn(names.timestamp(), "timestamp"));
    Map<String, String> payloadColumns = new LinkedHashMap<>(declared);
    names.reserved().forEach(payloadColumns::remove);
    payloadColumns.putAll(inferred);
    payloadColumns.forEach((name, type) -> columns.add(new SourceColumn(name, type)));
    columns.addAll(ChangeLog.columns());
    List<Object[]> rows = new ArrayList<>(accepted.size());
    for (int i = 0; i < accepted.size(); i++) {
      AuditEvent event = accepted.get(i);
      Object[] row = new Object[columns.size()];
      row[0] = event.id();
      row[1] = event.operation();
      row[2] = event.changedAt();
      int index = 3;
      String problem = null;
      for (Map.Entry<String, String> column : payloadColumns.entrySet()) {
        JsonNode value = payloads.get(i).get(column.getKey());
        try {
          row[index++] = value == null || value.isNull() ? null : convert(value, column.getValue());
        } catch (IllegalArgumentException e) {
          problem = "column " + column.getKey() + ": expected " + column.getValue() + ", but was " + value
              + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
          break;
        }
      }
      if (problem != null) {
        rejected.add(reject(event, problem));
        continue;
      }
      row[index++] = operations.get(i);
      row[index++] = event.changedAt();
      row[index] = event.id();
      rows.add(row);
    }
    return new Result(columns, rows, rejected);
  }

  private RejectedRow reject(AuditEvent event, String reason) {
    return new RejectedRow(names.auditTable() + " " + names.eventId() + " " + event.id(), event.payload(), reason);
  }

  private static String typeOf(JsonNode value) {
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

  // Two inferred types of one key: the narrowest type that holds both.
  private static String widen(String a, String b) {
    if (a.equals(b)) {
      return a;
    }
    boolean numbers = !a.equals("string") && !a.equals("boolean") && !b.equals("string") && !b.equals("boolean");
    return numbers ? "double" : "string";
  }

  /** The value as the Java type {@code type} takes (see SourceColumn). */
  static Object convert(JsonNode value, String type) {
    String text = value.isValueNode() ? value.asText() : value.toString();
    try {
      Matcher decimal = DECIMAL.matcher(type.replace(" ", ""));
      if (decimal.matches()) {
        BigDecimal number = value.isNumber() ? value.decimalValue() : new BigDecimal(text.strip());
        BigDecimal scaled = number.setScale(Integer.parseInt(decimal.group(2)), RoundingMode.HALF_UP);
        if (scaled.precision() > Integer.parseInt(decimal.group(1))) {
          throw new IllegalArgumentException("too many digits");
        }
        return scaled;
      }
      return switch (type) {
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
        default -> throw new IllegalArgumentException("a payload value cannot be read as " + type);
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

  private static String quoted(String value) {
    return value == null ? "NULL" : "'" + value + "'";
  }
}
