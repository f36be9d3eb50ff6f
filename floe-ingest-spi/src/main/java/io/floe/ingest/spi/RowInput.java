package io.floe.ingest.spi;

import java.util.List;

/**
 * Rows pulled from the connector, e.g. a JDBC result set. The engine calls {@link #open()} once per
 * attempt and closes the stream, also on failure.
 */
public non-sealed interface RowInput extends BatchInput {
  /** The columns of every row, in order. */
  List<SourceColumn> columns();

  /** Opens the rows. Values are Java values matching the column types (see {@link SourceColumn}). */
  RowStream open();
}
