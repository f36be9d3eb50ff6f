package io.floe.ingest.spi;

import java.util.List;
import java.util.Optional;

/**
 * A configured source, read batch by batch after the position its table committed last.
 *
 * <p>A bounded source (files, a watermark query) implements {@link #plan}: the batches after a
 * position, each with its end position known up front. A stream (a replication log, a paged API)
 * implements {@link #open} instead and builds each batch when the engine asks for it; a batch's end
 * may then be learned while reading ({@link RowStream#endPosition()}).
 *
 * <p>The engine commits each batch's rows and end position in one Iceberg snapshot, then calls
 * {@link #committed} with that position: only then may the source let go of what it read (a
 * replication slot's flushed LSN, say). A process killed between the commit and that call leaves
 * the acknowledgement undone; the next run calls {@link #committed} with the table's position
 * before it reads anything, so nothing is read twice into the table and nothing is acknowledged
 * before it is safe. Reading must not change anything outside Floe, and reading twice from the same
 * position over the same data must give the same batches with the same ids.
 */
public interface Source extends AutoCloseable {
  /** The source's name in floe.yaml. */
  String name();

  /**
   * The batches to read after {@code committed}, in order; empty when there is nothing new. Each
   * batch's {@link Batch#after()} includes everything before it, so any prefix of the list can be
   * committed on its own. A stream source, which cannot plan, throws {@link UnsupportedOperationException}
   * and implements {@link #open}.
   *
   * @param committed the position stored with the last committed batch, or {@link Position#START}
   * @throws io.floe.core.error.FloeException a user or external error when the data cannot be
   *     reached (missing file, wrong credentials, unreachable database), in one line
   */
  List<Batch> plan(Position committed);

  /**
   * Opens this run's batches after {@code committed}. The default serves a bounded source: the
   * batches {@link #plan} returns.
   */
  default BatchStream open(Position committed) {
    return BatchStream.of(plan(committed));
  }

  /**
   * Opens this run's batches after {@code committed}, reading as {@code options} say (a stream may
   * follow until stopped). The default ignores the options: a bounded source has an end.
   */
  default BatchStream open(Position committed, ReadOptions options) {
    return open(committed);
  }

  /**
   * Whether there is data after {@code committed}, asked without loading it (an event trigger of
   * {@code floe serve} polls this). The default plans: a bounded source has new data when it plans
   * a batch. A stream source that cannot tell without reading says {@link Optional#empty()}: the
   * trigger then reads it, and its run records "nothing new" when nothing came.
   */
  default Optional<Boolean> hasNewData(Position committed) {
    try {
      return Optional.of(!plan(committed).isEmpty());
    } catch (UnsupportedOperationException stream) {
      return Optional.empty();
    }
  }

  /**
   * The rows up to {@code position} are committed to the table (or were, by a run that stopped
   * before it could say so). Called after every commit, and once before reading with the table's
   * position; it must be idempotent.
   */
  default void committed(Position position) {}

  /** The position in words for {@code floe sources}, e.g. {@code 12 files} or {@code updated_at = 2026-01-02}. */
  String describe(Position position);

  /** Releases what the source holds (connections, a replication stream). */
  @Override
  default void close() {}
}
