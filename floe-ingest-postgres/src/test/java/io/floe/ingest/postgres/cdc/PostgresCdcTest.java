package io.floe.ingest.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.FloeException;
import io.floe.ingest.IngestFixture;
import io.floe.ingest.SourceRun;
import io.floe.ingest.postgres.TestPostgres;
import io.floe.ingest.spi.ReadOptions;
import io.floe.ingest.spi.SourceDefinition;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A PostgreSQL table followed through its log into a change table: snapshot, changes, exactly once. */
class PostgresCdcTest {
  @TempDir Path projectDir;
  private IngestFixture fixture;

  @BeforeEach
  void createTable() {
    dropSlot("floe_accounts");
    TestPostgres.execute(
        "DROP PUBLICATION IF EXISTS floe_accounts",
        "DROP TABLE IF EXISTS accounts",
        "CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance numeric(12,2),"
            + " opened timestamptz, note text)",
        "INSERT INTO accounts SELECT g, 'owner ' || g, g * 10.5, TIMESTAMPTZ '2026-01-01 00:00:00+00'"
            + " + g * interval '1 hour', NULL FROM generate_series(1, 5) g");
  }

  @AfterEach
  void close() {
    if (fixture != null) {
      fixture.close();
    }
    dropSlot("floe_accounts");
  }

  @Test
  void theSnapshotThenEveryChangeLandsOnceAndTheCurrentStateMatchesPostgres() {
    fixture = new IngestFixture(projectDir, source("typed"), null);
    SourceRun first = fixture.ingest("accounts").get(0);
    assertThat(first.rowsWritten()).isEqualTo(5);
    assertThat(fixture.value("SELECT count(*) FROM bronze.accounts WHERE _op = 'r'")).isEqualTo(5L);
    assertThat((BigDecimal) fixture.value("SELECT balance FROM bronze.accounts WHERE id = 2"))
        .isEqualByComparingTo("21.00");
    assertThat(fixture.value("SELECT opened FROM bronze.accounts WHERE id = 1"))
        .isEqualTo(Instant.parse("2026-01-01T01:00:00Z"));

    TestPostgres.execute(
        "INSERT INTO accounts VALUES (6, 'owner 6', 60, now(), 'new')",
        "BEGIN; UPDATE accounts SET balance = balance + 1 WHERE id IN (1, 2);"
            + " DELETE FROM accounts WHERE id = 3; COMMIT",
        "UPDATE accounts SET owner = 'renamed' WHERE id = 6",
        "UPDATE accounts SET id = 30 WHERE id = 4");
    SourceRun second = fixture.ingest("accounts").get(0);
    // 1 insert, 2 updates + 1 delete, 1 update, and a key change as a delete of the old key + a create.
    assertThat(second.rowsWritten()).isEqualTo(7);
    assertThat(fixture.rows("SELECT _op, count(*) FROM bronze.accounts GROUP BY _op ORDER BY _op").toString())
        .isEqualTo("[[c, 2], [d, 2], [r, 5], [u, 3]]");
    // Default replica identity: a delete carries the key only.
    assertThat(fixture.rows("SELECT id, owner FROM bronze.accounts WHERE _op = 'd' ORDER BY id").toString())
        .isEqualTo("[[3, null], [4, null]]");
    assertThat(fixture.rows("SELECT owner FROM bronze.accounts WHERE _op = 'c' AND id = 30").toString())
        .isEqualTo("[[owner 4]]");
    // One transaction: one commit position; its changes ordered by their own LSN.
    assertThat(fixture.value("SELECT count(DISTINCT _source_position) FROM bronze.accounts"
        + " WHERE _op IN ('u', 'd') AND id IN (1, 2, 3)")).isEqualTo(1L);

    assertThat(fixture.ingest("accounts").get(0).batches()).isZero();
    assertThat(currentState()).isEqualTo(postgres("SELECT id, owner, balance FROM accounts ORDER BY id"));
    // The slot was told what the table holds (and may be past it by transactions with nothing for it),
    // so PostgreSQL can let that log go.
    String position = fixture.ingestion().state(definition()).position().value();
    assertThat(postgres("SELECT confirmed_flush_lsn >= '" + position + "'::pg_lsn FROM pg_replication_slots"
        + " WHERE slot_name = 'floe_accounts'").get(0).get(0)).isEqualTo("true");
  }

  /** The pom runs this class twice: on the default binaries (14) and on 17's. */
  @Test
  void theServerIsTheVersionThisRunAskedFor() {
    String binaries = System.getProperty("floe.test.postgres.binaries");
    int expected = binaries == null ? 14 : Integer.parseInt(binaries.replaceAll(".*-(\\d+)\\.\\d+\\.\\d+\\.jar$", "$1"));
    assertThat(TestPostgres.majorVersion()).isEqualTo(expected);
  }

  @Test
  void theRawShapeIsSeed003sChangeEvent() {
    fixture = new IngestFixture(projectDir, source("raw"), null);
    fixture.ingest("accounts");
    TestPostgres.execute("UPDATE accounts SET note = 'hi' WHERE id = 1", "DELETE FROM accounts WHERE id = 2");
    fixture.ingest("accounts");
    assertThat(fixture.rows("SELECT op, data, source_connector, source_schema, source_table FROM bronze.accounts"
        + " WHERE op <> 'r' ORDER BY source_lsn").toString()).isEqualTo(
            "[[u, {\"id\":1,\"owner\":\"owner 1\",\"balance\":10.50,\"opened\":\"2026-01-01T01:00:00Z\","
                + "\"note\":\"hi\"}, postgresql, public, accounts],"
                + " [d, {\"id\":2,\"owner\":null,\"balance\":null,\"opened\":null,\"note\":null}, postgresql, public,"
                + " accounts]]");
    assertThat(fixture.value("SELECT count(*) FROM bronze.accounts WHERE source_ts_ms > 0 AND source_lsn > 0"
        + " AND source_tx_id > 0 AND source_db = 'postgres'")).isEqualTo(2L);
  }

  @Test
  void aSnapshotThatNeverCommittedIsTakenAgainWhole() {
    // A run killed after creating its slot and before committing the snapshot leaves the slot behind.
    TestPostgres.execute("SELECT pg_create_logical_replication_slot('floe_accounts', 'pgoutput')",
        "INSERT INTO accounts VALUES (7, 'after the old slot', 1, now(), NULL)");
    fixture = new IngestFixture(projectDir, source("typed"), null);
    fixture.ingest("accounts");
    assertThat(fixture.value("SELECT count(*) FROM bronze.accounts")).isEqualTo(6L);
    assertThat(fixture.ingest("accounts").get(0).batches()).isZero();
  }

  /**
   * A snapshot read in chunks and stopped after the first (as a kill after that commit leaves it)
   * resumes after the last key committed, in a new snapshot: the changes made meanwhile land once,
   * either as a change (a key already read) or inside the new snapshot (a key read by it), never both.
   */
  @Test
  void aSnapshotStoppedAfterItsFirstChunkResumesAfterItsLastKeyAndWritesNoChangeTwice() {
    TestPostgres.execute("INSERT INTO accounts SELECT g, 'owner ' || g, g, now(), NULL FROM generate_series(6, 1000) g");
    fixture = new IngestFixture(projectDir, source("typed") + "    snapshot.chunk-rows: 300\n", null);
    AtomicBoolean stop = new AtomicBoolean();
    SourceRun first = fixture.ingestion().run(definition(),
        (source, batch, result, done, total, bytes, bytesTotal, elapsed) -> stop.set(true),
        new ReadOptions(true, stop::get));
    assertThat(first.rowsWritten()).isEqualTo(300);
    assertThat(fixture.ingestion().state(definition()).position().value())
        .as(fixture.rows("SELECT min(id), max(id), count(*), count(DISTINCT id) FROM bronze.accounts").toString())
        .contains("\"snapshot-after\":[\"300\"]");

    TestPostgres.execute(
        "UPDATE accounts SET note = 'meanwhile' WHERE id IN (100, 500)",
        "DELETE FROM accounts WHERE id = 600",
        "INSERT INTO accounts VALUES (0, 'new low', 1, now(), NULL), (1001, 'new high', 1, now(), NULL)",
        "UPDATE accounts SET id = 2000 WHERE id = 50");
    SourceRun second = fixture.ingest("accounts").get(0);
    TestPostgres.execute("UPDATE accounts SET note = 'after' WHERE id = 500");
    fixture.ingest("accounts");

    // 1-300 in the first snapshot; 301-1000 without 600, with 1001 and 2000 (was 50) in the second.
    assertThat(fixture.rows("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM bronze.accounts"
        + " WHERE _op = 'r'").toString()).isEqualTo("[[1001, 1001, 1, 2000]]");
    assertThat(second.batches()).as("three chunks of the rest, then the log").isGreaterThanOrEqualTo(3);
    assertThat(fixture.rows("SELECT id, note FROM bronze.accounts WHERE _op = 'r' AND id IN (100, 500, 2000)"
        + " ORDER BY id").toString()).isEqualTo("[[100, null], [500, meanwhile], [2000, null]]");
    // Changes to keys the first snapshot read stream in; those the second snapshot shows do not.
    assertThat(fixture.rows("SELECT id, _op, note FROM bronze.accounts WHERE _op <> 'r'"
        + " ORDER BY _source_position, _source_lsn").toString())
        .isEqualTo("[[100, u, meanwhile], [0, c, null], [50, d, null], [500, u, after]]");
    assertThat(currentState()).isEqualTo(postgres("SELECT id, owner, balance FROM accounts ORDER BY id"));
    // Once the log passed the second snapshot, the position is a plain log position again.
    assertThat(fixture.ingestion().state(definition()).position().value()).doesNotContain("{");
    assertThat(fixture.ingest("accounts").get(0).batches()).isZero();
  }

  /**
   * A large value stored out of line (TOAST) that an update leaves alone is not in the log under
   * the default replica identity: the typed row holds NULL and names the column in
   * {@code _unchanged_toast}, for latest_changes() and change_history() to fill. Under FULL identity
   * the old row carries it, and the row holds the value.
   */
  @Test
  void aLargeValueAnUpdateLeftAloneIsNamedAsUnsentOrTakenFromTheOldRow() {
    TestPostgres.execute("ALTER TABLE accounts ALTER COLUMN note SET STORAGE EXTERNAL",
        "UPDATE accounts SET note = repeat('n', 5000) WHERE id IN (1, 2)");
    fixture = new IngestFixture(projectDir, source("typed"), null);
    fixture.ingest("accounts");
    TestPostgres.execute("UPDATE accounts SET balance = balance + 1 WHERE id = 1");
    fixture.ingest("accounts");
    TestPostgres.execute("ALTER TABLE accounts REPLICA IDENTITY FULL",
        "UPDATE accounts SET balance = balance + 1 WHERE id = 2");
    fixture.ingest("accounts");

    assertThat(fixture.rows("SELECT id, length(note), _unchanged_toast FROM bronze.accounts WHERE _op = 'u'"
        + " ORDER BY _source_position").toString()).isEqualTo("[[1, null, note], [2, 5000, null]]");
    assertThat(fixture.rows("SELECT id, length(note), _unchanged_toast FROM bronze.accounts WHERE _op = 'r'"
        + " AND id IN (1, 2) ORDER BY id").toString()).isEqualTo("[[1, 5000, null], [2, 5000, null]]");
  }

  /**
   * A column widened while the log is read (the change table's column widens with it, as Iceberg
   * allows) and a truncate (a row of its own, op t, between the changes before and after it).
   */
  @Test
  void aWidenedColumnAndATruncateLandAsTheLogSaysThem() {
    fixture = new IngestFixture(projectDir, source("typed"), null);
    fixture.ingest("accounts");
    TestPostgres.execute("ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(14,2)",
        "UPDATE accounts SET balance = 123456789012.34 WHERE id = 1",
        "TRUNCATE accounts",
        "INSERT INTO accounts VALUES (9, 'after the truncate', 1, now(), NULL)");
    fixture.ingest("accounts");

    assertThat(fixture.rows("SELECT _op, id, balance FROM bronze.accounts WHERE _op <> 'r'"
        + " ORDER BY _source_position, _source_lsn").toString())
        .isEqualTo("[[u, 1, 123456789012.34], [t, null, null], [c, 9, 1.00]]");
    assertThat(fixture.value("SELECT typeof(balance) FROM bronze.accounts LIMIT 1")).isEqualTo("decimal(14,2)");
  }

  @Test
  void aColumnAddedWhileFollowingBecomesAColumnOfTheChangeTable() {
    fixture = new IngestFixture(projectDir, source("typed"), null);
    fixture.ingest("accounts");
    TestPostgres.execute("UPDATE accounts SET note = 'before' WHERE id = 1",
        "ALTER TABLE accounts ADD COLUMN tier int",
        "UPDATE accounts SET tier = 2 WHERE id = 2");
    SourceRun run = fixture.ingest("accounts").get(0);
    assertThat(run.rowsWritten()).isEqualTo(2);
    assertThat(run.schemaChanges()).anySatisfy(change -> assertThat(change).contains("tier"));
    assertThat(fixture.rows("SELECT id, note, tier FROM bronze.accounts WHERE _op = 'u' ORDER BY _source_position")
        .toString()).isEqualTo("[[1, before, null], [2, null, 2]]");
  }

  @Test
  void followingCommitsEveryIntervalAndStopsCleanlyWhenAsked() throws Exception {
    fixture = new IngestFixture(projectDir, source("typed") + "    commit-interval: 300ms\n", null);
    fixture.ingest("accounts");
    AtomicBoolean stop = new AtomicBoolean();
    SourceDefinition definition = definition();
    CompletableFuture<SourceRun> following = CompletableFuture.supplyAsync(() -> fixture.ingestion()
        .run(definition, (source, batch, result, done, total, bytes, bytesTotal, elapsed) -> { },
            new ReadOptions(true, stop::get)));
    for (int i = 10; i < 13; i++) {
      TestPostgres.execute("INSERT INTO accounts VALUES (" + i + ", 'live', 1, now(), NULL)");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      String query = "SELECT count(*) FROM bronze.accounts WHERE id = " + i;
      while (!fixture.value(query).equals(1L) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(fixture.value(query)).as("change %d visible while following", i).isEqualTo(1L);
    }
    stop.set(true);
    SourceRun run = following.get(30, TimeUnit.SECONDS);
    assertThat(run.rowsWritten()).isEqualTo(3);
    assertThat(run.batches()).isGreaterThanOrEqualTo(2);
  }

  /**
   * PostgreSQL sends a transaction only once it has decoded all of it, which for a large one takes
   * seconds of silence on the stream: a run that is not following must wait for it, not take the
   * silence for the end of the log (it did, and such a source then never loaded that transaction).
   */
  @Test
  void aRunWaitsForALargeTransactionThatTakesTheServerSecondsToDecode() {
    // The least decoding memory PostgreSQL allows: the transaction spills to disk as it is decoded, slowly.
    fixture = new IngestFixture(projectDir, source("typed").replace(TestPostgres.url(), TestPostgres.url()
        + "&options=-c%20logical_decoding_work_mem%3D64kB"), null);
    fixture.ingest("accounts");
    TestPostgres.execute("INSERT INTO accounts SELECT g, 'bulk ' || g, g, now(), repeat('n', 100)"
        + " FROM generate_series(100, 1200099) g");

    SourceRun run = fixture.ingest("accounts").get(0);

    assertThat(run.rowsWritten()).isEqualTo(1_200_000);
    assertThat(run.batches()).isEqualTo(1);
  }

  /**
   * A followed table that sees no change must not make its slot keep the log others write: here
   * another table of the same database, or another database of the server, writes megabytes, none
   * of it a change to the followed table, and the slot's confirmed position follows the server's log
   * while Floe follows the idle table, with no heartbeat writes. How: PostgreSQL up to 14 sends each
   * transaction of the database, empty for this publication, and Floe acknowledges those as they pass;
   * from 15 on it skips them and sends keepalives, and the driver confirms a keepalive's position
   * once everything received before it was acknowledged (pgjdbc's automatic flush). This class runs on
   * PostgreSQL 14 and, in the pom's postgres-17 execution, on 17.
   */
  @ParameterizedTest(name = "writes in database {0}")
  @ValueSource(strings = {"elsewhere", "postgres"})
  void anIdleTablesSlotReleasesTheLogOtherWritesFill(String database) throws Exception {
    fixture = new IngestFixture(projectDir, source("typed") + "    commit-interval: 300ms\n", null);
    fixture.ingest("accounts");
    if (postgres("SELECT 1 FROM pg_database WHERE datname = 'elsewhere'").isEmpty()) {
      TestPostgres.execute("CREATE DATABASE elsewhere");
    }
    long before = walBytes("pg_current_wal_lsn()");
    try (Connection elsewhere = TestPostgres.get().getDatabase("postgres", database).getConnection();
        Statement statement = elsewhere.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS noise (id int, payload text)");
      statement.execute("TRUNCATE noise");
      statement.execute("INSERT INTO noise SELECT g, repeat('x', 200) FROM generate_series(1, 30000) g");
    }
    long written = walBytes("pg_current_wal_lsn()") - before;
    assertThat(retainedBySlot()).as("the slot holds the new log before anything follows").isGreaterThanOrEqualTo(written);

    AtomicBoolean stop = new AtomicBoolean();
    SourceDefinition definition = definition();
    CompletableFuture<SourceRun> following = CompletableFuture.supplyAsync(() -> fixture.ingestion()
        .run(definition, (source, batch, result, done, total, bytes, bytesTotal, elapsed) -> { },
            new ReadOptions(true, stop::get)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (retainedBySlot() > written / 10 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    long retained = retainedBySlot();
    stop.set(true);
    SourceRun run = following.get(30, TimeUnit.SECONDS);

    assertThat(retained).as("log bytes the slot still holds of %d written elsewhere", written)
        .isLessThan(written / 10);
    assertThat(run.rowsWritten()).isZero();
    assertThat(fixture.value("SELECT count(*) FROM bronze.accounts")).isEqualTo(5L);
  }

  private static long retainedBySlot() {
    return number("SELECT pg_current_wal_lsn() - confirmed_flush_lsn FROM pg_replication_slots"
        + " WHERE slot_name = 'floe_accounts'");
  }

  private static long walBytes(String lsn) {
    return number("SELECT " + lsn + " - '0/0'::pg_lsn");
  }

  private static long number(String sql) {
    return new BigDecimal(String.valueOf(postgres(sql).get(0).get(0))).longValueExact();
  }

  @Test
  void aPublicationWithoutTheTableIsAnErrorThatSaysWhatToDo() {
    TestPostgres.execute("DROP TABLE IF EXISTS other", "CREATE TABLE other (id int PRIMARY KEY)",
        "CREATE PUBLICATION floe_accounts FOR TABLE other");
    fixture = new IngestFixture(projectDir, source("typed"), null);
    assertThatThrownBy(() -> fixture.ingest("accounts"))
        .isInstanceOf(FloeException.class)
        .hasMessage("Cannot follow the log for source accounts: publication floe_accounts exists but does not"
            + " publish table public.accounts. Add it (ALTER PUBLICATION floe_accounts ADD TABLE public.accounts)"
            + " or set 'publication:' to another name.");
  }

  @Test
  void upsertModeIsAConfigurationErrorWithTheLine() {
    fixture = new IngestFixture(projectDir, source("typed") + "    mode: upsert\n    primary-key: [id]\n", null);
    assertThatThrownBy(() -> fixture.ingest("accounts"))
        .hasMessageContaining("floe.yaml:")
        .hasMessageContaining("a postgres-cdc source appends every change to a change table, so it takes mode:"
            + " append");
  }

  private List<List<Object>> currentState() {
    // The newest change of each key, in log order; a delete removes the key.
    List<List<Object>> rows = new ArrayList<>();
    for (List<Object> row : fixture.rows("SELECT id, owner, balance, _op FROM (SELECT *, row_number() OVER"
        + " (PARTITION BY id ORDER BY _source_position DESC, _source_lsn DESC) AS n FROM bronze.accounts)"
        + " WHERE n = 1 ORDER BY id")) {
      if (!row.get(3).equals("d")) {
        rows.add(List.of(row.get(0), row.get(1), ((BigDecimal) row.get(2)).toPlainString()));
      }
    }
    return rows;
  }

  private SourceDefinition definition() {
    return fixture.sources().select(List.of("accounts")).get(0);
  }

  private static String source(String shape) {
    return "  accounts:\n    type: postgres-cdc\n    url: " + TestPostgres.url() + "\n    table: accounts\n"
        + "    shape: " + shape + "\n";
  }

  static void dropSlot(String slot) {
    TestPostgres.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
        + slot + "'");
  }

  static List<List<Object>> postgres(String sql) {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection connection = TestPostgres.get().getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          Object value = result.getObject(i);
          row.add(value instanceof BigDecimal decimal ? decimal.toPlainString() : value == null ? null
              : value instanceof Integer || value instanceof Long ? value : value.toString());
        }
        rows.add(row);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return rows;
  }
}
