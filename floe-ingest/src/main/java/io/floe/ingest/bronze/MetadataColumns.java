package io.floe.ingest.bronze;

import java.util.Set;

/** The columns Floe adds to every bronze row. */
final class MetadataColumns {
  /** When the batch was written (timestamp with time zone). */
  static final String INGESTED_AT = "_ingested_at";
  /** The source's name. */
  static final String SOURCE = "_source";
  /** The batch's id (see {@link io.floe.ingest.spi.Batch#id()}). */
  static final String BATCH_ID = "_batch_id";
  /** SHA-256 of the source columns, with {@code hash: true}. */
  static final String HASH = "_hash";

  static final Set<String> ALL = Set.of(INGESTED_AT, SOURCE, BATCH_ID, HASH);

  private MetadataColumns() {}
}
