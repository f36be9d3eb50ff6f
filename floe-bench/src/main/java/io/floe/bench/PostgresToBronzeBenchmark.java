package io.floe.bench;

import io.floe.core.project.Project;
import io.floe.examples.meter.MeterCounts;
import io.floe.examples.meter.MeterDataGenerator;
import io.floe.ingest.SourceRun;
import io.floe.spark.FloeEngine;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Benchmark 2, PostgreSQL to bronze: meter_data.readings in a real PostgreSQL (embedded binaries,
 * started here) read whole, by the driver's {@code COPY readings TO STDOUT} into a CSV file (the
 * baseline) and by Floe's PostgreSQL source into a bronze Iceberg table. As before benchmark 1,
 * each tool first does one untimed warm-up, here on a view of the first {@value #WARM_UP_ROWS}
 * readings, so that neither pays the JIT's first compilation of its code.
 */
final class PostgresToBronzeBenchmark implements AutoCloseable {
  static final String ID = "postgres_to_bronze";
  private static final Logger LOG = LoggerFactory.getLogger(PostgresToBronzeBenchmark.class);
  private static final String TABLE = "meter_data.readings";
  private static final String WARM_UP_VIEW = "meter_data.readings_warm_up";
  static final long WARM_UP_ROWS = 100_000;

  private final Runs runs;
  private final Path workDir;
  private final EmbeddedPostgres postgres;
  private final MeterCounts counts;

  private PostgresToBronzeBenchmark(Runs runs, Path workDir, EmbeddedPostgres postgres, MeterCounts counts) {
    this.runs = runs;
    this.workDir = workDir;
    this.postgres = postgres;
    this.counts = counts;
  }

  /** Starts PostgreSQL and fills meter_data with {@code readings} readings (untimed). */
  static PostgresToBronzeBenchmark start(Runs runs, Path workDir, long readings, long seed) throws Exception {
    EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(workDir.resolve("postgres-data"))
        .setCleanDataDirectory(true).start();
    try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
      long start = System.nanoTime();
      MeterCounts counts = MeterDataGenerator.generate(connection, readings, seed);
      try (java.sql.Statement statement = connection.createStatement()) {
        statement.execute("CREATE VIEW " + WARM_UP_VIEW + " AS SELECT * FROM " + TABLE + " WHERE id <= " + WARM_UP_ROWS);
      }
      LOG.info("Loaded {} readings into PostgreSQL in {} s", readings, (System.nanoTime() - start) / 1_000_000_000);
      return new PostgresToBronzeBenchmark(runs, workDir, postgres, counts);
    } catch (SQLException | RuntimeException e) {
      closeAfterFailure(postgres, e);
      throw e;
    }
  }

  MeterCounts counts() {
    return counts;
  }

  List<Figure> run() throws Exception {
    Path file = workDir.resolve("postgres-copy/readings.csv");
    List<Figure> figures = new ArrayList<>();
    Files.createDirectories(file.getParent());
    copyToFile("(SELECT * FROM " + WARM_UP_VIEW + ")", file);
    figures.add(runs.measure(ID, "postgres_copy", "PostgreSQL driver CopyManager: COPY readings TO STDOUT into a file",
        () -> {
          Files.deleteIfExists(file);
          Files.createDirectories(file.getParent());
        },
        () -> copyToFile(TABLE, file),
        () -> BenchChecks.rows("the COPY file", lines(file), counts.readings())));
    figures.add(floe());
    return figures;
  }

  private Figure floe() throws IOException {
    String label = "Floe ingest: a postgres source into a bronze Iceberg table";
    if (!FloeIngestBenchmark.postgresConnectorAvailable()) {
      return Figure.notAvailable(ID, "floe", label, "n/a (floe-ingest-postgres not available)");
    }
    Project project = FloeIngestBenchmark.postgresProject(workDir.resolve("floe-postgres"),
        postgres.getJdbcUrl("postgres", "postgres"), "postgres", TABLE, WARM_UP_VIEW, "id");
    try (FloeEngine engine = FloeEngine.open(project)) {
      FloeIngestBenchmark.ingest(engine, "warm_up");
      List<List<SourceRun>> done = new ArrayList<>();
      return runs.measure(ID, "floe", label, () -> FloeIngestBenchmark.dropBronzeTables(engine),
          () -> done.add(FloeIngestBenchmark.ingest(engine, "readings")),
          () -> FloeIngestBenchmark.checkRows(engine, "Floe's bronze.readings", done.get(done.size() - 1), counts.readings()));
    }
  }

  private void copyToFile(String tableOrQuery, Path file) throws SQLException, IOException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      connection.unwrap(PGConnection.class).getCopyAPI()
          .copyOut("COPY " + tableOrQuery + " TO STDOUT (FORMAT csv)", out);
    }
  }

  private static long lines(Path file) throws IOException {
    try (var lines = Files.lines(file)) {
      return lines.count();
    }
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stop the bench's PostgreSQL: " + e.getMessage(), e);
    }
  }

  private static void closeAfterFailure(EmbeddedPostgres postgres, Exception failure) {
    try {
      postgres.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
