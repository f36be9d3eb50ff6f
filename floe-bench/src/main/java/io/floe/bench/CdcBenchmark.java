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
  /** A change's latency at the default commit interval, its source commit to the Iceberg commit holding it. */
  static final String LATENCY_P50 = "cdc_latency_p50";
  static final String LATENCY_P99 = "cdc_latency_p99";
  /** One transaction of many rows, read as one batch (a batch ends only at a transaction's end): memory. */
  static final String ONE_TRANSACTION = "cdc_one_transaction";
  /**
   * Opt-in (an hour by default): the latency workload followed with automatic maintenance after
   * each commit, as {@code floe ingest --follow} runs it; its label holds the change table's files.
   */
  static final String FOLLOW_HOUR = "cdc_follow_hour";
  /** The rate of the latency workload, in changes per second. */
  private static final int LATENCY_RATE = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(CdcBenchmark.class);
  private static final String DEBEZIUM_SLOT = "bench_debezium";
  private static final Pattern DEBEZIUM_OUTPUT = Pattern.compile(
      "events=(\\d+) seconds=([0-9.]+) complete=(\\w+) peak_heap_bytes=(\\d+)");

  private final int runs;
  private final Path workDir;
  private final long changes;
  private final long seed;
  private final int latencySeconds;
  private final long transactionRows;

  /**
   * @param latencySeconds how long the latency workload writes {@value #LATENCY_RATE} changes a second
   * @param transactionRows the rows of the one big transaction
   */
  CdcBenchmark(int runs, Path workDir, long changes, long seed, int latencySeconds, long transactionRows) {
    this.runs = runs;
    this.workDir = workDir;
    this.changes = changes;
    this.seed = seed;
    this.latencySeconds = latencySeconds;
    this.transactionRows = transactionRows;
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
    try (EmbeddedPostgres postgres = startPostgres()) {
      Path dir = project(postgres);
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
        List<Figure> figures = new ArrayList<>(List.of(
            Figure.measured(ID, "floe_cdc", floeLabel, floeSeconds, floeMemory[0], floeMemory[1]),
            Figure.measured(ID, "debezium_embedded", peerLabel, peerSeconds, peerHeap, -1)));
        figures.addAll(latency(engine, postgres));
        figures.add(oneTransaction(engine, postgres));
        return figures;
      }
    }
  }

  private EmbeddedPostgres startPostgres() throws IOException {
    return EmbeddedPostgres.builder().setDataDirectory(workDir.resolve("cdc-pg")).setCleanDataDirectory(true)
        .setServerConfig("wal_level", "logical").start();
  }

  private Path project(EmbeddedPostgres postgres) throws IOException {
    Path dir = workDir.resolve("floe-cdc");
    Files.createDirectories(dir);
    String url = postgres.getJdbcUrl("postgres", "postgres");
    Files.writeString(dir.resolve(Project.CONFIG_FILE), "name: bench_cdc\nsources:\n  ledger:\n"
        + "    type: postgres-cdc\n    url: " + url + "\n    user: postgres\n    table: public.ledger\n"
        + "    max-changes: 100000\n"
        // The defaults a user gets: commit-interval 2s, max-changes 200,000.
        + "  ticks:\n    type: postgres-cdc\n    url: " + url + "\n    user: postgres\n    table: public.ticks\n"
        + "  bulk:\n    type: postgres-cdc\n    url: " + url + "\n    user: postgres\n    table: public.bulk\n");
    return dir;
  }

  /**
   * {@value #FOLLOW_HOUR}: Floe follows a table for {@code minutes} while the latency workload writes
   * {@value #LATENCY_RATE} changes a second, and after each commit runs automatic maintenance as a
   * run does (the default policy's check, and its work when due). The figure is the seconds until
   * every change was committed; its label says how many data files the change table held at most
   * (counted after each commit, before maintenance) and at the end, against the commits made.
   */
  List<Figure> followWithMaintenance(int minutes) throws Exception {
    long written = (long) LATENCY_RATE * minutes * 60;
    try (EmbeddedPostgres postgres = startPostgres();
        FloeEngine engine = FloeEngine.open(Project.load(project(postgres)))) {
      execute(postgres, "CREATE TABLE ticks (id bigint PRIMARY KEY, note text)", "INSERT INTO ticks VALUES (0, 'before')");
      io.floe.spark.maintenance.TableMaintenance maintenance = new io.floe.spark.maintenance.TableMaintenance(engine);
      java.util.concurrent.atomic.AtomicInteger commits = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger maintained = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicLong most = new java.util.concurrent.atomic.AtomicLong();
      Followed followed = followTicks(engine, postgres, written, 300, target -> {
        org.apache.iceberg.Table table = engine.table(target);
        most.accumulateAndGet(io.floe.spark.maintenance.TableMaintenance.dataFiles(table), Math::max);
        if (maintenance.due(table, io.floe.core.maintenance.MaintenancePolicy.DEFAULTS, false).any()) {
          maintenance.maintain(target, io.floe.core.maintenance.MaintenancePolicy.DEFAULTS, false, step -> { });
          maintained.incrementAndGet();
        }
        if (commits.incrementAndGet() % 100 == 0) {
          LOG.info("cdc follow: {} commits, at most {} data files, {} maintenance runs", commits.get(), most.get(),
              maintained.get());
        }
      });
      BenchChecks.rows("Floe's change table bronze.ticks", FloeIngestBenchmark.count(engine, "bronze.ticks"),
          written + 1);
      long filesAtEnd = io.floe.spark.maintenance.TableMaintenance.dataFiles(engine.table("bronze.ticks"));
      String label = String.format(java.util.Locale.ROOT, "%,d changes/s for %d min followed at the default"
          + " commit-interval (2s) with automatic maintenance (default policy): %,d commits, at most %,d data files"
          + " at once, %,d at the end, %,d maintenance runs", LATENCY_RATE, minutes, followed.commits(), most.get(),
          filesAtEnd, maintained.get());
      LOG.info("cdc follow: {}", label);
      return List.of(Figure.measured(FOLLOW_HOUR, "floe_cdc", label, List.of(followed.seconds()),
          followed.peakHeap(), followed.peakRss()));
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

  /**
   * Floe follows a table at the default commit interval while a workload commits
   * {@value #LATENCY_RATE} changes a second (a transaction of 10 rows every 10 ms) for
   * {@code latencySeconds}; then each change's latency is read from the table itself: the commit
   * time of the Iceberg snapshot that holds it minus its transaction's commit time in PostgreSQL
   * ({@code _source_ts}). Each run is one figure of the p50 and one of the p99 rows.
   */
  private List<Figure> latency(FloeEngine engine, EmbeddedPostgres postgres) throws Exception {
    List<Double> p50 = new ArrayList<>();
    List<Double> p99 = new ArrayList<>();
    long[] memory = {0, 0};
    long files = 0;
    long commits = 0;
    long written = (long) LATENCY_RATE * latencySeconds;
    for (int run = 1; run <= runs; run++) {
      FloeIngestBenchmark.dropBronzeTables(engine);
      execute(postgres, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
          + " WHERE slot_name = 'floe_ticks'", "DROP PUBLICATION IF EXISTS floe_ticks", "DROP TABLE IF EXISTS ticks",
          "CREATE TABLE ticks (id bigint PRIMARY KEY, note text)", "INSERT INTO ticks VALUES (0, 'before')");
      Followed followed = followTicks(engine, postgres, written, 120, target -> { });
      memory[0] = Math.max(memory[0], followed.peakHeap());
      memory[1] = Math.max(memory[1], followed.peakRss());
      BenchChecks.rows("Floe's change table bronze.ticks", FloeIngestBenchmark.count(engine, "bronze.ticks"),
          written + 1);
      List<Object> quantiles = engine.sql("SELECT percentile(unix_millis(s.committed_at) - unix_millis(t._source_ts),"
          + " 0.5), percentile(unix_millis(s.committed_at) - unix_millis(t._source_ts), 0.99) FROM bronze.ticks t"
          + " JOIN bronze.ticks.snapshots s ON s.summary['floe.source.ticks.batch-id'] = t._batch_id WHERE t._op <> 'r'", 1).rows().get(0);
      p50.add(((Number) quantiles.get(0)).doubleValue() / 1000);
      p99.add(((Number) quantiles.get(1)).doubleValue() / 1000);
      files = ((Number) engine.sql("SELECT count(*) FROM bronze.ticks.files", 1).rows().get(0).get(0)).longValue();
      commits = followed.commits();
      LOG.info("cdc latency run {}: p50 {} s, p99 {} s, {} commits, {} data files", run, p50.get(run - 1),
          p99.get(run - 1), commits, files);
    }
    String what = String.format(java.util.Locale.ROOT, "%,d changes/s for %d s followed at the default"
        + " commit-interval (2s): %d commits, %d data files in the change table, so about %,d an hour without"
        + " maintenance", LATENCY_RATE, latencySeconds, commits, files, Math.round(files * 3600.0 / latencySeconds));
    return List.of(
        Figure.measured(LATENCY_P50, "floe_cdc", "p50 change latency (seconds, the transaction's commit in PostgreSQL"
            + " to the Iceberg commit holding it), " + what, p50, memory[0], memory[1]),
        Figure.measured(LATENCY_P99, "floe_cdc", "p99 change latency (seconds), " + what, p99, memory[0], memory[1]));
  }

  /** Following the ticks table: seconds from the workload's start to its last change committed, commits, memory. */
  private record Followed(double seconds, int commits, long peakHeap, long peakRss) {}

  /**
   * Follows the ticks table (its snapshot first, untimed) while the workload writes {@code written}
   * ticks, then stops the follower; {@code afterCommit} runs in the follower after each commit, with
   * the change table's name.
   */
  private static Followed followTicks(FloeEngine engine, EmbeddedPostgres postgres, long written, int timeoutSeconds,
      java.util.function.Consumer<String> afterCommit) throws Exception {
    ProjectSources sources = ProjectSources.load(engine.project());
    SourceDefinition ticks = sources.select(List.of("ticks")).get(0);
    java.util.concurrent.atomic.AtomicLong committed = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicInteger batches = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    MemorySampler sampler = MemorySampler.start();
    java.util.concurrent.CompletableFuture<SourceRun> following = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> new Ingestion(engine, sources).run(ticks, (definition, batch, result, done, total, bytes, bytesTotal,
            elapsed) -> {
              committed.addAndGet(result.rowsWritten());
              batches.incrementAndGet();
              afterCommit.accept(definition.target());
            }, new ReadOptions(true, stop::get)));
    double seconds;
    try {
      awaitUntil(() -> batches.get() >= 1 || following.isDone(), 120, "the snapshot of ticks");
      long start = System.nanoTime();
      tick(postgres, written);
      awaitUntil(() -> committed.get() >= written + 1 || following.isDone(), timeoutSeconds, "every tick committed");
      seconds = (System.nanoTime() - start) / 1e9;
    } finally {
      stop.set(true);
      following.get(timeoutSeconds, TimeUnit.SECONDS);
      sampler.close();
    }
    return new Followed(seconds, batches.get(), sampler.peakHeapBytes(), sampler.peakRssBytes());
  }

  // Transactions of 10 rows every 10 ms: LATENCY_RATE changes a second, on a fixed schedule.
  private static void tick(EmbeddedPostgres postgres, long rows) throws SQLException, InterruptedException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO ticks SELECT g, 'tick' FROM generate_series(?, ?) g")) {
      long start = System.nanoTime();
      for (long next = 1, round = 0; next <= rows; next += 10, round++) {
        long due = start + round * 10_000_000L;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        insert.setLong(1, next);
        insert.setLong(2, Math.min(rows, next + 9));
        insert.executeUpdate();
      }
    }
  }

  /**
   * One transaction of {@code transactionRows} inserts, read by a catch-up run as one batch (a batch
   * ends only at a transaction's end): the figure is its seconds, and its peak heap shows what the
   * rows of one batch cost in memory.
   */
  private Figure oneTransaction(FloeEngine engine, EmbeddedPostgres postgres) throws Exception {
    List<Double> seconds = new ArrayList<>();
    long[] memory = {0, 0};
    for (int run = 1; run <= runs; run++) {
      FloeIngestBenchmark.dropBronzeTables(engine);
      execute(postgres, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
          + " WHERE slot_name = 'floe_bulk'", "DROP PUBLICATION IF EXISTS floe_bulk", "DROP TABLE IF EXISTS bulk",
          "CREATE TABLE bulk (id bigint PRIMARY KEY, account int NOT NULL, amount numeric(12,2) NOT NULL, note text)");
      FloeIngestBenchmark.ingest(engine, "bulk");
      execute(postgres, "INSERT INTO bulk SELECT g, g % 1000, (g % 10000) / 100.0, 'entry ' || g"
          + " FROM generate_series(1, " + transactionRows + ") g");
      System.gc();
      MemorySampler sampler = MemorySampler.start();
      long start = System.nanoTime();
      try {
        BenchChecks.rows("Floe's changes of one transaction", FloeIngestBenchmark.ingest(engine, "bulk").get(0)
            .rowsWritten(), transactionRows);
      } finally {
        sampler.close();
      }
      seconds.add((System.nanoTime() - start) / 1e9);
      memory[0] = Math.max(memory[0], sampler.peakHeapBytes());
      memory[1] = Math.max(memory[1], sampler.peakRssBytes());
    }
    return Figure.measured(ONE_TRANSACTION, "floe_cdc", String.format(java.util.Locale.ROOT, "Floe postgres-cdc: one"
        + " transaction of %,d inserts, read from the slot and committed as one batch (peak heap: what its rows"
        + " cost in memory)", transactionRows), seconds, memory[0], memory[1]);
  }

  private static void execute(EmbeddedPostgres postgres, String... statements) throws SQLException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private static void awaitUntil(java.util.function.BooleanSupplier done, int seconds, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new BenchException("Cannot measure CDC latency: " + what + " did not happen within " + seconds + " s");
      }
      Thread.sleep(20);
    }
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
