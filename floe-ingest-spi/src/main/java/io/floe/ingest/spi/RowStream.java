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

  /**
   * The records this stream read but could not turn into rows, read by the engine once the rows are
   * exhausted (as {@link #endPosition()}). Empty (the default) for a source whose rows always fit.
   */
  default java.util.List<RejectedRow> rejected() {
    return java.util.List.of();
  }

  @Override
  void close();

  /** A stream of rows already in memory, with the records that could not become rows. */
  static RowStream of(Iterator<Object[]> rows, java.util.List<RejectedRow> rejected) {
    return new RowStream() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Object[] next() {
        return rows.next();
      }

      @Override
      public java.util.List<RejectedRow> rejected() {
        return rejected;
      }

      @Override
      public void close() {}
    };
  }
}
