package io.floe.spark.table;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SortField;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;

/**
 * What {@code floe show} prints about a table: its schema, partitioning, sort order, properties,
 * size and current snapshot.
 */
public record TableDescription(
    String name,
    String location,
    int formatVersion,
    List<Column> columns,
    List<String> partitioning,
    List<String> sortOrder,
    Map<String, String> properties,
    long rows,
    long dataFiles,
    Long currentSnapshotId,
    Instant currentSnapshotAt) {

  /** One column of the schema with its Iceberg field id. */
  public record Column(int id, String name, String type, boolean required, String doc) {}

  public TableDescription {
    requireNonNull(name, "name is null");
    columns = List.copyOf(columns);
    partitioning = List.copyOf(partitioning);
    sortOrder = List.copyOf(sortOrder);
    properties = Map.copyOf(properties);
  }

  /** Describes {@code table} as of its current snapshot. */
  public static TableDescription of(String name, Table table) {
    Schema schema = table.schema();
    List<Column> columns =
        schema.columns().stream()
            .map(
                (Types.NestedField f) ->
                    new Column(f.fieldId(), f.name(), f.type().toString(), f.isRequired(), f.doc()))
            .toList();
    List<String> partitioning =
        table.spec().fields().stream().map(field -> describe(schema, field)).toList();
    List<String> sortOrder =
        table.sortOrder().fields().stream().map(field -> describe(schema, field)).toList();
    Snapshot current = table.currentSnapshot();
    Map<String, String> summary = current == null ? Map.of() : current.summary();
    int formatVersion =
        Integer.parseInt(table.properties().getOrDefault("format-version", formatVersionOf(table)));
    return new TableDescription(
        name,
        table.location(),
        formatVersion,
        columns,
        partitioning,
        sortOrder,
        table.properties(),
        Long.parseLong(summary.getOrDefault("total-records", "0")),
        Long.parseLong(summary.getOrDefault("total-data-files", "0")),
        current == null ? null : current.snapshotId(),
        current == null ? null : Instant.ofEpochMilli(current.timestampMillis()));
  }

  private static String formatVersionOf(Table table) {
    if (table instanceof org.apache.iceberg.HasTableOperations operations) {
      return String.valueOf(operations.operations().current().formatVersion());
    }
    return "0";
  }

  private static String describe(Schema schema, PartitionField field) {
    return field.transform() + "(" + schema.findColumnName(field.sourceId()) + ")";
  }

  private static String describe(Schema schema, SortField field) {
    String column = schema.findColumnName(field.sourceId());
    String term = field.transform().isIdentity() ? column : field.transform() + "(" + column + ")";
    return term + " " + field.direction() + " " + field.nullOrder();
  }

  /** Properties sorted by key, for printing. */
  public Map<String, String> sortedProperties() {
    return properties.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .collect(
            Collectors.toMap(
                Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, java.util.LinkedHashMap::new));
  }
}
