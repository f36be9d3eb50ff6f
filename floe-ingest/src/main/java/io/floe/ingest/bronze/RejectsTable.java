package io.floe.ingest.bronze;

import static org.apache.spark.sql.functions.col;

import io.floe.ingest.spi.SourceDefinition;
import io.floe.spark.FloeEngine;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * {@code <table>__rejects}: one row per rejected record with the file, line, raw record and reason.
 * A batch's rejects replace those of an earlier attempt of the same batch (same id), so a run
 * replayed after a crash does not list a reject twice.
 */
final class RejectsTable {
  static final StructType SCHEMA = StructType.fromDDL(
      "_source STRING, _batch_id STRING, _ingested_at TIMESTAMP, file STRING, line BIGINT, raw STRING, reason STRING");

  private RejectsTable() {}

  /** The first rejects, as {@code file:line: reason}, for messages. */
  static List<String> write(FloeEngine engine, SourceDefinition definition, String batchId, Instant now,
      Dataset<Row> rejected, String encoding) {
    List<Row> collected = rejected.select(col(ParsedBatch.FILE), col(ParsedBatch.RAW), col(ParsedBatch.REASON))
        .collectAsList();
    List<String[]> located = new ArrayList<>();
    collected.forEach(row -> located.add(new String[] {row.getString(0), row.getString(1)}));
    Long[] lines = RejectLines.locate(located, encoding);
    List<Row> rows = new ArrayList<>();
    List<String> firsts = new ArrayList<>();
    for (int i = 0; i < collected.size(); i++) {
      Row row = collected.get(i);
      String file = relative(definition.projectRoot(), row.getString(0));
      rows.add(RowFactory.create(definition.name(), batchId, now, file, lines[i], row.getString(1), row.getString(2)));
      if (firsts.size() < 3) {
        firsts.add((file == null ? "" : file + (lines[i] == null ? "" : ":" + lines[i]) + ": ") + row.getString(2));
      }
    }
    String table = definition.rejectsTable();
    SparkWork.run("write rejected rows to " + table, () -> {
      engine.session().sql("CREATE TABLE IF NOT EXISTS " + table + " (" + SCHEMA.toDDL() + ") USING iceberg");
      engine.session().createDataFrame(rows, SCHEMA).writeTo(table).overwrite(col("_batch_id").equalTo(batchId));
    });
    return firsts;
  }

  static String relative(Path projectRoot, String fileUri) {
    if (fileUri == null) {
      return null;
    }
    Path file = Path.of(URI.create(fileUri));
    return file.startsWith(projectRoot) ? projectRoot.relativize(file).toString() : file.toString();
  }
}
