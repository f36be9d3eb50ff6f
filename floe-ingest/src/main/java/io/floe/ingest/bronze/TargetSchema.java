package io.floe.ingest.bronze;

import io.floe.ingest.spi.SourceDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns a bronze table will have once a batch's schema changes are applied, with the field
 * ids Iceberg will give them: a new table numbers its columns from 1 in order, an added column
 * takes the next id after the table's last. Files are written with these ids before the table is
 * created or changed, so a batch over its reject limit changes nothing; {@link #requireMatches}
 * checks the prediction before the files are committed.
 */
record TargetSchema(List<Column> columns, MetadataColumns metadata) {
  record Column(String name, DataType type, int id) {}

  static TargetSchema predict(Table existing, StructType source, SourceDefinition definition,
      MetadataColumns metadata) {
    List<Column> columns = new ArrayList<>();
    if (existing == null) {
      int id = 1;
      for (StructField field : source.fields()) {
        if (!metadata.contains(field.name())) {
          columns.add(new Column(field.name(), field.dataType(), id++));
        }
      }
      columns.add(new Column(metadata.ingestedAt(), DataTypes.TimestampType, id++));
      columns.add(new Column(metadata.source(), DataTypes.StringType, id++));
      columns.add(new Column(metadata.batchId(), DataTypes.StringType, id));
      return new TargetSchema(columns, metadata);
    }
    Map<String, DataType> sourceTypes = new HashMap<>();
    for (StructField field : source.fields()) {
      sourceTypes.put(field.name(), field.dataType());
    }
    for (Types.NestedField field : existing.schema().columns()) {
      DataType tableType = SparkSchemaUtil.convert(field.type());
      DataType sourceType = sourceTypes.get(field.name());
      // A widening (checked by SchemaDrift) takes the source's type; otherwise the table's stays.
      boolean widened = sourceType != null && !metadata.contains(field.name())
          && !sourceType.sameType(tableType);
      columns.add(new Column(field.name(), widened ? sourceType : tableType, field.fieldId()));
    }
    int next = ((HasTableOperations) existing).operations().current().lastColumnId() + 1;
    for (StructField field : source.fields()) {
      if (existing.schema().findField(field.name()) == null && !metadata.contains(field.name())) {
        columns.add(new Column(field.name(), field.dataType(), next++));
      }
    }
    return new TargetSchema(columns, metadata);
  }

  /** The SELECT list producing the table's columns: source values cast, NULL for absent, metadata. */
  String selectList(StructType source, String sourceName, String batchId, Instant now) {
    List<String> names = List.of(source.fieldNames());
    return columns.stream().map(column -> {
      String name = column.name();
      String value = name.equals(metadata.ingestedAt()) ? "TIMESTAMPTZ " + DuckDbTypes.literal(now.toString())
          : name.equals(metadata.source()) ? DuckDbTypes.literal(sourceName)
          : name.equals(metadata.batchId()) ? DuckDbTypes.literal(batchId)
          : names.contains(name) ? DuckDbTypes.identifier(name) : "NULL";
      return "CAST(" + value + " AS " + DuckDbTypes.of(column.type()) + ") AS "
          + DuckDbTypes.identifier(column.name());
    }).collect(Collectors.joining(", "));
  }

  /** DuckDB's FIELD_IDS option value. */
  String fieldIds() {
    return columns.stream().map(column -> DuckDbTypes.literal(column.name()) + ": " + column.id())
        .collect(Collectors.joining(", ", "{", "}"));
  }

  /** Fails when the table's ids are not the ones the files were written with. */
  void requireMatches(Table table) {
    for (Column column : columns) {
      Types.NestedField field = table.schema().findField(column.name());
      if (field == null || field.fieldId() != column.id()) {
        throw new IllegalStateException("Cannot commit files written for column " + column.name() + " with field id "
            + column.id() + ": the table has " + (field == null ? "no such column" : "id " + field.fieldId()));
      }
    }
  }
}
