package io.floe.ingest.bronze;

import static org.apache.spark.sql.functions.*;

import io.floe.spark.sql.SparkIdentifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Types text columns (CSV fields, JSON values read as text): null markers become NULL, each value
 * is cast to its column's type, and a value that does not cast rejects the row with a reason that
 * names the column and the value. Types for columns nobody declared are inferred from a sample.
 */
final class TextColumns {
  /** Types tried in order when inferring; the first that casts every sampled value wins. */
  private static final List<DataType> INFERENCE_ORDER = List.of(DataTypes.IntegerType, DataTypes.LongType,
      DataTypes.DoubleType, DataTypes.BooleanType, DataTypes.DateType,
      DataTypes.TimestampType);
  private static final int SAMPLE_ROWS = 10_000;

  private TextColumns() {}

  /**
   * The types of {@code names}: {@code known} where given, else inferred from the first rows.
   *
   * @param text rows whose columns {@code names} are strings with null markers already removed
   */
  static StructType types(Dataset<Row> text, List<String> names, Map<String, DataType> known) {
    List<String> unknown = names.stream().filter(name -> !known.containsKey(name)).toList();
    Map<String, DataType> inferred = unknown.isEmpty() ? Map.of() : infer(text, unknown);
    List<StructField> fields = new ArrayList<>();
    for (String name : names) {
      fields.add(DataTypes.createStructField(name, known.getOrDefault(name, inferred.get(name)), true));
    }
    return DataTypes.createStructType(fields);
  }

  /** Replaces the null markers of every text column by NULL. */
  static Dataset<Row> nullMarkers(Dataset<Row> text, List<String> names, List<String> markers) {
    if (markers.isEmpty()) {
      return text;
    }
    Object[] values = markers.toArray();
    for (String name : names) {
      Column column = col(quoted(name));
      text = text.withColumn(name, when(column.isin(values), lit(null).cast(DataTypes.StringType)).otherwise(column));
    }
    return text;
  }

  /**
   * Casts the text columns to {@code schema}, setting {@link ParsedBatch#REASON} for the first value
   * that does not cast unless a reason is already set (a malformed line).
   */
  static Dataset<Row> cast(Dataset<Row> text, StructType schema) {
    List<Column> failures = new ArrayList<>();
    List<Column> typed = new ArrayList<>();
    for (StructField field : schema.fields()) {
      Column raw = col(quoted(field.name()));
      Column value = field.dataType().equals(DataTypes.StringType) ? raw : raw.try_cast(field.dataType());
      typed.add(value.as(field.name()));
      if (!field.dataType().equals(DataTypes.StringType)) {
        failures.add(when(raw.isNotNull().and(value.isNull()), concat(lit("cannot read '"), raw,
            lit("' as " + field.dataType().simpleString() + " for column " + field.name()))));
      }
    }
    Column reason = col(ParsedBatch.REASON);
    if (!failures.isEmpty()) {
      failures.add(0, reason);
      reason = coalesce(failures.toArray(Column[]::new));
    }
    typed.add(col(ParsedBatch.FILE));
    typed.add(col(ParsedBatch.RAW));
    typed.add(reason.as(ParsedBatch.REASON));
    return text.select(typed.toArray(Column[]::new));
  }

  private static Map<String, DataType> infer(Dataset<Row> text, List<String> names) {
    // Collected first: a query of a CSV read that only needs the corrupt-record column is refused by
    // Spark, and the first rows are all inference looks at anyway.
    List<Row> firstRows = text.limit(SAMPLE_ROWS).collectAsList();
    Dataset<Row> sample = text.sparkSession().createDataFrame(firstRows, text.schema())
        .filter(col(ParsedBatch.REASON).isNull());
    List<Column> checks = new ArrayList<>();
    for (String name : names) {
      Column raw = col(quoted(name));
      for (DataType type : INFERENCE_ORDER) {
        // Counts the values that do not cast; zero means the type fits every sampled value.
        checks.add(sum(when(raw.isNotNull().and(raw.try_cast(type).isNull()), 1).otherwise(0)));
      }
      checks.add(count(raw));
    }
    Row result = sample.agg(checks.get(0), checks.subList(1, checks.size()).toArray(Column[]::new)).first();
    Map<String, DataType> types = new java.util.HashMap<>();
    int index = 0;
    for (String name : names) {
      DataType chosen = DataTypes.StringType;
      int perColumn = INFERENCE_ORDER.size();
      long nonNull = result.isNullAt(index + perColumn) ? 0 : result.getLong(index + perColumn);
      for (int i = 0; i < perColumn && nonNull > 0; i++) {
        if (!result.isNullAt(index + i) && result.getLong(index + i) == 0) {
          chosen = INFERENCE_ORDER.get(i);
          break;
        }
      }
      types.put(name, chosen);
      index += perColumn + 1;
    }
    return types;
  }

  /** A column name as Spark's col() reads it, so that dots and spaces in names are not paths. */
  static String quoted(String name) {
    return SparkIdentifiers.quote(name);
  }
}
