package io.floe.ingest.postgres.audit;

import java.time.Instant;

/**
 * One row of an audit table as read.
 *
 * @param id the event id
 * @param operation the operation value as written (e.g. {@code I}, {@code U}, {@code D})
 * @param changedAt the change's time, or null when the audit row has none
 * @param payload the row as JSON text, or null
 */
record AuditEvent(long id, String operation, Instant changedAt, String payload) {}
