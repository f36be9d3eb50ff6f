package io.floe.ingest.spi;

import static java.util.Objects.requireNonNull;

/**
 * One unit of exactly-once ingestion: the rows of {@link #input} are committed together with
 * {@link #after}, or not at all.
 *
 * @param id a stable id for the batch, derived from what it reads, so that a batch re-planned after
 *     a crash gets the same id (it is stored in {@code _batch_id})
 * @param input what the engine reads
 * @param after the source's position once this batch is committed
 * @param bytes the size of the input, or 0 when unknown (for progress and throughput)
 * @param description a few words for logs and progress, e.g. {@code 3 files (orders_01.csv ...)}
 */
public record Batch(String id, BatchInput input, Position after, long bytes, String description) {
  public Batch {
    requireNonNull(id, "id is null");
    requireNonNull(input, "input is null");
    requireNonNull(after, "after is null");
    requireNonNull(description, "description is null");
    if (id.isBlank()) {
      throw new IllegalArgumentException("Invalid batch id: the id is blank");
    }
    if (bytes < 0) {
      throw new IllegalArgumentException("Invalid batch size: must be 0 or more, but was: " + bytes);
    }
  }
}
