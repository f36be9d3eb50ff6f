package io.floe.bench;

import io.floe.core.project.Project;
import io.floe.examples.ecommerce.GeneratedFile;
import io.floe.ingest.Ingestion;
import io.floe.ingest.ProjectSources;
import io.floe.ingest.SourceRun;
import io.floe.ingest.spi.SourceConnector;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.spark.FloeEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * FLOE'S ROWS: Floe's own ingest, measured like its peers. Each run starts from empty bronze tables
 * (dropped with their files, untimed) and runs every source of a project through {@link Ingestion}:
 * plan, read, write, commit rows and position in one Iceberg snapshot per batch.
 *
 * <p>The PostgreSQL row needs a connector of type {@code postgres} on the class path (the
 * floe-ingest-postgres module); without one the row says so instead of a figure.
 */
final class FloeIngestBenchmark {
  static final String POSTGRES_TYPE = "postgres";

  private FloeIngestBenchmark() {}

  /** Whether a connector for PostgreSQL sources is on the class path. */
  static boolean postgresConnectorAvailable() {
    for (SourceConnector connector : ServiceLoader.load(SourceConnector.class)) {
      if (connector.types().contains(POSTGRES_TYPE)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A Floe project in {@code projectDir} whose sources are the CSV files (which must lie inside it),
   * one source per file, each into {@code bronze.<table>}.
   */
  static Project csvProject(Path projectDir, List<GeneratedFile> files) throws IOException {
    StringBuilder yaml = new StringBuilder("name: bench_csv\nsources:\n");
    for (GeneratedFile file : files) {
      yaml.append("  ").append(file.table()).append(":\n")
          .append("    type: csv\n")
          .append("    path: ").append(projectDir.toAbsolutePath().relativize(file.path().toAbsolutePath())).append('\n');
    }
    return writeProject(projectDir, yaml.toString());
  }

  /**
   * A Floe project in {@code projectDir} with a PostgreSQL source into bronze.readings, appending by its
   * increasing id as the meter example does (from an empty table, a run reads the whole table), and the
   * same of {@code warmUpTable} into bronze.warm_up.
   */
  static Project postgresProject(Path projectDir, String jdbcUrl, String user, String table, String warmUpTable,
      String idColumn) throws IOException {
    String connection = "    type: " + POSTGRES_TYPE + "\n"
        + "    url: " + jdbcUrl + "\n"
        + "    user: " + user + "\n"
        + "    watermark: " + idColumn + "\n";
    return writeProject(projectDir, "name: bench_postgres\nsources:\n"
        + "  readings:\n" + connection + "    table: " + table + "\n"
        + "  warm_up:\n" + connection + "    table: " + warmUpTable + "\n");
  }

  /** Drops every bronze table of the project (with its files), so that the next run loads from the start. */
  static void dropBronzeTables(FloeEngine engine) {
    for (TableIdentifier table : engine.tables()) {
      if (table.namespace().toString().equals("bronze")) {
        engine.sql("DROP TABLE IF EXISTS " + table + " PURGE", 0);
      }
    }
  }

  /** Ingests the named sources of the project (all when none are named); returns what each did. */
  static List<SourceRun> ingest(FloeEngine engine, String... names) {
    ProjectSources sources = ProjectSources.load(engine.project());
    Ingestion ingestion = new Ingestion(engine, sources);
    return sources.select(List.of(names)).stream()
        .map((SourceDefinition source) -> ingestion.run(source,
            (definition, batch, result, done, total, bytes, bytesTotal, elapsed) -> { }))
        .toList();
  }

  /**
   * Checks the runs' own summaries and the tables themselves: {@code expectedRows} rows written, no
   * rejects, and each table holding the rows its run reports.
   *
   * @throws BenchException if any of these differ
   */
  static void checkRows(FloeEngine engine, String what, List<SourceRun> runs, long expectedRows) {
    long rejects = runs.stream().mapToLong(SourceRun::rejects).sum();
    if (rejects > 0) {
      throw new BenchException("Cannot trust the figure of " + what + ": it rejected " + rejects + " rows");
    }
    BenchChecks.rows(what, runs.stream().mapToLong(SourceRun::rowsWritten).sum(), expectedRows);
    for (SourceRun run : runs) {
      BenchChecks.rows("Floe's " + run.table(), count(engine, run.table()), run.rowsWritten());
    }
  }

  /** The rows of one of Floe's tables. */
  static long count(FloeEngine engine, String table) {
    return ((Number) engine.sql("SELECT count(*) FROM " + table, 1).rows().get(0).get(0)).longValue();
  }

  private static Project writeProject(Path projectDir, String yaml) throws IOException {
    Files.createDirectories(projectDir);
    Files.writeString(projectDir.resolve(Project.CONFIG_FILE), yaml);
    return Project.load(projectDir);
  }
}
