package io.floe.ingest.bronze;

import static org.apache.spark.sql.functions.lit;

import io.floe.ingest.spi.RowInput;
import io.floe.ingest.spi.RowStream;
import io.floe.ingest.spi.SourceColumn;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns a connector's rows into a Spark frame. The rows of one batch are held in memory, so a
 * row connector sizes its batches (e.g. a JDBC fetch of 100,000 rows). The engine runs with
 * Spark's Java 8 time API, so Instant, LocalDate and LocalDateTime values go in as they are.
 */
final class RowInputFrames {
  private RowInputFrames() {}

  static ParsedBatch read(SparkSession spark, RowInput input) {
    List<StructField> fields = new ArrayList<>();
    for (SourceColumn column : input.columns()) {
      fields.add(DataTypes.createStructField(column.name(), DataType.fromDDL(column.type()), true));
    }
    StructType schema = DataTypes.createStructType(fields);
    List<Row> rows = new ArrayList<>();
    java.util.Optional<io.floe.ingest.spi.Position> end;
    List<io.floe.ingest.spi.RejectedRow> rejected;
    try (RowStream stream = input.open()) {
      while (stream.hasNext()) {
        rows.add(row(stream.next(), schema));
      }
      end = stream.endPosition();
      rejected = stream.rejected();
    }
    if (rejected.isEmpty()) {
      Dataset<Row> frame = spark.createDataFrame(rows, schema)
          .withColumn(ParsedBatch.FILE, lit(null).cast(DataTypes.StringType))
          .withColumn(ParsedBatch.RAW, lit(null).cast(DataTypes.StringType))
          .withColumn(ParsedBatch.REASON, lit(null).cast(DataTypes.StringType));
      return new ParsedBatch(frame, schema, end);
    }
    // Rejected records ride along as rows with only the reject columns set, as a file's do.
    StructType withRejects = schema.add(ParsedBatch.FILE, DataTypes.StringType).add(ParsedBatch.RAW,
        DataTypes.StringType).add(ParsedBatch.REASON, DataTypes.StringType);
    List<Row> all = new ArrayList<>(rows.size() + rejected.size());
    for (Row row : rows) {
      Object[] values = new Object[withRejects.size()];
      for (int i = 0; i < row.size(); i++) {
        values[i] = row.get(i);
      }
      all.add(RowFactory.create(values));
    }
    for (io.floe.ingest.spi.RejectedRow reject : rejected) {
      Object[] values = new Object[withRejects.size()];
      values[schema.size()] = reject.where();
      values[schema.size() + 1] = reject.raw();
      values[schema.size() + 2] = reject.reason();
      all.add(RowFactory.create(values));
    }
    return new ParsedBatch(spark.createDataFrame(all, withRejects), schema, end);
  }

  // A struct's values come as Object[] (see SourceColumn); Spark wants a Row, at any depth.
  private static Row row(Object[] values, StructType type) {
    if (values.length != type.size()) {
      throw new IllegalStateException("Invalid row from connector: expected " + type.size()
          + " values, but was: " + values.length);
    }
    Object[] converted = new Object[values.length];
    for (int i = 0; i < values.length; i++) {
      converted[i] = value(values[i], type.fields()[i].dataType());
    }
    return RowFactory.create(converted);
  }

  private static Object value(Object value, DataType type) {
    if (value == null) {
      return null;
    }
    if (type instanceof StructType struct && value instanceof Object[] fields) {
      return row(fields, struct);
    }
    if (type instanceof org.apache.spark.sql.types.ArrayType array && value instanceof java.util.List<?> list) {
      return list.stream().map(element -> value(element, array.elementType())).toList();
    }
    if (type instanceof org.apache.spark.sql.types.MapType map && value instanceof java.util.Map<?, ?> entries) {
      java.util.Map<Object, Object> converted = new java.util.LinkedHashMap<>();
      entries.forEach((k, v) -> converted.put(value(k, map.keyType()), value(v, map.valueType())));
      return converted;
    }
    return value;
  }
}
