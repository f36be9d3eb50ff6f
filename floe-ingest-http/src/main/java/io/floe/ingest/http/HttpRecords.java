package io.floe.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.ingest.json.JsonValues;
import io.floe.ingest.spi.RejectedRow;
import io.floe.ingest.spi.SourceColumn;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the records in a response and turns them into typed rows. A record is what
 * {@code records.path} reaches (every element of a final array); with {@code records.zip} an object
 * of parallel arrays gives one record per index. Its columns are {@code records.fields}, or its own
 * fields: nested objects flattened to {@code a__b}, kept as structs, or kept as JSON text. Types
 * are declared ({@code schema:}) or inferred per batch and widened (see {@link JsonValues}); a value
 * that does not fit its declared type rejects its record with the request and the reason.
 */
final class HttpRecords {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SEPARATOR = "__";

  enum Nested { FLATTEN, STRUCT, JSON }

  /** A record with where it came from: the elements around it, the response, the item it was requested for. */
  record Found(JsonNode record, List<JsonNode> parents, JsonNode root, Map<String, Object> item, String request) {
    /** The elements around the record, the record last: made only for the field paths that ask. */
    List<JsonNode> enclosing() {
      return with(parents, record);
    }
  }

  /** The rows of one batch. */
  record Result(List<SourceColumn> columns, List<Object[]> rows, List<RejectedRow> rejected) {}

  private final JsonPath path;
  private final boolean zip;
  private final Map<String, FieldPath> fields;
  private final Nested nested;
  private final List<String> itemColumns;
  private final Map<String, String> declared;

  HttpRecords(JsonPath path, boolean zip, Map<String, FieldPath> fields, Nested nested, List<String> itemColumns,
      Map<String, String> declared) {
    this.path = path;
    this.zip = zip;
    this.fields = new LinkedHashMap<>(fields);
    this.nested = nested;
    this.itemColumns = List.copyOf(itemColumns);
    this.declared = new LinkedHashMap<>(declared);
  }

  /** The records of one response. */
  List<Found> find(JsonNode body, Map<String, Object> item, String request) {
    List<Found> found = new ArrayList<>();
    for (JsonPath.Match match : path.select(body)) {
      JsonNode node = match.node();
      List<JsonNode> enclosing = new ArrayList<>(match.enclosing());
      if (zip) {
        enclosing.add(node);
        for (ObjectNode record : zipped(node)) {
          found.add(new Found(record, enclosing, body, item, request));
        }
      } else if (endsWith(match.enclosing(), node)) {
        // The path ended with []: the element is the record, even when it is itself an array ([ts, value]).
        found.add(new Found(node, enclosing.subList(0, enclosing.size() - 1), body, item, request));
      } else if (node.isArray()) {
        for (JsonNode element : node) {
          found.add(new Found(element, enclosing, body, item, request));
        }
      } else if (!node.isNull()) {
        found.add(new Found(node, enclosing, body, item, request));
      }
    }
    return found;
  }

  private static boolean endsWith(List<JsonNode> enclosing, JsonNode node) {
    return !enclosing.isEmpty() && enclosing.get(enclosing.size() - 1) == node;
  }

  private static List<JsonNode> with(List<JsonNode> enclosing, JsonNode last) {
    List<JsonNode> all = new ArrayList<>(enclosing.size() + 1);
    all.addAll(enclosing);
    all.add(last);
    return all;
  }

  // {time: [t0, t1], temp: [a, b], lat: 1} -> {time: t0, temp: a, lat: 1}, {time: t1, temp: b, lat: 1}
  private static List<ObjectNode> zipped(JsonNode node) {
    List<ObjectNode> records = new ArrayList<>();
    if (!node.isObject()) {
      return records;
    }
    int length = 0;
    for (JsonNode value : node) {
      if (value.isArray()) {
        length = Math.max(length, value.size());
      }
    }
    for (int i = 0; i < length; i++) {
      ObjectNode record = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        record.set(field.getKey(), field.getValue().isArray() ? field.getValue().path(i) : field.getValue());
      }
      records.add(record);
    }
    return records;
  }

  /** Typed rows of the records of one batch. */
  Result convert(List<Found> records) {
    List<RejectedRow> rejected = new ArrayList<>();
    Slots slots = new Slots();
    List<JsonNode[]> values = new ArrayList<>(records.size());
    List<Found> accepted = new ArrayList<>(records.size());
    for (Found found : records) {
      Cells cells = new Cells(slots.names.size());
      if (!fields.isEmpty()) {
        List<JsonNode> enclosing = found.enclosing();
        fields.forEach((name, field) -> cells.put(slots, name, field.valueOf(found.record(), enclosing,
            found.root())));
      } else if (found.record().isObject()) {
        own(found.record(), slots.root, slots, cells);
      } else {
        rejected.add(reject(found, "the record is " + found.record().getNodeType().name().toLowerCase(
            java.util.Locale.ROOT) + ", not an object: name its columns with records.fields, e.g. ts: '[0]'"));
        continue;
      }
      for (String column : itemColumns) {
        cells.put(slots, column, toJson(found.item().get(column)));
      }
      values.add(cells.values);
      accepted.add(found);
    }
    // Declared columns first, then the others in the order first seen; a column whose values were all
    // null is left out, one seen only empty ({} or []) is text until a value says otherwise.
    List<SourceColumn> columns = new ArrayList<>();
    List<Integer> included = new ArrayList<>();
    for (int slot = 0; slot < slots.names.size(); slot++) {
      String type = slot < slots.declaredCount ? declared.get(slots.names.get(slot)) : slots.types.get(slot);
      if (type != null) {
        columns.add(new SourceColumn(slots.names.get(slot), type == Slots.EMPTY ? "string" : type));
        included.add(slot);
      }
    }
    List<java.util.function.Function<JsonNode, Object>> converters = new ArrayList<>();
    columns.forEach(column -> converters.add(JsonValues.converter(column.type())));
    List<Object[]> rows = new ArrayList<>(accepted.size());
    for (int i = 0; i < accepted.size(); i++) {
      Object[] row = new Object[columns.size()];
      String problem = null;
      JsonNode[] record = values.get(i);
      for (int index = 0; index < row.length; index++) {
        int slot = included.get(index);
        JsonNode value = slot < record.length ? record[slot] : null;
        try {
          row[index] = value == null || value.isMissingNode() ? null : converters.get(index).apply(value);
        } catch (IllegalArgumentException e) {
          problem = "column " + columns.get(index).name() + ": expected " + columns.get(index).type() + ", but was "
              + value + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
          break;
        }
      }
      if (problem != null) {
        rejected.add(reject(accepted.get(i), problem));
      } else {
        rows.add(row);
      }
    }
    return new Result(columns, rows, rejected);
  }

  /**
   * The columns of a batch as they are met: a slot per name (the declared ones first) and the type
   * inferred so far. Records keep their values by slot, so a value costs one lookup, not a map each.
   */
  private final class Slots {
    // A marker compared by identity ("seen only empty"), so no type name can be mistaken for it.
    static final String EMPTY = new String("empty");
    private final Map<String, Integer> byName = new java.util.HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<String> types = new ArrayList<>();
    private final int declaredCount;
    private final Names root = new Names("");

    Slots() {
      declared.forEach((name, type) -> slot(name));
      declaredCount = names.size();
    }

    int slot(String name) {
      Integer slot = byName.get(name);
      if (slot == null) {
        slot = names.size();
        byName.put(name, slot);
        names.add(name);
        types.add(null);
      }
      return slot;
    }

    void infer(int slot, JsonNode value) {
      String type = nested == Nested.STRUCT ? JsonValues.nestedTypeOf(value) : JsonValues.typeOf(value);
      String known = types.get(slot);
      if (type == null) {
        if (known == null) {
          types.set(slot, EMPTY);
        }
      } else if (known == null || known == EMPTY) {
        types.set(slot, type);
      } else if (!known.equals(type)) {
        types.set(slot, JsonValues.widen(known, type));
      }
    }
  }

  /** One record's values by slot. */
  private static final class Cells {
    private JsonNode[] values;

    Cells(int slots) {
      values = new JsonNode[Math.max(slots, 4)];
    }

    void put(Slots slots, String name, JsonNode value) {
      put(slots, slots.slot(name), value);
    }

    void put(Slots slots, int slot, JsonNode value) {
      if (slot >= values.length) {
        values = java.util.Arrays.copyOf(values, Math.max(slot + 1, values.length * 2));
      }
      values[slot] = value;
      if (slot >= slots.declaredCount && value != null && !value.isNull() && !value.isMissingNode()) {
        slots.infer(slot, value);
      }
    }
  }

  // The record's own fields; nested objects flattened to a__b unless kept whole.
  private void own(JsonNode object, Names names, Slots slots, Cells cells) {
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getValue().isObject() && nested == Nested.FLATTEN) {
        own(field.getValue(), names.nested(field.getKey()), slots, cells);
      } else {
        cells.put(slots, names.slot(field.getKey(), slots), field.getValue());
      }
    }
  }

  /**
   * The slots of an object's fields by their own key, and the same for its nested objects: a
   * flattened name ({@code quality__flag}) is built once per batch, not once per record, and a key
   * (interned by Jackson, its hash kept) is one lookup.
   */
  private static final class Names {
    private final String prefix;
    private final Map<String, Integer> slots = new java.util.HashMap<>();
    private final Map<String, Names> nested = new java.util.HashMap<>();

    Names(String prefix) {
      this.prefix = prefix;
    }

    int slot(String key, Slots all) {
      Integer slot = slots.get(key);
      if (slot == null) {
        slot = all.slot(prefix + key);
        slots.put(key, slot);
      }
      return slot;
    }

    Names nested(String key) {
      Names names = nested.get(key);
      if (names == null) {
        names = new Names(prefix + key + SEPARATOR);
        nested.put(key, names);
      }
      return names;
    }
  }

  private static JsonNode toJson(Object value) {
    if (value == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return JsonNodeFactory.instance.numberNode(((Number) value).longValue());
    }
    if (value instanceof Double || value instanceof Float) {
      return JsonNodeFactory.instance.numberNode(((Number) value).doubleValue());
    }
    if (value instanceof BigDecimal decimal) {
      return JsonNodeFactory.instance.numberNode(decimal);
    }
    if (value instanceof Boolean bool) {
      return JsonNodeFactory.instance.booleanNode(bool);
    }
    return JsonNodeFactory.instance.textNode(value.toString());
  }

  private static RejectedRow reject(Found found, String reason) {
    String raw;
    try {
      raw = JSON.writeValueAsString(found.record());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      raw = found.record().toString();
    }
    return new RejectedRow(found.request(), raw, reason);
  }
}
