package io.floe.ingest.bronze;

import io.floe.core.project.BronzeColumns;
import io.floe.core.project.Project;

/**
 * The columns Floe adds to every bronze row, named as the project says ({@code ingest.columns.*}):
 * when the batch was written (timestamp with time zone), the source's name, the batch's id (see
 * {@link io.floe.ingest.spi.Batch#id()}), and a SHA-256 of the source columns ({@code hash: true}).
 */
record MetadataColumns(String ingestedAt, String source, String batchId, String hash) {
  static MetadataColumns of(Project project) {
    BronzeColumns names = project.config().bronzeColumns();
    return new MetadataColumns(names.ingestedAt(), names.source(), names.batchId(), names.hash());
  }

  /** Whether {@code name} is one of them (a source's own column of that name is not loaded). */
  boolean contains(String name) {
    return name.equals(ingestedAt) || name.equals(source) || name.equals(batchId) || name.equals(hash);
  }
}
