package io.floe.ingest.spi;

import java.util.List;

/**
 * The raw change shape: a Debezium change event flattened into columns, as seed 003's raw tables
 * hold it. Every source of Debezium-style changes (PostgreSQL's log, a Kafka topic of Debezium's
 * events) writes these columns in this order, so the models over one read the other.
 */
public final class RawChangeEvent {
  /**
   * {@code data} (the row as JSON; the before-image for a delete), {@code op}, {@code ts_ms},
   * {@code source_ts_ms}, {@code source_tx_id}, {@code source_lsn}, {@code source_commit_lsn},
   * {@code source_connector}, {@code source_db}, {@code source_schema}, {@code source_table}.
   */
  public static final List<SourceColumn> COLUMNS = List.of(
      new SourceColumn("data", "string"), new SourceColumn("op", "string"), new SourceColumn("ts_ms", "bigint"),
      new SourceColumn("source_ts_ms", "bigint"), new SourceColumn("source_tx_id", "bigint"),
      new SourceColumn("source_lsn", "bigint"), new SourceColumn("source_commit_lsn", "bigint"),
      new SourceColumn("source_connector", "string"), new SourceColumn("source_db", "string"),
      new SourceColumn("source_schema", "string"), new SourceColumn("source_table", "string"));

  private RawChangeEvent() {}
}
