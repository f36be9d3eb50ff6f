package io.floe.core.error;

/**
 * Who has to act on a failure. This is the one place that maps a failure to a CLI exit code; the
 * server maps the same categories to HTTP statuses.
 */
public enum ErrorCategory {
  /** The user's input is wrong (configuration, SQL, arguments): fix it and retry. */
  USER(1),
  /** Something outside Floe failed (catalog, object store, source database): retry or fix it there. */
  EXTERNAL(3),
  /**
   * Another run holds the project or committed the same table first: nothing of this run's failed
   * step was written; run it again (or pass {@code --wait}).
   */
  CONFLICT(4),
  /** The run was cancelled (Ctrl-C, or a cancel from the server): what it had not published is discarded. */
  CANCELLED(130),
  /** A bug in Floe. */
  INTERNAL(2);

  private final int exitCode;

  ErrorCategory(int exitCode) {
    this.exitCode = exitCode;
  }

  /** The process exit code the CLI uses for a failure of this category. */
  public int exitCode() {
    return exitCode;
  }
}
