package io.floe.spark.sql;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The collected result of one SQL statement, as plain Java values (Instant, LocalDate,
 * BigDecimal, List, Map) that any output format can print.
 *
 * @param truncated true when the statement produced more than the rows collected
 */
public record QueryResult(
    List<String> columns, List<String> types, List<List<Object>> rows, boolean truncated) {
  public QueryResult {
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    types = List.copyOf(requireNonNull(types, "types is null"));
    rows = List.copyOf(requireNonNull(rows, "rows is null"));
  }

  /** True for statements (DDL, INSERT, MERGE, CALL ...) that return no columns. */
  public boolean isCommand() {
    return columns.isEmpty();
  }

  public static QueryResult collect(Dataset<Row> dataset, int maxRows) {
    List<String> columns = new ArrayList<>();
    List<String> types = new ArrayList<>();
    for (StructField field : dataset.schema().fields()) {
      columns.add(field.name());
      types.add(field.dataType().simpleString());
    }
    if (columns.isEmpty()) {
      return new QueryResult(columns, types, List.of(), false);
    }
    List<Row> collected = dataset.limit(maxRows + 1).collectAsList();
    boolean truncated = collected.size() > maxRows;
    List<List<Object>> rows = new ArrayList<>();
    for (Row row : collected.subList(0, Math.min(maxRows, collected.size()))) {
      rows.add(toJavaValues(row));
    }
    return new QueryResult(columns, types, rows, truncated);
  }

  /** Rows collected elsewhere (at most {@code maxRows + 1}) for a query of this schema. */
  public static QueryResult of(StructType schema, List<List<Object>> collected, int maxRows) {
    List<String> columns = new ArrayList<>();
    List<String> types = new ArrayList<>();
    for (StructField field : schema.fields()) {
      columns.add(field.name());
      types.add(field.dataType().simpleString());
    }
    List<List<Object>> rows = new ArrayList<>();
    for (List<Object> row : collected.subList(0, Math.min(maxRows, collected.size()))) {
      rows.add(java.util.Collections.unmodifiableList(new ArrayList<>(row)));
    }
    return new QueryResult(columns, types, rows, collected.size() > maxRows);
  }

  private static List<Object> toJavaValues(Row row) {
    List<Object> values = new ArrayList<>(row.length());
    for (int i = 0; i < row.length(); i++) {
      values.add(toJava(row.get(i)));
    }
    // List.copyOf rejects nulls, and SQL results have them.
    return java.util.Collections.unmodifiableList(values);
  }

  private static Object toJava(Object value) {
    if (value instanceof Row struct) {
      Map<String, Object> fields = new LinkedHashMap<>();
      String[] names = struct.schema().fieldNames();
      for (int i = 0; i < names.length; i++) {
        fields.put(names[i], toJava(struct.get(i)));
      }
      return fields;
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      List<Object> list = new ArrayList<>();
      CollectionConverters.asJava(seq).forEach(element -> list.add(toJava(element)));
      return list;
    }
    if (value instanceof scala.collection.Map<?, ?> map) {
      Map<Object, Object> converted = new LinkedHashMap<>();
      CollectionConverters.asJava(map).forEach((k, v) -> converted.put(toJava(k), toJava(v)));
      return converted;
    }
    if (value instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    return value;
  }
}
