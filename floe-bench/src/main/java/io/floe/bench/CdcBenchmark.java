package io.floe.bench;

import io.floe.core.project.Project;
import io.floe.ingest.Ingestion;
import io.floe.ingest.ProjectSources;
import io.floe.ingest.SourceRun;
import io.floe.ingest.spi.ReadOptions;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.spark.FloeEngine;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Benchmark 7, change data capture from PostgreSQL's log: a workload writes {@code changes} inserts,
 * updates and deletes in transactions of 1 to 1,000 rows into a table (untimed), while two slots
 * hold the log from before it. Floe's {@code postgres-cdc} source then reads its slot and commits
 * every change to its change table (timed from opening the source to the last commit, whole
 * transactions, the slot acknowledged after each commit); the peer, Debezium 3.6's embedded
 * PostgreSQL connector in a JVM of its own (module floe-bench-debezium), reads its slot and turns
 * each change into its JSON event in memory, writing nothing (timed from its engine's start to the
 * last event). Floe's table is checked to hold exactly the workload's changes.
 */
final class CdcBenchmark {
  static final String ID = "cdc_changes";
  private static final Logger LOG = LoggerFactory.getLogger(CdcBenchmark.class);
  private static final String DEBEZIUM_SLOT = "bench_debezium";
  private static final Pattern DEBEZIUM_OUTPUT = Pattern.compile(
      "events=(\\d+) seconds=([0-9.]+) complete=(\\w+) peak_heap_bytes=(\\d+)");

  private final int runs;
  private final Path workDir;
  private final long changes;
  private final long seed;

  CdcBenchmark(int runs, Path workDir, long changes, long seed) {
    this.runs = runs;
    this.workDir = workDir;
    this.changes = changes;
    this.seed = seed;
  }

  List<Figure> run() throws Exception {
    String floeLabel = String.format(java.util.Locale.ROOT, "Floe postgres-cdc: %,d changes from the slot into an"
        + " Iceberg change table, committed", changes);
    String peerLabel = String.format(java.util.Locale.ROOT, "Debezium 3.6 embedded: the same %,d changes decoded to"
        + " JSON events in memory, nothing written", changes);
    // ./bench runs from the checkout, the tests from floe-bench/.
    Path debezium = Files.isDirectory(Path.of("floe-bench-debezium")) ? Path.of("floe-bench-debezium", "target")
        : Path.of("..", "floe-bench-debezium", "target");
    if (!Files.isRegularFile(debezium.resolve("floe-bench-debezium.jar"))) {
      return List.of(Figure.notAvailable(ID, "floe_cdc", floeLabel, "n/a (floe-bench-debezium not built)"),
          Figure.notAvailable(ID, "debezium_embedded", peerLabel, "n/a (floe-bench-debezium not built)"));
    }
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(workDir.resolve("cdc-pg"))
        .setCleanDataDirectory(true).setServerConfig("wal_level", "logical").start()) {
      Path dir = workDir.resolve("floe-cdc");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(Project.CONFIG_FILE), "name: bench_cdc\nsources:\n  ledger:\n"
          + "    type: postgres-cdc\n    url: " + postgres.getJdbcUrl("postgres", "postgres") + "\n"
          + "    user: postgres\n    table: public.ledger\n    max-changes: 100000\n");
      List<Double> floeSeconds = new ArrayList<>();
      List<Double> peerSeconds = new ArrayList<>();
      long[] floeMemory = {0, 0};
      try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
        for (int run = 1; run <= runs; run++) {
          prepare(engine, postgres, run);
          MemorySampler memory = MemorySampler.start();
          try {
            floeSeconds.add(floe(engine));
          } finally {
            memory.close();
          }
          floeMemory[0] = Math.max(floeMemory[0], memory.peakHeapBytes());
          floeMemory[1] = Math.max(floeMemory[1], memory.peakRssBytes());
          peerSeconds.add(debezium(debezium, postgres));
          LOG.info("cdc run {}: Floe {} s ({} changes/s), Debezium {} s ({} changes/s)", run,
              floeSeconds.get(run - 1), Math.round(changes / floeSeconds.get(run - 1)), peerSeconds.get(run - 1),
              Math.round(changes / peerSeconds.get(run - 1)));
        }
      }
      return List.of(Figure.measured(ID, "floe_cdc", floeLabel, floeSeconds, floeMemory[0], floeMemory[1]),
          Figure.measured(ID, "debezium_embedded", peerLabel, peerSeconds, peerHeap, -1));
    }
  }

  // A fresh table, Floe's snapshot of it (untimed), Debezium's slot, then the workload: both slots
  // hold the same changes.
  private void prepare(FloeEngine engine, EmbeddedPostgres postgres, int run) throws SQLException {
    FloeIngestBenchmark.dropBronzeTables(engine);
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots");
      statement.execute("DROP PUBLICATION IF EXISTS floe_ledger");
      statement.execute("DROP PUBLICATION IF EXISTS " + DEBEZIUM_SLOT);
      statement.execute("DROP TABLE IF EXISTS ledger");
      statement.execute("CREATE TABLE ledger (id bigint PRIMARY KEY, account int NOT NULL, amount numeric(12,2)"
          + " NOT NULL, note text, booked_at timestamptz NOT NULL DEFAULT now())");
      statement.execute("INSERT INTO ledger (id, account, amount, note) SELECT g, g % 1000, g / 100.0, 'opening'"
          + " FROM generate_series(1, 1000) g");
    }
    BenchChecks.rows("Floe's snapshot of ledger", FloeIngestBenchmark.ingest(engine, "ledger").get(0).rowsWritten(),
        1000);
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE PUBLICATION " + DEBEZIUM_SLOT + " FOR TABLE ledger");
      statement.execute("SELECT pg_create_logical_replication_slot('" + DEBEZIUM_SLOT + "', 'pgoutput')");
    }
    long written = workload(postgres, new Random(seed + run));
    LOG.info("cdc run {}: the workload wrote {} changes", run, written);
  }

  // Inserts (50%), updates (35%) and deletes (15%) of 1 to 1,000 rows per transaction, set-based.
  private long workload(EmbeddedPostgres postgres, Random random) throws SQLException {
    long written = 0;
    long nextId = 1001;
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        PreparedStatement insert = connection.prepareStatement("INSERT INTO ledger (id, account, amount, note)"
            + " SELECT g, g % 1000, (g % 10000) / 100.0, 'entry ' || g FROM generate_series(?, ?) g");
        PreparedStatement update = connection.prepareStatement("UPDATE ledger SET amount = amount + 1,"
            + " note = 'changed' WHERE id IN (SELECT id FROM ledger WHERE id >= ? ORDER BY id LIMIT ?)");
        PreparedStatement delete = connection.prepareStatement("DELETE FROM ledger"
            + " WHERE id IN (SELECT id FROM ledger WHERE id >= ? ORDER BY id LIMIT ?)")) {
      connection.setAutoCommit(false);
      while (written < changes) {
        int size = (int) Math.min(changes - written, 1 + random.nextInt(1000));
        int kind = random.nextInt(100);
        int done;
        if (kind < 50 || nextId < 3000) {
          insert.setLong(1, nextId);
          insert.setLong(2, nextId + size - 1);
          done = insert.executeUpdate();
          nextId += size;
        } else {
          PreparedStatement change = kind < 85 ? update : delete;
          change.setLong(1, 1 + (long) (random.nextDouble() * (nextId - 1)));
          change.setInt(2, size);
          done = change.executeUpdate();
        }
        connection.commit();
        written += done;
      }
    }
    return written;
  }

  private double floe(FloeEngine engine) {
    ProjectSources sources = ProjectSources.load(engine.project());
    SourceDefinition ledger = sources.select(List.of("ledger")).get(0);
    long start = System.nanoTime();
    long[] lastCommit = {start};
    long[] committed = {0};
    // Followed as `floe ingest --follow` does, stopped once every change is committed: the peer
    // likewise stops at its last event, and neither waits to see that nothing more comes.
    SourceRun run = new Ingestion(engine, sources).run(ledger,
        (definition, batch, result, done, total, bytes, bytesTotal, elapsed) -> {
          lastCommit[0] = System.nanoTime();
          committed[0] += result.rowsWritten();
        }, new ReadOptions(true, () -> committed[0] >= changes));
    BenchChecks.rows("Floe's changes read from the log", run.rowsWritten(), changes);
    BenchChecks.rows("Floe's change table bronze.ledger", FloeIngestBenchmark.count(engine, "bronze.ledger"),
        changes + 1000);
    return (lastCommit[0] - start) / 1e9;
  }

  /** The Debezium JVM's peak heap over the runs, as it reports it. */
  private long peerHeap;

  private double debezium(Path target, EmbeddedPostgres postgres) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", target.resolve("floe-bench-debezium.jar") + java.io.File.pathSeparator + target.resolve("lib") + "/*",
        "io.floe.bench.debezium.DebeziumBaselineMain", "--host", "localhost", "--port",
        String.valueOf(postgres.getPort()), "--database", "postgres", "--user", "postgres", "--slot", DEBEZIUM_SLOT,
        "--publication", DEBEZIUM_SLOT, "--table", "public.ledger", "--changes", String.valueOf(changes)));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> output = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        output.add(line);
      }
    }
    if (!process.waitFor(15, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new BenchException("Cannot measure Debezium: it did not end within 15 minutes");
    }
    for (String line : output) {
      Matcher matcher = DEBEZIUM_OUTPUT.matcher(line);
      if (matcher.matches()) {
        if (!Boolean.parseBoolean(matcher.group(3))) {
          throw new BenchException("Cannot trust Debezium's figure: it saw " + matcher.group(1) + " of " + changes
              + " changes before its timeout");
        }
        peerHeap = Math.max(peerHeap, Long.parseLong(matcher.group(4)));
        return Double.parseDouble(matcher.group(2));
      }
    }
    throw new BenchException("Cannot read Debezium's figure: its output was " + String.join(" | ",
        output.subList(Math.max(0, output.size() - 10), output.size())));
  }
}
