package io.floe.ingest.postgres.cdc;

import static io.floe.ingest.postgres.PostgresTypeMapping.quote;
import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.ingest.postgres.PostgresConnection;
import io.floe.ingest.postgres.PostgresTableName;
import io.floe.ingest.postgres.cdc.ChangeShape.Change;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Begin;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Commit;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Delete;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Insert;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Relation;
import io.floe.ingest.postgres.cdc.PgOutputMessage.RelationColumn;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Truncate;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Update;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Value;
import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.BatchStream;
import io.floe.ingest.spi.ChangeLog;
import io.floe.ingest.spi.Position;
import io.floe.ingest.spi.ReadOptions;
import io.floe.ingest.spi.RowInput;
import io.floe.ingest.spi.RowStream;
import io.floe.ingest.spi.Source;
import io.floe.ingest.spi.SourceColumn;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL table followed through its write-ahead log (logical replication, {@code pgoutput}).
 *
 * <p>The first run creates the publication and the slot; the slot exports a snapshot that shows the
 * table exactly as it was at the slot's start, and that snapshot is the first batch (rows with
 * {@code op = r}), committed with the slot's start as its position. Every later batch holds whole
 * transactions read from the slot after the table's position, and its position is the end of its
 * last transaction. The slot is acknowledged only in {@link #committed}, after the engine's commit:
 * a kill at any moment leaves the slot at or before the table's position, and the next run starts
 * from the table's position, so every change lands exactly once. A kill before the snapshot commits
 * leaves a slot nothing was read from: it is dropped and the snapshot taken again, whole.
 *
 * <p>A table with a primary key is snapshot in chunks of {@code snapshot.chunk-rows} rows in key
 * order, each chunk committed with the key it reached. A run killed after some chunks resumes after
 * that key, in a new snapshot exported by a temporary slot (the first snapshot died with its
 * connection), and streaming skips the changes that new snapshot already shows (see
 * {@link CdcPosition}): nothing is read twice and nothing read is lost.
 */
final class PostgresCdcSource implements Source {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresCdcSource.class);
  /**
   * Catching up (no --follow), a safety net only: the log counts as read when nothing at all
   * arrives for this long, even if the stream never said it passed the run's target position.
   */
  private static final Duration IDLE_LIMIT = Duration.ofSeconds(30);
  /** PostgreSQL's WAL page size (XLOG_BLCKSZ, as built by default) and its longest page header. */
  private static final long WAL_PAGE_BYTES = 8192;
  private static final long LONG_PAGE_HEADER_BYTES = 40;

  private final String name;
  private final PostgresConnection connection;
  private final PostgresTableName table;
  private final ReplicationSlot slot;
  private final boolean raw;
  private final Duration commitInterval;
  private final int maxChanges;
  private final int fetchSize;
  private final int chunkRows;
  private final Map<Integer, Relation> relations = new HashMap<>();
  /** Messages read for the next batch: a transaction's start, read before the batch before it ended. */
  private final Deque<PgOutputMessage> pending = new ArrayDeque<>();
  private PGReplicationStream stream;
  private ChangeShape shape;
  /** The log position the slot was last told is safe. */
  private long acknowledged = -1;
  /**
   * Catching up (no --follow): where the server's log ended when the run began. The run has
   * read the log once the stream passed it (a keepalive reports how far the server's decoding got),
   * however long the server takes to decode a large transaction first.
   */
  private long catchUpTarget = -1;
  /** The table's position: the end of the last transaction committed to it. */
  private long tableLsn = -1;
  /** The table's position in full: with the snapshot's progress, or its segments still ahead in the log. */
  private CdcPosition current;
  /** The initial snapshot being read, across batches; null before and after. */
  private SnapshotReader snapshot;
  /** The key that places a change from the log in a snapshot segment; built on the first change that needs it. */
  private SnapshotKey segmentKey;

  PostgresCdcSource(String name, PostgresConnection connection, PostgresTableName table, String slot,
      String publication, boolean raw, Duration commitInterval, int maxChanges, int fetchSize, int chunkRows) {
    this.name = requireNonNull(name, "name is null");
    this.connection = requireNonNull(connection, "connection is null");
    this.table = requireNonNull(table, "table is null");
    this.slot = new ReplicationSlot(name, connection, table, slot, publication);
    this.raw = raw;
    this.commitInterval = requireNonNull(commitInterval, "commitInterval is null");
    this.maxChanges = maxChanges;
    this.fetchSize = fetchSize;
    this.chunkRows = chunkRows;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Batch> plan(Position committed) {
    throw new UnsupportedOperationException("Source " + name + " follows a log: open it instead of planning it");
  }

  @Override
  public BatchStream open(Position committed, ReadOptions options) {
    return new Changes(committed, options);
  }

  @Override
  public void committed(Position position) {
    if (position.isStart()) {
      return;
    }
    current = CdcPosition.parse(name, position);
    if (current.inSnapshot()) {
      // The slot stays at its start until the snapshot is read: the log after it is still to come.
      return;
    }
    long lsn = current.lsn();
    tableLsn = Math.max(tableLsn, lsn);
    if (lsn > acknowledged && stream != null) {
      acknowledge(lsn);
    }
  }

  private void acknowledge(long lsn) {
    try {
      slot.acknowledge(lsn);
      acknowledged = lsn;
    } catch (SQLException e) {
      throw FloeException.external(e, "Cannot acknowledge log position %s on slot %s of source %s: %s",
          LogSequenceNumber.valueOf(lsn).asString(), slot.slot(), name, e.getMessage());
    }
  }

  @Override
  public String describe(Position position) {
    if (position.isStart()) {
      return "no snapshot yet";
    }
    CdcPosition at = CdcPosition.parse(name, position);
    String lsn = LogSequenceNumber.valueOf(at.lsn()).asString();
    return at.inSnapshot() ? "initial snapshot read up to key " + at.snapshotAfter().orElseThrow() + " (slot "
        + slot.slot() + " at " + lsn + ")" : "log position " + lsn + " (slot " + slot.slot() + ")";
  }

  @Override
  public void close() {
    stream = null;
    try {
      if (snapshot != null) {
        snapshot.close();
      }
    } finally {
      snapshot = null;
      slot.close();
    }
  }

  private String batchId(String what) {
    return name + "-" + UUID.nameUUIDFromBytes((table + "|" + what).getBytes(StandardCharsets.UTF_8))
        .toString().substring(0, 8);
  }

  /** The batches of one run: the initial snapshot first when there is no position yet, then the log. */
  private final class Changes implements BatchStream {
    private final ReadOptions options;
    private boolean snapshotPending;

    Changes(Position committed, ReadOptions options) {
      this.options = options;
      if (!committed.isStart()) {
        current = CdcPosition.parse(name, committed);
        if (!current.inSnapshot()) {
          tableLsn = Math.max(tableLsn, current.lsn());
        }
      }
      this.snapshotPending = committed.isStart() || current.inSnapshot();
    }

    @Override
    public Optional<Batch> next() {
      try {
        if (snapshotPending) {
          if (snapshot != null && options.stopping()) {
            // Stopped between chunks: what is committed stays, and the next run resumes after it.
            return Optional.empty();
          }
          if (snapshot == null) {
            snapshot = openSnapshot();
          }
          if (!snapshot.finished()) {
            return Optional.of(snapshot.nextBatch());
          }
          snapshot.close();
          snapshot = null;
          snapshotPending = false;
        }
        if (stream == null) {
          try (Connection sql = connection.open()) {
            if (!slot.exists(sql)) {
              throw FloeException.user("Cannot follow the log for source %s: replication slot %s is gone, so the"
                  + " changes after the table's position %s cannot be read. Load the table again from a new"
                  + " snapshot (floe ingest %s --full-refresh) or restore the slot.", name, slot.slot(),
                  LogSequenceNumber.valueOf(tableLsn).asString(), name);
            }
          }
          if (!options.follow()) {
            catchUpTarget = serverLogEnd();
          }
          stream = slot.start(tableLsn);
          acknowledge(tableLsn);
        }
        return readToFirstChange() ? Optional.of(logBatch()) : Optional.empty();
      } catch (SQLException e) {
        throw FloeException.external(e, "Cannot read the log of source %s (slot %s): %s", name, slot.slot(),
            e.getMessage());
      }
    }

    /**
     * Starts the initial snapshot: on a new slot, whose exported snapshot lines up with its start;
     * or, when the table's position holds a snapshot's progress, after the last key committed, in a
     * snapshot exported by a temporary slot.
     */
    private SnapshotReader openSnapshot() throws SQLException {
      boolean resuming = current != null && current.inSnapshot();
      List<RelationColumn> columns;
      boolean utf8;
      try (Connection sql = connection.open()) {
        slot.preparePublication(sql);
        columns = tableColumns(sql);
        primaryKey = keyNames(columns);
        utf8 = utf8(sql);
        if (resuming && !slot.exists(sql)) {
          throw FloeException.user("Cannot resume the initial snapshot of source %s: replication slot %s is gone,"
              + " so the changes since the snapshot began cannot be read. Load the table again from a new snapshot"
              + " (floe ingest %s --full-refresh).", name, slot.slot(), name);
        }
        if (!resuming && slot.exists(sql)) {
          LOG.info("Source {}: slot {} was left by a run that stopped before its snapshot committed; taking the"
              + " snapshot again", name, slot.slot());
          slot.drop(sql);
        }
        shape = raw ? ChangeShape.raw(sql.getCatalog(), table.schema(), table.table()) : ChangeShape.typed(columns);
      }
      Optional<SnapshotKey> key = SnapshotKey.of(columns, utf8);
      if (!resuming) {
        ReplicationSlot.Created created = slot.create();
        if (key.isEmpty()) {
          LOG.info("Source {}: table {} has no primary key of integers, uuids or text, so its snapshot is read in"
              + " one commit", name, table);
        }
        CdcPosition position = new CdcPosition(created.consistentPoint(),
            key.map(SnapshotKey::names).orElse(List.of()), Optional.of(List.of()), List.of());
        return new SnapshotReader(created, null, columns, key.orElse(null), position);
      }
      if (key.isEmpty() || !key.get().names().equals(current.key())) {
        throw FloeException.user("Cannot resume the initial snapshot of source %s: it was read in the order of"
            + " primary key %s, and table %s now has %s. Load the table again from a new snapshot (floe ingest %s"
            + " --full-refresh).", name, current.key(), table, key.map(SnapshotKey::names).orElse(List.of()), name);
      }
      ReplicationSlot.Temporary temporary = slot.createTemporary();
      ReplicationSlot.Created created = temporary.created();
      LOG.info("Source {}: resuming the initial snapshot of {} after key {}, in a snapshot at log position {}", name,
          table, current.snapshotAfter().orElseThrow(), LogSequenceNumber.valueOf(created.consistentPoint()));
      return new SnapshotReader(created, temporary, columns, key.get(), current.resumedAt(created.consistentPoint()));
    }

    private boolean utf8(Connection sql) throws SQLException {
      try (Statement statement = sql.createStatement();
          ResultSet rows = statement.executeQuery("SHOW server_encoding")) {
        rows.next();
        return rows.getString(1).equalsIgnoreCase("UTF8");
      }
    }

    /**
     * Reads until the first change of a transaction (kept in {@link #pending} for the batch), or
     * returns false when the run should end. Transactions without a change to this table are
     * acknowledged as they pass: nothing of them goes into the table, and the slot need not keep them.
     */
    private boolean readToFirstChange() throws SQLException {
      if (pending.stream().anyMatch(PostgresCdcSource::isChange)) {
        return true;
      }
      long idleSince = System.nanoTime();
      while (true) {
        if (pending.isEmpty() && options.stopping()) {
          // Between transactions, whether the log is idle or not: a busy log (a workload that never
          // pauses, or the backlog after a snapshot) must not keep a stopped follower reading.
          return false;
        }
        PgOutputMessage message = poll();
        if (message == null) {
          boolean between = pending.isEmpty();
          if (between && !options.follow() && caughtUp(System.nanoTime() - idleSince)) {
            return false;
          }
          pause();
          continue;
        }
        idleSince = System.nanoTime();
        if (message instanceof Commit commit) {
          pending.clear();
          if (commit.endLsn() > acknowledged) {
            acknowledge(commit.endLsn());
          }
          continue;
        }
        if (message instanceof Relation relation) {
          relations.put(relation.id(), relation);
        }
        if (message instanceof Begin) {
          pending.clear();
        }
        pending.add(message);
        if (isChange(message)) {
          return true;
        }
      }
    }

    private Batch logBatch() {
      long start = Math.max(tableLsn, acknowledged);
      if (shape == null) {
        shape = raw ? ChangeShape.raw(database(), table.schema(), table.table())
            : ChangeShape.typed(relationOf(pending).columns());
      } else if (!raw) {
        Relation relation = relationOf(pending);
        if (!shape.fits(relation.columns())) {
          shape = ChangeShape.typed(relation.columns());
        }
      }
      ChangeShape batchShape = shape;
      LogRows rows = new LogRows(batchShape, options);
      RowInput input = new RowInput() {
        @Override
        public List<SourceColumn> columns() {
          return batchShape.columns();
        }

        @Override
        public RowStream open() {
          return rows;
        }
      };
      CdcPosition planned = current == null ? CdcPosition.streaming(start) : current.streamedTo(start);
      return new Batch(batchId("log@" + start), input, planned.toPosition(), 0,
          "changes after " + LogSequenceNumber.valueOf(start).asString() + lag(start));
    }

    private Relation relationOf(Deque<PgOutputMessage> messages) {
      for (PgOutputMessage message : messages) {
        int id = relationId(message);
        if (id != 0) {
          return relation(id);
        }
      }
      throw new IllegalStateException("Invalid pending messages: no change among " + messages.size());
    }
  }

  private String database;
  private java.util.Set<String> primaryKey;

  /**
   * The table's primary key columns (none when it has no primary key), read once per run: taken
   * from the snapshot's read of the columns, or read here when the run only streams.
   */
  private java.util.Set<String> primaryKey() {
    if (primaryKey == null) {
      try (Connection sql = connection.open()) {
        primaryKey = keyNames(tableColumns(sql));
      } catch (SQLException e) {
        throw FloeException.external(e, "Cannot read the primary key of table %s for source %s: %s", table, name,
            e.getMessage());
      }
    }
    return primaryKey;
  }

  private static java.util.Set<String> keyNames(List<RelationColumn> columns) {
    return columns.stream().filter(RelationColumn::key).map(RelationColumn::name)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /** The table's columns in order, each flagged when it is part of the primary key. */
  private List<RelationColumn> tableColumns(Connection sql) throws SQLException {
    List<RelationColumn> columns = new ArrayList<>();
    try (PreparedStatement statement = sql.prepareStatement(
        "SELECT a.attname, a.atttypid, a.atttypmod, coalesce(a.attnum = ANY(i.indkey), false)"
            + " FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary"
            + " WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
      statement.setString(1, table.quoted());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add(new RelationColumn(rows.getBoolean(4), rows.getString(1), rows.getInt(2), rows.getInt(3)));
        }
      }
    } catch (SQLException e) {
      throw FloeException.user(e, "Cannot follow table %s for source %s: %s. Check the source's 'table:' and the"
          + " user's privileges.", table, name, e.getMessage());
    }
    return columns;
  }

  private String database() {
    if (database == null) {
      try (Connection sql = connection.open()) {
        database = sql.getCatalog();
      } catch (SQLException e) {
        throw FloeException.external(e, "Cannot read the database name of source %s: %s", name, e.getMessage());
      }
    }
    return database;
  }

  /**
   * Catching up, between transactions: whether the stream passed the position the server had when
   * the run began. A large transaction is sent only once the server has decoded all of it, which can
   * take many seconds of silence; a pause alone never ends the run before {@link #IDLE_LIMIT}.
   */
  private boolean caughtUp(long idleNanos) {
    if (stream.getLastReceiveLSN().asLong() >= catchUpTarget) {
      return true;
    }
    if (idleNanos > IDLE_LIMIT.toNanos()) {
      LOG.info("Source {}: nothing arrived for {} s before the log position {} the run began at; ending the run."
          + " The next run reads on from the table's position.", name, IDLE_LIMIT.toSeconds(),
          LogSequenceNumber.valueOf(catchUpTarget).asString());
      return true;
    }
    return false;
  }

  /**
   * Where the server's log ends now: its insert position, past the commit of every transaction
   * committed so far (the write and flush positions can lag behind a commit made with
   * synchronous_commit off, and a run that stopped there missed it). A position just past a page's
   * header counts from the page's start, where the last record may end.
   */
  private long serverLogEnd() throws SQLException {
    try (Connection sql = connection.open(); Statement statement = sql.createStatement();
        ResultSet rows = statement.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
      rows.next();
      long end = LogSequenceNumber.valueOf(rows.getString(1)).asLong();
      long inPage = end % WAL_PAGE_BYTES;
      return inPage <= LONG_PAGE_HEADER_BYTES ? end - inPage : end;
    }
  }

  /** How far the server's log is ahead of {@code lsn}, in words, for progress; empty when unknown. */
  private String lag(long lsn) {
    try (Connection sql = connection.open();
        PreparedStatement statement = sql.prepareStatement("SELECT pg_current_wal_lsn() - ?::pg_lsn")) {
      statement.setString(1, LogSequenceNumber.valueOf(lsn).asString());
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return String.format(java.util.Locale.ROOT, ", the slot %.1f MB behind the server's log",
            rows.getLong(1) / 1e6);
      }
    } catch (SQLException | RuntimeException e) {
      // The lag only informs progress: a failed query must not fail the batch (the read itself reports).
      LOG.debug("Source {}: cannot tell the slot's lag: {}", name, e.getMessage());
      return "";
    }
  }

  private Relation relation(int id) {
    Relation relation = relations.get(id);
    if (relation == null) {
      throw new IllegalStateException("Invalid pgoutput stream: a change to relation " + id
          + " came before the relation's description");
    }
    return relation;
  }

  private static boolean isChange(PgOutputMessage message) {
    return relationId(message) != 0 || message instanceof Truncate;
  }

  private static int relationId(PgOutputMessage message) {
    if (message instanceof Insert insert) {
      return insert.relationId();
    }
    if (message instanceof Update update) {
      return update.relationId();
    }
    if (message instanceof Delete delete) {
      return delete.relationId();
    }
    if (message instanceof Truncate truncate) {
      return truncate.relationIds().get(0);
    }
    return 0;
  }

  private PgOutputMessage poll() throws SQLException {
    ByteBuffer buffer = stream.readPending();
    if (buffer == null) {
      return null;
    }
    lastMessageNanos = System.nanoTime();
    return PgOutputDecoder.decode(buffer);
  }

  /** When the last message arrived: while the log streams, an empty read is a gap between packets. */
  private long lastMessageNanos;

  private void pause() {
    if (System.nanoTime() - lastMessageNanos < 20_000_000L) {
      // Streaming: the next packet is microseconds away; sleeping here would cap the rate.
      Thread.yield();
      return;
    }
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FloeException.cancelled("Reading the log was interrupted");
    }
  }

  /**
   * The changes of one batch, read from the log as the engine asks for rows: whole transactions,
   * ending at the first transaction end past the commit interval or the change limit, when a stop
   * is requested, or (catching up) when the log has nothing more. A transaction that changes the
   * table's columns starts the next batch, whose rows have the new columns.
   */
  private final class LogRows implements RowStream {
    private final ChangeShape shape;
    private final ReadOptions options;
    private final long started;
    private final long deadline;
    private final Deque<Object[]> ready = new ArrayDeque<>();
    private Begin transaction;
    private boolean transactionHasRows;
    private long lastCommitEnd = -1;
    private long changes;
    private boolean ended;

    LogRows(ChangeShape shape, ReadOptions options) {
      this.shape = shape;
      this.options = options;
      this.started = System.nanoTime();
      this.deadline = started + commitInterval.toNanos();
    }

    @Override
    public boolean hasNext() {
      try {
        while (ready.isEmpty() && !ended) {
          PgOutputMessage message = pending.isEmpty() ? poll() : pending.poll();
          if (message == null) {
            if (transaction == null && lastCommitEnd >= 0 && shouldEndWhileIdle()) {
              ended = true;
            } else {
              pause();
            }
            continue;
          }
          handle(message);
        }
        return !ready.isEmpty();
      } catch (SQLException e) {
        throw FloeException.external(e, "Cannot read the log of source %s (slot %s): %s", name, slot.slot(),
            e.getMessage());
      }
    }

    private boolean shouldEndWhileIdle() {
      if (options.stopping() || System.nanoTime() > deadline) {
        return true;
      }
      if (options.follow()) {
        return false;
      }
      if (idleStart < 0) {
        idleStart = System.nanoTime();
      }
      return caughtUp(System.nanoTime() - idleStart);
    }

    private long idleStart = -1;

    private void handle(PgOutputMessage message) {
      idleStart = -1;
      if (message instanceof Begin begin) {
        transaction = begin;
        transactionHasRows = false;
      } else if (message instanceof Relation relation) {
        relations.put(relation.id(), relation);
        if (!shape.fits(relation.columns())) {
          if (transactionHasRows) {
            throw FloeException.user("Cannot follow table %s for source %s: transaction %d changed the table's"
                + " columns after changing its rows; Floe splits batches at such changes only between"
                + " transactions. Run the DDL in its own transaction.", table, name, transaction.xid());
          }
          // The next batch starts with this transaction, with the new columns.
          pending.add(transaction);
          pending.add(relation);
          transaction = null;
          ended = true;
        }
      } else if (message instanceof Commit commit) {
        transaction = null;
        lastCommitEnd = commit.endLsn();
        if (changes >= maxChanges || options.stopping() || System.nanoTime() > deadline) {
          ended = true;
        }
      } else if (isChange(message)) {
        if (transaction == null) {
          throw new IllegalStateException("Invalid pgoutput stream: a change outside a transaction");
        }
        transactionHasRows = true;
        change(message);
      }
    }

    private void change(PgOutputMessage message) {
      changes++;
      Instant time = PgValues.fromPostgresMicros(transaction.commitMicros());
      long lsn = stream.getLastReceiveLSN().asLong();
      long commitLsn = transaction.finalLsn();
      Long xid = transaction.xid();
      if (message instanceof Truncate truncate) {
        Relation relation = relation(truncate.relationIds().get(0));
        ready.add(shape.row(new Change(ChangeShape.TRUNCATE, List.of(), relation.columns(), time, commitLsn, lsn,
            xid)));
      } else if (message instanceof Insert insert) {
        Relation relation = relation(insert.relationId());
        if (inLaterSnapshot(relation, insert.values())) {
          return;
        }
        ready.add(shape.row(new Change(ChangeLog.INSERT, insert.values(), relation.columns(), time, commitLsn, lsn,
            xid)));
      } else if (message instanceof Update update) {
        Relation relation = relation(update.relationId());
        List<Value> after = update.values();
        if (!update.before().isEmpty() && !update.beforeIsKeyOnly()) {
          // Replica identity FULL: a large value the update left alone is in the old row.
          List<Value> filled = new ArrayList<>(after);
          for (int i = 0; i < filled.size(); i++) {
            if (filled.get(i).kind() == Value.Kind.UNCHANGED_TOAST) {
              filled.set(i, update.before().get(i));
            }
          }
          after = filled;
        }
        if (keyChanged(relation, update, after)) {
          // A new primary key is a different row: the old one goes, the new one comes (as Debezium has it).
          if (!inLaterSnapshot(relation, update.before())) {
            ready.add(shape.row(new Change(ChangeLog.DELETE, update.before(), relation.columns(), time, commitLsn,
                lsn, xid)));
          }
          if (!inLaterSnapshot(relation, after)) {
            ready.add(shape.row(new Change(ChangeLog.INSERT, after, relation.columns(), time, commitLsn, lsn, xid)));
          }
          changes++;
        } else if (!inLaterSnapshot(relation, after)) {
          ready.add(shape.row(new Change(ChangeLog.UPDATE, after, relation.columns(), time, commitLsn, lsn, xid)));
        }
      } else if (message instanceof Delete delete) {
        Relation relation = relation(delete.relationId());
        if (!inLaterSnapshot(relation, delete.before())) {
          ready.add(shape.row(new Change(ChangeLog.DELETE, delete.before(), relation.columns(), time, commitLsn, lsn,
              xid)));
        }
      }
    }

    /**
     * Whether a change is already in the table: its row's key lies in a part of the initial snapshot
     * that was read (after a kill) in a snapshot taken after the change's transaction committed.
     * PostgreSQL's rule: a snapshot exported at a slot's start shows exactly the transactions whose
     * commit record lies before it.
     */
    private boolean inLaterSnapshot(Relation relation, List<Value> values) {
      if (current == null || current.segments().isEmpty() || transaction.finalLsn() >= current.segmentsEnd()) {
        return false;
      }
      if (segmentKey == null) {
        segmentKey = SnapshotKey.named(current.key(), relation.columns()).orElseThrow(() -> FloeException.user(
            "Cannot follow table %s for source %s: its snapshot was resumed in the order of primary key %s, which"
                + " the table no longer has. Load the table again from a new snapshot (floe ingest %s --full-refresh).",
            table, name, current.key(), name));
      }
      Optional<List<String>> key = segmentKey.of(relation.columns(), values);
      if (key.isEmpty()) {
        return false;
      }
      long snapshotAt = current.lsn();
      for (CdcPosition.Segment segment : current.segments()) {
        if (segmentKey.compare(key.get(), segment.after()) > 0) {
          snapshotAt = segment.at();
        }
      }
      return transaction.finalLsn() < snapshotAt;
    }

    // The old key comes only when the key changed (default replica identity) or always (FULL).
    private boolean keyChanged(Relation relation, Update update, List<Value> after) {
      if (update.before().isEmpty()) {
        return false;
      }
      if (update.beforeIsKeyOnly()) {
        return true;
      }
      // Under FULL identity the log flags every column as key: compare the primary key's columns only.
      java.util.Set<String> primaryKey = primaryKey();
      for (int i = 0; i < relation.columns().size(); i++) {
        if (primaryKey.contains(relation.columns().get(i).name())
            && !java.util.Objects.equals(update.before().get(i).text(), after.get(i).text())) {
          return true;
        }
      }
      return false;
    }

    @Override
    public Object[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    @Override
    public Optional<Position> endPosition() {
      LOG.debug("Source {}: read {} changes from the log in {} ms", name, changes,
          (System.nanoTime() - started) / 1_000_000);
      if (lastCommitEnd < 0) {
        throw new IllegalStateException("Invalid batch of source " + name + ": it ended inside a transaction");
      }
      return Optional.of((current == null ? CdcPosition.streaming(lastCommitEnd) : current.streamedTo(lastCommitEnd))
          .toPosition());
    }

    @Override
    public void close() {
      // The replication stream stays open for the next batch; the source closes it.
    }
  }

  /**
   * The table as an exported snapshot shows it, every value read as text like the log sends it:
   * one query in key order, cut into batches of {@link #chunkRows} rows that each commit the key
   * they reached (a table without a usable key is one batch). The query's transaction stays open
   * across the batches, so all of them see the same snapshot.
   */
  private final class SnapshotReader implements AutoCloseable {
    private final Connection sql;
    private final ReplicationSlot.Temporary temporary;
    private final List<RelationColumn> columns;
    private final SnapshotKey key;
    private final int[] keyIndexes;
    private final Instant taken = Instant.now();
    private final long snapshotAt;
    private final ResultSet rows;
    /** The position after the rows handed out so far. */
    private CdcPosition position;
    private Boolean hasRow;
    private boolean finished;

    SnapshotReader(ReplicationSlot.Created created, ReplicationSlot.Temporary temporary, List<RelationColumn> columns,
        SnapshotKey key, CdcPosition position) {
      this.temporary = temporary;
      this.columns = columns;
      this.key = key;
      this.position = position;
      this.snapshotAt = position.segments().isEmpty() ? position.lsn()
          : position.segments().get(position.segments().size() - 1).at();
      this.keyIndexes = key == null ? new int[0] : key.names().stream()
          .mapToInt(n -> columns.stream().map(RelationColumn::name).toList().indexOf(n)).toArray();
      this.sql = connection.open();
      try {
        sql.setAutoCommit(false);
        sql.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement statement = sql.createStatement()) {
          statement.execute("SET TRANSACTION SNAPSHOT '" + created.snapshotName().replace("'", "''") + "'");
        }
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
          select.append(i == 0 ? "" : ", ").append(quote(columns.get(i).name())).append("::text");
        }
        select.append(" FROM ").append(table.quoted()).append(" AS snapshot_rows");
        List<String> after = position.snapshotAfter().orElse(List.of());
        if (!after.isEmpty()) {
          select.append(" WHERE ").append(key.after("snapshot_rows"));
        }
        if (key != null) {
          select.append(" ORDER BY ").append(key.orderBy("snapshot_rows"));
        }
        PreparedStatement statement = sql.prepareStatement(select.toString());
        for (int i = 0; i < after.size(); i++) {
          statement.setString(i + 1, after.get(i));
        }
        statement.setFetchSize(fetchSize);
        rows = statement.executeQuery();
      } catch (SQLException e) {
        closeQuietly();
        throw FloeException.external(e, "Cannot read the initial snapshot of table %s for source %s: %s", table,
            name, e.getMessage());
      }
    }

    /** Whether the last batch read the table to its end. */
    boolean finished() {
      return finished;
    }

    Batch nextBatch() {
      List<String> after = position.snapshotAfter().orElseThrow();
      String lsn = LogSequenceNumber.valueOf(snapshotAt).asString();
      String what = "snapshot@" + lsn + (after.isEmpty() ? "" : " after " + after);
      List<SourceColumn> batchColumns = shape.columns();
      ChangeShape batchShape = shape;
      int limit = key == null ? Integer.MAX_VALUE : chunkRows;
      RowInput input = new RowInput() {
        @Override
        public List<SourceColumn> columns() {
          return batchColumns;
        }

        @Override
        public RowStream open() {
          return new Chunk(batchShape, limit);
        }
      };
      return new Batch(batchId(what), input, position.snapshotDone().toPosition(), 0, table + " snapshot at log"
          + " position " + lsn + (after.isEmpty() ? "" : ", rows after key " + after));
    }

    private boolean hasRow() {
      if (hasRow == null) {
        try {
          hasRow = rows.next();
        } catch (SQLException e) {
          throw FloeException.external(e, "Cannot read the initial snapshot of table %s for source %s: %s", table,
              name, e.getMessage());
        }
      }
      return hasRow;
    }

    private List<Value> takeRow() {
      hasRow = null;
      List<Value> values = new ArrayList<>(columns.size());
      try {
        for (int i = 0; i < columns.size(); i++) {
          String text = rows.getString(i + 1);
          values.add(text == null ? Value.NULL : new Value(Value.Kind.TEXT, text));
        }
      } catch (SQLException e) {
        throw FloeException.external(e, "Cannot read the initial snapshot of table %s for source %s: %s", table,
            name, e.getMessage());
      }
      if (key != null) {
        List<String> last = new ArrayList<>(keyIndexes.length);
        for (int index : keyIndexes) {
          last.add(values.get(index).text());
        }
        position = position.snapshotAt(last);
      }
      return values;
    }

    /** One batch's rows: up to {@code limit} rows from where the last batch stopped. */
    private final class Chunk implements RowStream {
      private final ChangeShape shape;
      private final int limit;
      private int count;

      Chunk(ChangeShape shape, int limit) {
        this.shape = shape;
        this.limit = limit;
      }

      @Override
      public boolean hasNext() {
        return count < limit && hasRow();
      }

      @Override
      public Object[] next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        count++;
        return shape.row(new Change(ChangeLog.READ, takeRow(), columns, taken, snapshotAt, snapshotAt, null));
      }

      @Override
      public Optional<Position> endPosition() {
        finished = !hasRow();
        return Optional.of((finished ? position.snapshotDone() : position).toPosition());
      }

      @Override
      public void close() {
        // The query stays open for the next batch; the reader closes it once the table is read.
      }
    }

    @Override
    public void close() {
      try {
        if (!sql.isClosed()) {
          sql.commit();
        }
      } catch (SQLException e) {
        throw FloeException.external(e, "Cannot end the initial snapshot of table %s for source %s: %s", table,
            name, e.getMessage());
      } finally {
        closeQuietly();
      }
    }

    private void closeQuietly() {
      try {
        sql.close();
      } catch (SQLException e) {
        LOG.warn("Source {}: closing the snapshot connection failed: {}", name, e.getMessage());
      }
      if (temporary != null) {
        try {
          temporary.close();
        } catch (SQLException e) {
          LOG.warn("Source {}: closing the temporary slot's connection failed: {}", name, e.getMessage());
        }
      }
    }
  }
}
