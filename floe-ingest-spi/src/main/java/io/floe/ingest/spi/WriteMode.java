package io.floe.ingest.spi;

/** How a batch's rows reach the table. */
public enum WriteMode {
  /** Every row is added. */
  APPEND,
  /** Rows replace the rows with the same primary key; the others are added. */
  UPSERT
}
