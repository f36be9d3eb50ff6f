package io.floe.models.run;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What a run did with one model.
 *
 * @param rowsWritten rows the write added (0 for a view or when nothing changed)
 * @param snapshotId the snapshot written, if any
 * @param message the error for {@link Status#ERROR}, the reason for {@link Status#SKIPPED}, else empty
 */
public record ModelResult(String model, String table, Status status, long rowsWritten, long millis,
    Optional<Long> snapshotId, String message) {
  /** A model's outcome. */
  public enum Status {
    SUCCESS,
    /** Not run: its fingerprint (SQL, config, inputs) equals the one its table was published with. */
    UNCHANGED,
    ERROR,
    SKIPPED
  }

  /** True when the model holds what this run asked of it: it ran, or had nothing to do. */
  public boolean ok() {
    return status == Status.SUCCESS || status == Status.UNCHANGED;
  }

  public ModelResult {
    requireNonNull(model, "model is null");
    requireNonNull(table, "table is null");
    requireNonNull(status, "status is null");
    requireNonNull(snapshotId, "snapshotId is null");
    requireNonNull(message, "message is null");
  }
}
