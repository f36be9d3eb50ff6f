package io.floe.ingest.postgres;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans and reads one load of a PostgreSQL table: the whole table, or the rows past the last
 * watermark. Large tables are read in parallel primary-key ranges by Spark's JDBC reader.
 */
public final class PostgresReader {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresReader.class);
  private static final Set<String> INTEGER_TYPES = Set.of("int2", "int4", "int8");

  private final PostgresSourceConfig config;
  private final Path projectDir;

  public PostgresReader(PostgresSourceConfig config, Path projectDir) {
    this.config = requireNonNull(config, "config is null");
    this.projectDir = requireNonNull(projectDir, "projectDir is null");
  }

  /**
   * What the next load reads after {@code position} (the previous high mark, or null).
   *
   * @return empty when an incremental source has nothing past {@code position}
   * @throws FloeException external when the database cannot be reached, user for a bad table
   */
  public Optional<PostgresLoadPlan> plan(String position) {
    try (Connection connection = connect()) {
      List<PostgresColumn> columns = PostgresCatalog.columns(connection, config.table());
      String selectList =
          columns.stream()
              .map(column -> PostgresTypeMapping.selectExpression(config.table().toString(), column))
              .collect(Collectors.joining(", "));
      List<String> key =
          config.primaryKey().isEmpty()
              ? PostgresCatalog.primaryKey(connection, config.table())
              : config.primaryKey();
      String condition = "TRUE";
      String highMark = null;
      if (config.isIncremental()) {
        PostgresColumn watermark = find(columns, config.watermark());
        highMark = queryText(connection, "SELECT max(" + quote(watermark.name()) + ")::text FROM "
            + config.table().quoted());
        if (highMark == null || (position != null && !isAfter(connection, watermark, highMark, position))) {
          LOG.info("Source {}: nothing past watermark {}", config.name(), position);
          return Optional.empty();
        }
        WatermarkWindow window =
            new WatermarkWindow(
                watermark.name(), watermark.declaredType(), position, config.lookBack(), highMark);
        condition = window.condition();
      }
      String query =
          "SELECT " + selectList + " FROM " + config.table().quoted() + " WHERE " + condition;
      KeyRange range = keyRange(connection, columns, key, condition);
      return Optional.of(new PostgresLoadPlan(query, highMark, key, range));
    } catch (SQLException e) {
      throw FloeException.external(
          e,
          "Cannot read PostgreSQL table %s for source %s: %s",
          config.table(), config.name(), e.getMessage());
    }
  }

  /** The rows of {@code plan}, as a Spark Dataset read in parallel key ranges where possible. */
  public Dataset<Row> read(SparkSession session, PostgresLoadPlan plan) {
    DataFrameReader reader =
        session
            .read()
            .format("jdbc")
            .option("url", config.url().resolve(projectDir))
            .option("driver", "org.postgresql.Driver")
            .option("dbtable", "(" + plan.query() + ") AS floe_source")
            .option("fetchsize", String.valueOf(config.fetchSize()))
            .option("sessionInitStatement", "SET TIME ZONE 'UTC'");
    if (config.user() != null) {
      reader.option("user", config.user().resolve(projectDir));
    }
    if (config.password() != null) {
      reader.option("password", config.password().resolve(projectDir));
    }
    KeyRange range = plan.keyRange();
    if (range != null && config.parallelism() > 1 && range.max() > range.min()) {
      reader
          .option("partitionColumn", range.column())
          .option("lowerBound", String.valueOf(range.min()))
          .option("upperBound", String.valueOf(range.max() + 1))
          .option("numPartitions", String.valueOf(config.parallelism()));
    }
    return reader.load();
  }

  private Connection connect() {
    Properties properties = new Properties();
    if (config.user() != null) {
      properties.setProperty("user", config.user().resolve(projectDir));
    }
    if (config.password() != null) {
      properties.setProperty("password", config.password().resolve(projectDir));
    }
    try {
      Connection connection = DriverManager.getConnection(config.url().resolve(projectDir), properties);
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET TIME ZONE 'UTC'");
      }
      return connection;
    } catch (SQLException e) {
      // The driver's message names host and user, never the password.
      throw FloeException.external(
          e, "Cannot connect to PostgreSQL for source %s: %s", config.name(), e.getMessage());
    }
  }

  private KeyRange keyRange(
      Connection connection, List<PostgresColumn> columns, List<String> key, String condition)
      throws SQLException {
    if (key.size() != 1 || !INTEGER_TYPES.contains(find(columns, key.get(0)).typeName())) {
      return null;
    }
    String column = key.get(0);
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT min(" + quote(column) + "), max(" + quote(column) + ") FROM "
                    + config.table().quoted() + " WHERE " + condition)) {
      rows.next();
      long min = rows.getLong(1);
      return rows.wasNull() ? null : new KeyRange(column, min, rows.getLong(2));
    }
  }

  private PostgresColumn find(List<PostgresColumn> columns, String name) {
    return columns.stream()
        .filter(column -> column.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                FloeException.user(
                    "Cannot read source %s: table %s has no column '%s'. Its columns: %s.",
                    config.name(), config.table(), name,
                    columns.stream().map(PostgresColumn::name).collect(Collectors.joining(", "))));
  }

  private static boolean isAfter(
      Connection connection, PostgresColumn column, String candidate, String position)
      throws SQLException {
    String type = column.declaredType();
    return "true".equals(queryText(connection,
        "SELECT (" + literal(candidate, type) + " > " + literal(position, type) + ")::text"));
  }

  private static String literal(String value, String type) {
    return "'" + value.replace("'", "''") + "'::" + type;
  }

  private static String queryText(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    }
  }

  private static String quote(String identifier) {
    return PostgresTypeMapping.quote(identifier);
  }

  /** An integer key column and its bounds in the window: how Spark splits the read. */
  public record KeyRange(String column, long min, long max) {}
}
