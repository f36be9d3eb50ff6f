package io.floe.ingest.spi;

import java.util.Iterator;

/**
 * An iterator of rows that holds a resource (a cursor, a connection) until closed. Each row is an
 * array with one value per {@link RowInput#columns()} entry, null for SQL NULL.
 */
public interface RowStream extends Iterator<Object[]>, AutoCloseable {
  /**
   * For a stream source that learns where a batch ends while reading it (a log sequence number, an
   * API cursor): the position after the last row returned. The engine reads it once the rows are
   * exhausted, before {@link #close()}, and commits it instead of the batch's planned
   * {@link Batch#after()}. Empty (the default) keeps the planned position.
   */
  default java.util.Optional<Position> endPosition() {
    return java.util.Optional.empty();
  }

  @Override
  void close();
}
