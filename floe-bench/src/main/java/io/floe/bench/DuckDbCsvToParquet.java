package io.floe.bench;

import io.floe.examples.ecommerce.GeneratedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * DuckDB in-process (its JDBC driver): {@code COPY (SELECT * FROM read_csv(...)) TO '....parquet'
 * (FORMAT parquet, COMPRESSION zstd)} for each file, with DuckDB's own type detection.
 */
final class DuckDbCsvToParquet {
  private final Path outputDir;

  DuckDbCsvToParquet(Path outputDir) {
    this.outputDir = outputDir;
  }

  /** Deletes the previous run's files. */
  void clean() throws IOException {
    BenchFiles.deleteRecursively(outputDir);
    Files.createDirectories(outputDir);
  }

  void convert(List<GeneratedFile> files) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      for (GeneratedFile file : files) {
        statement.execute("COPY (SELECT * FROM read_csv(" + literal(file.path()) + ", header = true)) TO "
            + literal(parquetOf(file)) + " (FORMAT parquet, COMPRESSION zstd)");
      }
    }
  }

  /** Checks that each Parquet file holds its CSV file's rows. */
  void check(List<GeneratedFile> files) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      for (GeneratedFile file : files) {
        try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM read_parquet(" + literal(parquetOf(file))
            + ")")) {
          rows.next();
          BenchChecks.rows("DuckDB's " + parquetOf(file).getFileName(), rows.getLong(1), file.rows());
        }
      }
    }
  }

  private Path parquetOf(GeneratedFile file) {
    return outputDir.resolve(file.table() + ".parquet");
  }

  private static String literal(Path path) {
    return "'" + path.toAbsolutePath().toString().replace("'", "''") + "'";
  }
}
