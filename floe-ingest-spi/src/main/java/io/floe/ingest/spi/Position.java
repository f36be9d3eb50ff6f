package io.floe.ingest.spi;

import static java.util.Objects.requireNonNull;

/**
 * Where a source resumes: a watermark, the set of files loaded, a log sequence number. The value is
 * an opaque string that only the source that wrote it parses; the engine stores it in the snapshot
 * that holds the rows read up to it, and hands it back to {@link Source#plan} on the next run.
 *
 * @param value the serialised position; empty for {@link #START}
 */
public record Position(String value) {
  /** Before anything was read: the first run of a source starts here. */
  public static final Position START = new Position("");

  public Position {
    requireNonNull(value, "value is null");
  }

  public boolean isStart() {
    return value.isEmpty();
  }
}
