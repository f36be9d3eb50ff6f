package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once from PostgreSQL's log under kill -9: {@code floe ingest --follow} of a
 * {@code postgres-cdc} source is SIGKILLed at random moments: in the initial snapshot (read in chunks
 * of 500 rows) after its first chunk committed, so that the next run resumes it in a new snapshot; after
 * the resumed run's first chunk; and while streaming. A workload inserts, updates and deletes in
 * transactions of 1 to 40 rows all along. Then a follower is stopped with SIGTERM, which commits what it read. Every update bumps the row's
 * version, so the change table must hold each (id, version) once with no gap, and its newest
 * change per key must equal PostgreSQL's table row for row. {@code -Dfloe.test.seed=N} replays one.
 */
class KillDuringCdcTest {
  private static final int KILLS = 3;
  private static EmbeddedPostgres postgres;

  @TempDir Path project;

  @BeforeAll
  static void start() throws IOException {
    postgres = EmbeddedPostgres.builder().setServerConfig("wal_level", "logical").start();
  }

  @AfterAll
  static void stop() throws IOException {
    postgres.close();
  }

  @Test
  void killedFollowersLoseAndDuplicateNoChange() throws Exception {
    execute("CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance numeric(12,2),"
        + " version int NOT NULL)",
        "INSERT INTO accounts SELECT g, 'owner ' || g, g, 1 FROM generate_series(1, 2000) g");
    Files.writeString(project.resolve("floe.yaml"), """
        name: cdc_crash
        engine: {master: "local[2]"}
        sources:
          accounts:
            type: postgres-cdc
            url: %s
            user: postgres
            table: accounts
            commit-interval: 400ms
            snapshot.chunk-rows: 500
        """.formatted(postgres.getJdbcUrl("postgres", "postgres")));

    long seed = Long.getLong("floe.test.seed", System.nanoTime());
    Random random = new Random(seed);
    AtomicBoolean stopWorkload = new AtomicBoolean();
    AtomicInteger transactions = new AtomicInteger();
    CompletableFuture<Void> workload = CompletableFuture.runAsync(() -> workload(new Random(seed), stopWorkload,
        transactions));
    List<String> kills = new ArrayList<>();
    try {
      for (int kill = 0; kill < KILLS; kill++) {
        // The first kill lands in the initial snapshot of 4 chunks, after its first; the second after the
        // resumed snapshot's first chunk, in it or in the log; the last while streaming.
        kills.add(kill < 2 ? killAfter(1, random.nextInt(400), false)
            : killAfter(1 + random.nextInt(3), random.nextInt(1500), false));
      }
      // A follower stopped with SIGTERM commits what it read and ends.
      kills.add(killAfter(2, 500, true));
    } finally {
      stopWorkload.set(true);
      workload.get(60, TimeUnit.SECONDS);
    }
    // Its run committed every batch it read before it ended: a success, which says it was asked to stop.
    FloeProcess.assertLastFollowerStoppedAfterItsWork(project, kills.toString());
    String what = "seed " + seed + ", " + transactions.get() + " transactions, kills: " + kills + ", snapshot read at "
        + query("SELECT count(DISTINCT _source_position) FROM bronze.accounts WHERE _op = 'r'") + " log positions";
    floe(project, "ingest").ok();

    List<List<String>> counts = query("SELECT count(*), count(DISTINCT id, coalesce(version, -1), _op) FROM bronze.accounts");
    assertThat(counts.get(0).get(0)).as("no change twice; " + what + "; twice: " + query("SELECT id, version, _op,"
        + " _source_position, _source_lsn, _batch_id, _ingested_at FROM bronze.accounts WHERE (id, coalesce(version, -1), _op) IN"
        + " (SELECT id, coalesce(version, -1), _op FROM bronze.accounts GROUP BY 1, 2, 3 HAVING count(*) > 1)"
        + " ORDER BY id, version, _op LIMIT 12")).isEqualTo(counts.get(0).get(1));
    // Per key, the versions seen since it was read or created have no gap.
    assertThat(query("SELECT id FROM bronze.accounts WHERE _op IN ('r', 'c', 'u') GROUP BY id"
        + " HAVING count(*) <> max(version) - min(version) + 1 LIMIT 5")).as("no change lost; " + what).isEmpty();
    List<List<String>> current = query("SELECT id, owner, balance, version FROM (SELECT *, row_number() OVER"
        + " (PARTITION BY id ORDER BY _source_position DESC, _source_lsn DESC) AS n FROM bronze.accounts)"
        + " WHERE n = 1 AND _op <> 'd' ORDER BY id");
    List<List<String>> expected = postgresRows("SELECT id, owner, balance, version FROM accounts ORDER BY id");
    List<List<String>> missing = new ArrayList<>(expected);
    missing.removeAll(current);
    List<List<String>> extra = new ArrayList<>(current);
    extra.removeAll(expected);
    assertThat(missing.subList(0, Math.min(5, missing.size())) + " missing, "
        + extra.subList(0, Math.min(5, extra.size())) + " extra").as("current state equals PostgreSQL; " + what)
        .isEqualTo("[] missing, [] extra" + (missing.isEmpty() ? "" : query("SELECT id, version, _op,"
            + " _source_position, _source_lsn, _source_tx_id, balance, owner, _batch_id FROM bronze.accounts WHERE id = "
            + missing.get(0).get(0) + " ORDER BY _source_position, _source_lsn")));
    assertThat(current).hasSameSizeAs(expected);
  }

  /**
   * Exactly once from an audit table under kill -9: {@code floe ingest} of a {@code postgres-audit}
   * source in windows of 3,000 events is SIGKILLed at a random moment after its second batch
   * began; the next run loads the rest, and every event is in the change table once.
   */
  @Test
  void aKilledAuditIngestLosesAndDuplicatesNoEvent() throws Exception {
    execute("CREATE TABLE audit_log_dml (audit_event_id bigserial PRIMARY KEY, audit_operation text,"
        + " audit_timestamp timestamp, tbl_schema text, tbl_name text, raw_data text)",
        "INSERT INTO audit_log_dml (audit_operation, audit_timestamp, tbl_schema, tbl_name, raw_data) SELECT CASE"
            + " WHEN g % 10 = 0 THEN 'D' WHEN g % 3 = 0 THEN 'U' ELSE 'I' END, timestamp '2026-11-01' + g * interval"
            + " '1 second', 'public', 'orders', json_build_object('order_id', g % 5000, 'amount', g * 1.5, 'note',"
            + " 'n' || g)::text FROM generate_series(1, 30000) g");
    Files.writeString(project.resolve("floe.yaml"), """
        name: audit_crash
        engine: {master: "local[2]"}
        sources:
          orders:
            type: postgres-audit
            url: %s
            user: postgres
            table: audit_log_dml
            for-table: public.orders
            batch.max-events: 3000
        """.formatted(postgres.getJdbcUrl("postgres", "postgres")));
    long seed = Long.getLong("floe.test.seed", System.nanoTime());
    String kill = "seed " + seed + ": " + killAfter(2, new Random(seed).nextInt(2000), false, "ingest");
    floe(project, "ingest").ok();

    assertThat(query("SELECT count(*), count(DISTINCT audit_event_id), min(audit_event_id), max(audit_event_id)"
        + " FROM bronze.orders")).as(kill).containsExactly(List.of("30000", "30000", "1", "30000"));
  }

  /**
   * Starts {@code floe ingest --follow} and kills it (SIGKILL, or SIGTERM) {@code delayMillis} after it
   * reported {@code batches} commits (or after its start, for 0).
   */
  private String killAfter(int batchesFirst, int delayMillis, boolean gracefully)
      throws IOException, InterruptedException {
    return killAfter(batchesFirst, delayMillis, gracefully, "ingest", "--follow");
  }

  private String killAfter(int batchesFirst, int delayMillis, boolean gracefully, String... command)
      throws IOException, InterruptedException {
    return FloeProcess.killAfter(project, batchesFirst, delayMillis, gracefully, command);
  }

  private static void workload(Random random, AtomicBoolean stop, AtomicInteger transactions) {
    int nextId = 2001;
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO accounts VALUES (?, 'new ' || ?, 0, 1)");
        PreparedStatement update = connection.prepareStatement(
            "UPDATE accounts SET balance = balance + 1, version = version + 1 WHERE id = ?");
        PreparedStatement rename = connection.prepareStatement(
            "UPDATE accounts SET owner = owner || '+', version = version + 1 WHERE id = ?");
        PreparedStatement delete = connection.prepareStatement("DELETE FROM accounts WHERE id = ?")) {
      connection.setAutoCommit(false);
      while (!stop.get()) {
        int size = 1 + random.nextInt(40);
        for (int i = 0; i < size; i++) {
          int kind = random.nextInt(10);
          if (kind < 3) {
            insert.setInt(1, nextId);
            insert.setInt(2, nextId++);
            insert.executeUpdate();
          } else if (kind < 9) {
            PreparedStatement change = kind < 7 ? update : rename;
            change.setInt(1, 1 + random.nextInt(nextId - 1));
            change.executeUpdate();
          } else {
            delete.setInt(1, 1 + random.nextInt(nextId - 1));
            delete.executeUpdate();
          }
        }
        connection.commit();
        transactions.incrementAndGet();
        Thread.sleep(random.nextInt(20));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("The workload failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private List<List<String>> query(String sql) {
    List<List<String>> rows = new ArrayList<>();
    floe(project, "sql", "--limit", "1000000", "-o", "csv", sql).ok().lines().skip(1)
        .forEach(line -> rows.add(List.of(line.replace("\"", "").split(","))));
    return rows;
  }

  private static List<List<String>> postgresRows(String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(result.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static void execute(String... statements) throws SQLException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
