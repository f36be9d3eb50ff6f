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
    try (RowStream stream = input.open()) {
      while (stream.hasNext()) {
        Object[] values = stream.next();
        if (values.length != fields.size()) {
          throw new IllegalStateException("Invalid row from connector: expected " + fields.size()
              + " values, but was: " + values.length);
        }
        rows.add(RowFactory.create(values));
      }
    }
    Dataset<Row> frame = spark.createDataFrame(rows, schema)
        .withColumn(ParsedBatch.FILE, lit(null).cast(DataTypes.StringType))
        .withColumn(ParsedBatch.RAW, lit(null).cast(DataTypes.StringType))
        .withColumn(ParsedBatch.REASON, lit(null).cast(DataTypes.StringType));
    return new ParsedBatch(frame, schema);
  }
}
