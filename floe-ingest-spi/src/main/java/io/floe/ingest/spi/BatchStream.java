package io.floe.ingest.spi;

import static java.util.Objects.requireNonNull;

import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The batches of one run of a source, one at a time: the engine takes a batch, reads and commits
 * it, tells the source ({@link Source#committed}), and only then asks for the next. A stream source
 * (a replication log, a paged API) builds each batch when asked, so its memory is one batch's, and
 * the end of a batch may be learned while reading it ({@link RowStream#endPosition()}).
 */
public interface BatchStream extends AutoCloseable {
  /**
   * The next batch after the one last committed, or empty when the source has nothing more for
   * this run (a bounded source's end, or a stream that caught up).
   */
  Optional<Batch> next();

  /** How many batches this run will read, for progress; -1 when the source cannot tell (a stream). */
  default int plannedBatches() {
    return -1;
  }

  /** How many input bytes this run will read, for progress; 0 when unknown. */
  default long plannedBytes() {
    return 0;
  }

  @Override
  default void close() {}

  /** The stream of a source that plans its batches up front (files, watermark queries). */
  static BatchStream of(List<Batch> planned) {
    List<Batch> batches = List.copyOf(requireNonNull(planned, "planned is null"));
    Iterator<Batch> remaining = batches.iterator();
    return new BatchStream() {
      @Override
      public Optional<Batch> next() {
        return remaining.hasNext() ? Optional.of(remaining.next()) : Optional.empty();
      }

      @Override
      public int plannedBatches() {
        return batches.size();
      }

      @Override
      public long plannedBytes() {
        return batches.stream().mapToLong(Batch::bytes).sum();
      }
    };
  }
}
