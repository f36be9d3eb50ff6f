package io.floe.ingest.spi;

import java.util.List;

/**
 * A configured source: plans what to read after a committed position. Planning must not change
 * anything outside Floe, and planning twice from the same position over the same data must give
 * the same batches with the same ids, so that a run killed before a commit is replayed exactly.
 */
public interface Source {
  /** The source's name in floe.yaml. */
  String name();

  /**
   * The batches to read after {@code committed}, in order; empty when there is nothing new. Each
   * batch's {@link Batch#after()} includes everything before it, so any prefix of the list can be
   * committed on its own.
   *
   * @param committed the position stored with the last committed batch, or {@link Position#START}
   * @throws io.floe.core.error.FloeException a user or external error when the data cannot be
   *     reached (missing file, wrong credentials, unreachable database), in one line
   */
  List<Batch> plan(Position committed);

  /** The position in words for {@code floe sources}, e.g. {@code 12 files} or {@code updated_at = 2026-01-02}. */
  String describe(Position position);
}
