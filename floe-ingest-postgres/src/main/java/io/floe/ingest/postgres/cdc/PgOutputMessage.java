package io.floe.ingest.postgres.cdc;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The messages of PostgreSQL's {@code pgoutput} logical decoding plugin, protocol version 1, as far
 * as a change source needs them. See PostgreSQL's "Logical Replication Message Formats".
 */
sealed interface PgOutputMessage {
  /**
   * A transaction starts.
   *
   * @param finalLsn the LSN of the transaction's commit record
   * @param commitMicros commit time, microseconds since 2000-01-01 UTC
   * @param xid the transaction id
   */
  record Begin(long finalLsn, long commitMicros, long xid) implements PgOutputMessage {}

  /**
   * A transaction ends.
   *
   * @param commitLsn the LSN of the commit record
   * @param endLsn the LSN just after it: streaming from here starts with the next transaction
   */
  record Commit(long commitLsn, long endLsn, long commitMicros) implements PgOutputMessage {}

  /** A table's shape, sent before the first change to it in a session and after it changes. */
  record Relation(int id, String schema, String table, char replicaIdentity, List<RelationColumn> columns)
      implements PgOutputMessage {
    public Relation {
      requireNonNull(schema, "schema is null");
      requireNonNull(table, "table is null");
      columns = List.copyOf(columns);
    }
  }

  /**
   * A column of a {@link Relation}.
   *
   * @param key part of the replica identity (the primary key by default)
   * @param typeOid the type's oid in {@code pg_type}
   * @param typeModifier e.g. a numeric's precision and scale, -1 when none
   */
  record RelationColumn(boolean key, String name, int typeOid, int typeModifier) {}

  /**
   * One column value of a tuple: {@link #NULL}, {@link #UNCHANGED_TOAST} (a large value the update
   * did not touch, which PostgreSQL does not send), or the value in PostgreSQL's text form.
   */
  record Value(Kind kind, String text) {
    static final Value NULL = new Value(Kind.NULL, null);
    static final Value UNCHANGED_TOAST = new Value(Kind.UNCHANGED_TOAST, null);

    enum Kind { NULL, UNCHANGED_TOAST, TEXT }
  }

  /** A row inserted. */
  record Insert(int relationId, List<Value> values) implements PgOutputMessage {}

  /**
   * A row updated. {@code before} is empty unless the table's replica identity is FULL (the old
   * row) or the key changed (the old key, other columns null).
   */
  record Update(int relationId, List<Value> before, boolean beforeIsKeyOnly, List<Value> values)
      implements PgOutputMessage {}

  /** A row deleted: the old key (default replica identity) or the old row (FULL). */
  record Delete(int relationId, List<Value> before, boolean beforeIsKeyOnly) implements PgOutputMessage {}

  /** Tables emptied by TRUNCATE. */
  record Truncate(List<Integer> relationIds) implements PgOutputMessage {}

  /** A message a change source does not need (origin, type, logical message). */
  record Other(char tag) implements PgOutputMessage {}
}
