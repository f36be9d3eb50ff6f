package io.floe.cli.demo;

import static java.util.Objects.requireNonNull;

import io.floe.core.project.Project;
import io.floe.examples.projects.ExampleProjects;
import io.floe.ingest.ProjectSources;
import io.floe.ingest.SourceRun;
import io.floe.runtime.FloeRuntime;
import io.floe.runtime.ProjectRun;
import io.floe.spark.FloeEngine;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The tour {@code floe demo bank} gives: seed 003's bank CDC lakehouse ({@code examples/bank}). It
 * starts an embedded PostgreSQL with logical replication, creates the bank's users and accounts,
 * takes the initial snapshot, then follows the log (as {@code floe ingest --follow} does) while it
 * runs the seed's workload statement by statement, showing each change arrive in the raw change
 * tables; then it stops following (as Ctrl-C would: what was read is committed) and builds the
 * current-state tables and the Data Vault, whose satellites hold every version.
 */
public final class BankDemo {
  /** The seed's workload after the first users and accounts, one statement per step. */
  static final List<String> WORKLOAD = List.of(
      "UPDATE accounts SET balance = 3000.00 WHERE user_id = 'dbddcfe3-a590-4358-958f-e8ed882df158'",
      "UPDATE users SET name = 'Bruce Wayne' WHERE email = 'bruce@wayne.com'",
      "INSERT INTO users (email, name) VALUES ('test@test.com', 'test')"
          + " ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name",
      "UPDATE users SET name = 'Bruce Thomas Wayne' WHERE email = 'bruce@wayne.com'",
      "DELETE FROM users WHERE email = 'test@test.com'");
  private static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(60);

  private final Path root;
  private final PrintWriter out;
  private final DemoConsole console;

  public BankDemo(Path root, PrintWriter out, PrintWriter err) {
    this.root = requireNonNull(root, "root is null");
    this.out = requireNonNull(out, "out is null");
    this.console = new DemoConsole(root, out, err);
  }

  /** Runs the tour; returns the exit code of the first failing step, else 0. */
  public int run() throws IOException, SQLException, InterruptedException {
    console.step("Starting an embedded PostgreSQL (Maven Central's binaries) with wal_level = logical");
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("wal_level", "logical").start()) {
      DemoConsole.execute(postgres, "postgres", "CREATE DATABASE bank");
      DemoConsole.execute(postgres, "bank",
          "CREATE TABLE users (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email text NOT NULL UNIQUE,"
              + " name text NOT NULL)",
          "CREATE TABLE accounts (id serial PRIMARY KEY, user_id uuid NOT NULL REFERENCES users (id),"
              + " currency text NOT NULL, balance numeric(12, 2) NOT NULL)",
          "INSERT INTO users (id, email, name) VALUES ('1b214475-9054-4f45-91f4-d111422a7b16', 'bruce@wayne.com',"
              + " 'Bruce W') ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name",
          "INSERT INTO accounts (user_id, currency, balance) VALUES ('1b214475-9054-4f45-91f4-d111422a7b16', 'EUR',"
              + " 1001.25)",
          "INSERT INTO users (id, email, name) VALUES ('dbddcfe3-a590-4358-958f-e8ed882df158', 'clark@kent.com',"
              + " 'Clark Kent') ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name",
          "INSERT INTO accounts (user_id, currency, balance) VALUES ('dbddcfe3-a590-4358-958f-e8ed882df158', 'EUR',"
              + " 2500.00)");
      console.step("bank: users and accounts with two rows each (the seed's first four statements)");

      console.step("Laying out examples/bank (seed 003: PostgreSQL log -> raw_data -> parsed_data -> data_vault)");
      ExampleProjects.copy(ExampleProjects.BANK, root).forEach(file -> out.println("  " + file));
      ExampleProjects.useBankDatabase(root, postgres.getJdbcUrl("postgres", "bank"));

      console.step("floe ingest: create the publications and slots, and take the initial snapshots (op = r)");
      int exit = console.floe("ingest");
      if (exit != 0) {
        return exit;
      }
      exit = follow(postgres);
      if (exit != 0) {
        return exit;
      }

      console.step("floe build: what is new in the log, then the current state (parsed_data) and the Data Vault"
          + " (data_vault), tested before they are published");
      exit = console.floe("build");
      if (exit != 0) {
        return exit;
      }
      try (FloeEngine engine = FloeEngine.open(Project.load(root))) {
        console.step("raw_data.users: every change, in Debezium's shape");
        console.query(engine, "SELECT op, data, source_commit_lsn, source_lsn FROM raw_data.users"
            + " ORDER BY source_commit_lsn, source_lsn");
        console.step("parsed_data.parsed_users: the users as PostgreSQL has them now (the deleted one is gone)");
        console.query(engine, "SELECT id, email, name, op FROM parsed_data.parsed_users ORDER BY email");
        console.step("data_vault.s_users: every version of every user, not only the last one a run saw");
        console.query(engine, "SELECT h.user_id, s.name, s.load_ts FROM data_vault.s_users s"
            + " JOIN data_vault.h_users h USING (user_hk) ORDER BY h.user_id, s.load_ts");
        console.step("data_vault.sts_users: the deleted user is marked D");
        console.query(engine, "SELECT h.user_id, s.status, s.load_ts FROM data_vault.sts_users s"
            + " JOIN data_vault.h_users h USING (user_hk) ORDER BY h.user_id, s.load_ts");
      }
    }
    out.println();
    out.println("The embedded PostgreSQL has stopped: the project's tables stay; following again needs BANK_DB_URL.");
    return 0;
  }

  /**
   * Follows both sources in this JVM, as {@code floe ingest --follow} does, while the workload runs;
   * each change is shown as it lands in its raw table, then the follow stops as Ctrl-C stops it.
   */
  private int follow(EmbeddedPostgres postgres) throws SQLException, InterruptedException {
    console.step("Following the log (floe ingest --follow, a commit every second) while the seed's workload runs");
    Project project = Project.load(root);
    try (ProjectRun run = ProjectRun.start(project, "ingest --follow (demo)", Duration.ZERO);
        FloeEngine engine = FloeEngine.open(project)) {
      run.recover(engine);
      ProjectSources sources = ProjectSources.load(project);
      CompletableFuture<List<SourceRun>> following = CompletableFuture.supplyAsync(
          () -> new FloeRuntime(engine, run).follow(sources, sources.select(List.of()), new FloeRuntime.Listener() { }));
      long changes = changeCount(engine);
      for (String statement : WORKLOAD) {
        DemoConsole.execute(postgres, "bank", statement);
        long start = System.nanoTime();
        while (changeCount(engine) == changes && System.nanoTime() - start < ARRIVAL_TIMEOUT.toNanos()) {
          Thread.sleep(100);
        }
        long now = changeCount(engine);
        out.printf(Locale.ROOT, "  %-100s -> %d change%s in raw_data after %.1f s%n", statement, now - changes,
            now - changes == 1 ? "" : "s", (System.nanoTime() - start) / 1e9);
        out.flush();
        changes = now;
      }
      // What Ctrl-C does to a follower: stop at the next transaction's end, commit, end cleanly.
      run.cancel();
      try {
        List<SourceRun> runs = following.get(60, TimeUnit.SECONDS);
        run.finish(true, "");
        for (SourceRun source : runs) {
          out.printf(Locale.ROOT, "  %s -> %s: %d changes in %d commits while following; %s%n", source.source(),
              source.table(), source.rowsWritten(), source.batches(), source.position());
        }
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        run.finish(false, String.valueOf(e.getMessage()));
        throw new IllegalStateException("Following the bank's log failed: " + e.getMessage(), e);
      }
    }
    return 0;
  }

  private static long changeCount(FloeEngine engine) {
    return ((Number) engine.sql("SELECT (SELECT count(*) FROM raw_data.users) + (SELECT count(*) FROM"
        + " raw_data.accounts)", 1).rows().get(0).get(0)).longValue();
  }

}
