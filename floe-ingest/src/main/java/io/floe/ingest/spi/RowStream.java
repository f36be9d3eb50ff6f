package io.floe.ingest.spi;

import java.util.Iterator;

/**
 * An iterator of rows that holds a resource (a cursor, a connection) until closed. Each row is an
 * array with one value per {@link RowInput#columns()} entry, null for SQL NULL.
 */
public interface RowStream extends Iterator<Object[]>, AutoCloseable {
  @Override
  void close();
}
