package io.floe.ingest.postgres.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.ingest.json.JsonValues;
import io.floe.ingest.spi.ChangeLog;
import io.floe.ingest.spi.RejectedRow;
import io.floe.ingest.spi.SourceColumn;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
          inferred.merge(field.getKey(), JsonValues.typeOf(field.getValue()), JsonValues::widen);
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
          row[index++] = value == null || value.isNull() ? null : JsonValues.convert(value, column.getValue());
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

  private static String quoted(String value) {
    return value == null ? "NULL" : "'" + value + "'";
  }
}
