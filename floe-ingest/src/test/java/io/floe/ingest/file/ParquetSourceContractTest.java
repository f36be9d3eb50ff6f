package io.floe.ingest.file;

import io.floe.ingest.SourceContractTest;
import org.apache.spark.sql.functions;

/** Parquet files written by Spark (a directory of part files per call), against the shared contract. */
class ParquetSourceContractTest extends SourceContractTest {
  @Override
  protected String sourceYaml() {
    return """
          contract:
            type: parquet
            path: landing/*/*.parquet
            batch: {max-files: 1}
        """;
  }

  @Override
  protected void addRows(long from, long to) {
    fixture.engine().session().range(from, to).toDF("id")
        .withColumn("name", functions.concat(functions.lit("n"), functions.col("id")))
        .repartition(2)
        .write().parquet(projectDir.resolve("landing/rows_" + String.format("%05d", from)).toString());
  }
}
