package io.floe.ingest.bronze;

import static org.apache.spark.sql.functions.*;

import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.FileFormat;
import io.floe.ingest.spi.FileInput;
import io.floe.ingest.spi.QueryInput;
import io.floe.ingest.spi.RowInput;
import io.floe.ingest.spi.SourceColumn;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a batch's input into a {@link ParsedBatch}. CSV and JSON values are read as text and cast
 * here, so a value that does not fit its column rejects the row with a reason instead of failing the
 * run; Parquet is read as typed. Column types come from the declared schema, else from the table,
 * else from a sample.
 */
final class BatchReader {
  private static final String CORRUPT = "_corrupt_record";
  // Null markers are applied by TextColumns; Spark's own must never match.
  private static final String NO_NULL_VALUE = "\u0000floe-no-null\u0000";

  private final SparkSession spark;

  BatchReader(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * @param tableTypes the types of the target table's columns, empty when the table is new
   */
  ParsedBatch read(Batch batch, Map<String, DataType> tableTypes) {
    if (batch.input() instanceof RowInput rows) {
      return RowInputFrames.read(spark, rows);
    }
    if (batch.input() instanceof QueryInput query) {
      return QueryFrames.read(spark, query);
    }
    FileInput input = (FileInput) batch.input();
    if (input.format() instanceof FileFormat.Csv csv) {
      return csv(input, csv, tableTypes);
    }
    if (input.format() instanceof FileFormat.JsonLines) {
      return json(input, tableTypes);
    }
    return parquet(input);
  }

  private ParsedBatch csv(FileInput input, FileFormat.Csv csv, Map<String, DataType> tableTypes) {
    Map<List<String>, List<String>> filesByHeader = new LinkedHashMap<>();
    for (Path file : input.files()) {
      List<String> names = input.schema().isPresent() && !csv.header()
          ? input.schema().get().stream().map(SourceColumn::name).toList()
          : FileHeaders.checkedCsvHeader(file, csv, declaredNames(input));
      if (names.isEmpty()) {
        continue; // an empty file: no header, no rows
      }
      filesByHeader.computeIfAbsent(names, key -> new ArrayList<>()).add(file.toString());
    }
    Dataset<Row> text = null;
    Set<String> allNames = new LinkedHashSet<>();
    for (Map.Entry<List<String>, List<String>> group : filesByHeader.entrySet()) {
      List<String> names = group.getKey();
      allNames.addAll(names);
      DataFrameReader reader = spark.read().format("csv").schema(textSchema(names))
          .option("header", csv.header())
          .option("sep", csv.delimiter())
          .option("quote", csv.quote())
          .option("escape", csv.escape())
          .option("encoding", csv.encoding())
          .option("nullValue", NO_NULL_VALUE)
          .option("mode", "PERMISSIVE")
          .option("columnNameOfCorruptRecord", CORRUPT);
      Dataset<Row> read = withOrigin(reader.load(group.getValue().toArray(String[]::new)), names,
          concat_ws(csv.delimiter(), names.stream().map(name -> coalesce(col(TextColumns.quoted(name)), lit("")))
              .toArray(Column[]::new)),
          "malformed line: expected " + names.size() + " fields as in the header", csv.encoding());
      text = text == null ? read : text.unionByName(read, true);
    }
    List<String> names = declaredNames(input).orElse(List.copyOf(allNames.isEmpty() ? tableTypes.keySet() : allNames));
    if (text == null) {
      // Every file of the batch is empty: no rows, and the batch still commits its position.
      List<StructField> fields = new ArrayList<>();
      names.forEach(name -> fields.add(DataTypes.createStructField(name, DataTypes.StringType, true)));
      fields.add(DataTypes.createStructField(ParsedBatch.FILE, DataTypes.StringType, true));
      fields.add(DataTypes.createStructField(ParsedBatch.RAW, DataTypes.StringType, true));
      fields.add(DataTypes.createStructField(ParsedBatch.REASON, DataTypes.StringType, true));
      text = spark.createDataFrame(List.<Row>of(), DataTypes.createStructType(fields));
    }
    text = TextColumns.nullMarkers(text, names, csv.nullValues());
    return typed(input, text, names, tableTypes);
  }

  // Lines are read as text and parsed here, so every rejected line keeps its exact text (and line number).
  private ParsedBatch json(FileInput input, Map<String, DataType> tableTypes) {
    Set<String> keys = new LinkedHashSet<>();
    declaredNames(input).ifPresentOrElse(keys::addAll,
        () -> input.files().forEach(file -> keys.addAll(FileHeaders.jsonKeys(file, "UTF-8"))));
    List<String> names = List.copyOf(keys);
    Dataset<Row> lines = spark.read().text(input.files().stream().map(Path::toString).toArray(String[]::new))
        .select(col("value"), col("_metadata.file_path").as(ParsedBatch.FILE))
        .filter(trim(col("value")).notEqual(""));
    Column parsed = from_json(col("value"), textSchema(names),
        Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT));
    List<Column> columns = new ArrayList<>();
    names.forEach(name -> columns.add(col("parsed." + TextColumns.quoted(name)).as(name)));
    columns.add(col(ParsedBatch.FILE));
    columns.add(col("value").as(ParsedBatch.RAW));
    columns.add(when(col("parsed." + CORRUPT).isNotNull().or(col("parsed").isNull()), lit("malformed JSON line"))
        .when(undecodable(col("value"), "UTF-8"), lit(UNDECODABLE + "UTF-8")).as(ParsedBatch.REASON));
    Dataset<Row> text = lines.withColumn("parsed", parsed).select(columns.toArray(Column[]::new));
    return typed(input, text, names, tableTypes);
  }

  private ParsedBatch parquet(FileInput input) {
    input.files().forEach(FileHeaders::checkParquet);
    Dataset<Row> read = spark.read().option("mergeSchema", "true")
        .parquet(input.files().stream().map(Path::toString).toArray(String[]::new));
    StructType columns = read.schema();
    Dataset<Row> rows = read.withColumn(ParsedBatch.FILE, col("_metadata.file_path"))
        .withColumn(ParsedBatch.RAW, lit(null).cast(DataTypes.StringType))
        .withColumn(ParsedBatch.REASON, lit(null).cast(DataTypes.StringType));
    return new ParsedBatch(rows, columns);
  }

  private ParsedBatch typed(FileInput input, Dataset<Row> text, List<String> names, Map<String, DataType> tableTypes) {
    Map<String, DataType> known = new LinkedHashMap<>(tableTypes);
    input.schema().ifPresent(schema -> schema.forEach(column -> known.put(column.name(), DataType.fromDDL(column.type()))));
    for (String name : names) {
      if (!List.of(text.columns()).contains(name)) {
        text = text.withColumn(name, lit(null).cast(DataTypes.StringType));
      }
    }
    StructType schema = TextColumns.types(text, names, known);
    return new ParsedBatch(TextColumns.cast(text, schema), schema);
  }

  // The file, the raw record (the line for a malformed one) and the reason for a malformed record.
  private static Dataset<Row> withOrigin(Dataset<Row> read, List<String> names, Column rebuilt, String malformed,
      String encoding) {
    List<Column> columns = new ArrayList<>();
    names.forEach(name -> columns.add(col(TextColumns.quoted(name))));
    columns.add(col("_metadata.file_path").as(ParsedBatch.FILE));
    Column raw = coalesce(col(CORRUPT), rebuilt);
    columns.add(raw.as(ParsedBatch.RAW));
    columns.add(when(col(CORRUPT).isNotNull(), lit(malformed))
        .when(undecodable(raw, encoding), lit(UNDECODABLE + encoding)).as(ParsedBatch.REASON));
    return read.select(columns.toArray(Column[]::new));
  }

  private static final String UNDECODABLE = "bytes that are not valid ";

  // Spark's decoder replaces bytes it cannot decode with U+FFFD: such a record is a reject, not text.
  private static Column undecodable(Column raw, String encoding) {
    return encoding.equalsIgnoreCase("UTF-8") ? instr(raw, "\uFFFD").gt(0) : lit(false);
  }

  private static StructType textSchema(List<String> names) {
    List<StructField> fields = new ArrayList<>();
    names.forEach(name -> fields.add(DataTypes.createStructField(name, DataTypes.StringType, true)));
    fields.add(DataTypes.createStructField(CORRUPT, DataTypes.StringType, true));
    return DataTypes.createStructType(fields);
  }

  private static Optional<List<String>> declaredNames(FileInput input) {
    return input.schema().map(schema -> schema.stream().map(SourceColumn::name).toList());
  }
}
