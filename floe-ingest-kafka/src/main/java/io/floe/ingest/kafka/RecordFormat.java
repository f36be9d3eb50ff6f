package io.floe.ingest.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.floe.ingest.json.JsonValues;
import io.floe.ingest.spi.SourceColumn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** How a topic's records become rows: Debezium change events, or JSON objects into declared columns. */
abstract sealed class RecordFormat {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A record that cannot become a row; the message says what was expected and what was seen. */
  static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  abstract List<SourceColumn> columns();

  /** The record's row, or null for a record that holds no row (a tombstone after a delete). */
  abstract Object[] row(ConsumerRecord<byte[], byte[]> record) throws Unreadable;

  static RecordFormat debezium() {
    return new DebeziumEvents();
  }

  static RecordFormat json(List<SourceColumn> columns) {
    return new JsonRecords(columns);
  }

  static JsonNode parse(byte[] value) throws Unreadable {
    try {
      return JSON.readTree(value);
    } catch (JsonProcessingException e) {
      throw new Unreadable("a JSON value was expected, but it does not parse: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new Unreadable("a JSON value was expected, but it cannot be read: " + e.getMessage());
    }
  }

  static String text(byte[] value) {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  /**
   * Debezium's change events, in the raw change shape of the {@code postgres-cdc} source (seed
   * 003's raw tables): {@code data} (the after-image as JSON; the before-image for a delete),
   * {@code op}, {@code ts_ms}, {@code source_ts_ms}, {@code source_tx_id}, {@code source_lsn},
   * {@code source_commit_lsn}, {@code source_connector}, {@code source_db}, {@code source_schema},
   * {@code source_table}. The JSON converter's schema envelope ({@code {"schema":..,"payload":..}})
   * is unwrapped; tombstones (null values, which follow deletes for log compaction) hold no row.
   */
  static final class DebeziumEvents extends RecordFormat {
    private static final List<SourceColumn> COLUMNS = io.floe.ingest.spi.RawChangeEvent.COLUMNS;

    @Override
    List<SourceColumn> columns() {
      return COLUMNS;
    }

    @Override
    Object[] row(ConsumerRecord<byte[], byte[]> record) throws Unreadable {
      if (record.value() == null) {
        return null;
      }
      JsonNode root = parse(record.value());
      JsonNode payload = root.has("payload") && root.has("schema") ? root.get("payload") : root;
      if (payload == null || payload.isNull() && root.has("schema")) {
        return null; // a tombstone written with the schema envelope
      }
      if (!payload.isObject() || !payload.path("op").isTextual()) {
        throw new Unreadable("a Debezium change event (an object with op, before, after and source) was expected,"
            + " but the value " + (payload.isObject() ? "has no text field op" : "is not an object"));
      }
      String op = payload.get("op").textValue();
      JsonNode image = op.equals("d") ? payload.get("before") : payload.get("after");
      String data = op.equals("t") || image == null || image.isNull() ? null : image.toString();
      JsonNode source = payload.path("source");
      return new Object[] {data, op, longOf(payload.get("ts_ms")), longOf(source.get("ts_ms")),
          longOf(source.get("txId")), longOf(source.get("lsn")), commitLsn(source.get("sequence")),
          textOf(source.get("connector")), textOf(source.get("db")), textOf(source.get("schema")),
          textOf(source.get("table"))};
    }

    // Debezium's PostgreSQL connector: sequence = "[\"<last commit LSN>\",\"<this change's LSN>\"]".
    private static Long commitLsn(JsonNode sequence) {
      if (sequence == null || !sequence.isTextual()) {
        return null;
      }
      try {
        JsonNode pair = JSON.readTree(sequence.textValue());
        return pair.isArray() && !pair.isEmpty() ? longOf(pair.get(0)) : null;
      } catch (JsonProcessingException e) {
        return null; // another connector's sequence: not an LSN pair
      }
    }

    private static Long longOf(JsonNode value) {
      if (value == null || value.isNull()) {
        return null;
      }
      if (value.isIntegralNumber() && value.canConvertToLong()) {
        return value.longValue();
      }
      if (value.isTextual()) {
        try {
          return Long.parseLong(value.textValue().strip());
        } catch (NumberFormatException e) {
          return null; // not a number (e.g. a MySQL GTID): the column holds numbers only
        }
      }
      return null;
    }

    private static String textOf(JsonNode value) {
      return value == null || value.isNull() ? null : value.isValueNode() ? value.asText() : value.toString();
    }
  }

  /**
   * Each record's value a JSON object, read into the declared columns by name (a missing field is
   * NULL, other fields are ignored), then {@code _kafka_partition}, {@code _kafka_offset} and
   * {@code _kafka_timestamp} (the record's time).
   */
  static final class JsonRecords extends RecordFormat {
    private final List<SourceColumn> declared;
    private final List<SourceColumn> columns;
    private final List<Function<JsonNode, Object>> converters = new ArrayList<>();

    JsonRecords(List<SourceColumn> declared) {
      this.declared = List.copyOf(declared);
      List<SourceColumn> all = new ArrayList<>(declared);
      all.add(new SourceColumn("_kafka_partition", "int"));
      all.add(new SourceColumn("_kafka_offset", "bigint"));
      all.add(new SourceColumn("_kafka_timestamp", "timestamp"));
      this.columns = List.copyOf(all);
      declared.forEach(column -> converters.add(JsonValues.converter(column.type())));
    }

    @Override
    List<SourceColumn> columns() {
      return columns;
    }

    @Override
    Object[] row(ConsumerRecord<byte[], byte[]> record) throws Unreadable {
      if (record.value() == null) {
        return null;
      }
      JsonNode value = parse(record.value());
      if (!value.isObject()) {
        throw new Unreadable("a JSON object was expected, but the value is " + value.getNodeType().name()
            .toLowerCase(java.util.Locale.ROOT));
      }
      Object[] row = new Object[columns.size()];
      for (int i = 0; i < declared.size(); i++) {
        SourceColumn column = declared.get(i);
        JsonNode field = value.get(column.name());
        try {
          row[i] = converters.get(i).apply(field);
        } catch (IllegalArgumentException e) {
          throw new Unreadable("field " + column.name() + " was expected to be a " + column.type() + ", but was "
              + field + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        }
      }
      int n = declared.size();
      row[n] = record.partition();
      row[n + 1] = record.offset();
      row[n + 2] = record.timestamp() < 0 ? null : Instant.ofEpochMilli(record.timestamp());
      return row;
    }
  }
}
