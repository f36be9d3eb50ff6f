package io.floe.ingest.bronze;

import static java.util.Objects.requireNonNull;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A batch as the engine sees it before writing: the typed source columns of {@link #columns}, plus
 * {@link #FILE}, {@link #RAW} and {@link #REASON}, where a non-null reason marks a rejected row.
 *
 * @param columns the source columns with their types, in source order
 * @param endPosition where the batch ends, when the source learned it while reading (a stream)
 */
record ParsedBatch(Dataset<Row> rows, StructType columns, java.util.Optional<io.floe.ingest.spi.Position> endPosition) {
  /** The file a row came from, or null for rows that do not come from files. */
  static final String FILE = "_floe_file";
  /** The record as read (a text line, or the values joined), kept for rejected rows. */
  static final String RAW = "_floe_raw";
  /** Why a row is rejected, or null for a good row. */
  static final String REASON = "_floe_reason";

  ParsedBatch {
    requireNonNull(rows, "rows is null");
    requireNonNull(columns, "columns is null");
    requireNonNull(endPosition, "endPosition is null");
  }

  ParsedBatch(Dataset<Row> rows, StructType columns) {
    this(rows, columns, java.util.Optional.empty());
  }

  /** The position to commit with the batch: the one learned while reading, else the planned one. */
  io.floe.ingest.spi.Position after(io.floe.ingest.spi.Batch batch) {
    return endPosition.orElse(batch.after());
  }
}
