package io.floe.core.project;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The names of the columns Floe adds to every bronze row ({@code ingest.columns.*} in floe.yaml):
 * when the batch was written, the source's name, the batch's id, and the row's hash.
 */
public record BronzeColumns(String ingestedAt, String source, String batchId, String hash) {
  /** Floe's names, unless floe.yaml says otherwise. */
  public static final BronzeColumns DEFAULT = new BronzeColumns("_ingested_at", "_source", "_batch_id", "_hash");

  public BronzeColumns {
    requireNonNull(ingestedAt, "ingestedAt is null");
    requireNonNull(source, "source is null");
    requireNonNull(batchId, "batchId is null");
    requireNonNull(hash, "hash is null");
  }

  /** The four names. */
  public List<String> all() {
    return List.of(ingestedAt, source, batchId, hash);
  }
}
