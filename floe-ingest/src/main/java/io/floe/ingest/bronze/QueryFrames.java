package io.floe.ingest.bronze;

import static org.apache.spark.sql.functions.lit;

import io.floe.ingest.spi.QueryInput;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/** Reads a {@link QueryInput} with Spark's JDBC reader, split into parallel key ranges. */
final class QueryFrames {
  private QueryFrames() {}

  static ParsedBatch read(SparkSession spark, QueryInput input) {
    DataFrameReader reader = spark.read().format("jdbc")
        .option("url", input.url())
        .option("dbtable", "(" + input.query() + ") AS floe_query")
        .option("fetchsize", String.valueOf(input.fetchSize()));
    input.properties().forEach(reader::option);
    input.split().filter(split -> split.parts() > 1 && split.upper() > split.lower()).ifPresent(split -> reader
        .option("partitionColumn", split.column())
        .option("lowerBound", String.valueOf(split.lower()))
        // Spark's upper bound is exclusive of the last range's stride, not of rows: any value works.
        .option("upperBound", String.valueOf(split.upper() + 1))
        .option("numPartitions", String.valueOf(split.parts())));
    Dataset<Row> rows = reader.load();
    Dataset<Row> frame = rows
        .withColumn(ParsedBatch.FILE, lit(null).cast(DataTypes.StringType))
        .withColumn(ParsedBatch.RAW, lit(null).cast(DataTypes.StringType))
        .withColumn(ParsedBatch.REASON, lit(null).cast(DataTypes.StringType));
    return new ParsedBatch(frame, rows.schema());
  }
}
