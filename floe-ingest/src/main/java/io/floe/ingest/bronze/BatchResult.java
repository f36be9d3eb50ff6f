package io.floe.ingest.bronze;

import java.util.List;

/**
 * What writing one batch did.
 *
 * @param rowsRead rows read from the source, rejected ones included
 * @param rowsWritten rows committed to the table
 * @param rejects rows written to the rejects table instead
 * @param schemaChanges the table's schema changes, e.g. {@code added region string}
 * @param snapshotId the snapshot of main that holds the batch and the position after it
 * @param after the source's position committed with the batch (learned while reading, for a stream)
 */
public record BatchResult(long rowsRead, long rowsWritten, long rejects, List<String> schemaChanges,
    long snapshotId, io.floe.ingest.spi.Position after) {
  public BatchResult {
    schemaChanges = List.copyOf(schemaChanges);
  }
}
