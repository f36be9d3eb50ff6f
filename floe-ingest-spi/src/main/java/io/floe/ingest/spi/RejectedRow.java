package io.floe.ingest.spi;

import static java.util.Objects.requireNonNull;

/**
 * A record a row source read but could not turn into a row (a value that does not fit its declared
 * type, an unknown operation): it goes to the target's rejects table, and counts against
 * {@code max-rejects}, as a file's unreadable line does.
 *
 * @param where where the record is, in words a user can look up, e.g. {@code public.audit_log_dml event 42}
 * @param raw the record as read (say, a JSON payload)
 * @param reason what was expected and what was seen
 */
public record RejectedRow(String where, String raw, String reason) {
  public RejectedRow {
    requireNonNull(where, "where is null");
    requireNonNull(reason, "reason is null");
  }
}
