package io.floe.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.floe.cli.FloeCli;
import io.floe.core.project.Project;
import io.floe.examples.ecommerce.GeneratedData;
import io.floe.examples.ecommerce.GeneratedFile;
import io.floe.ingest.ProjectSources;
import io.floe.ingest.spi.SourceColumn;
import io.floe.ingest.spi.SourceDefinition;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The pipeline peers of benchmark 3: examples/ecommerce's models (bronze, silver, gold) run without
 * Floe over the same CSV files, by DuckDB in-process and by plain Spark SQL, each checked equal to
 * Floe's gold tables.
 *
 * <p>Both run each model's SQL as Floe compiles it ({@code floe compile}: Jinja rendered, a full
 * build), one statement after another in graph order: a model Floe makes a view is a view, the
 * others {@code CREATE TABLE ... AS}. Spark runs the SQL as it is; DuckDB runs it with the few Spark
 * functions it spells otherwise rewritten ({@link #toDuckDb}). Each first reads the CSV files with
 * the types floe.yaml declares and a load-time column, as Floe's raw tables have. Neither runs the
 * project's 80 tests, keeps run history or publishes through a branch: they are the work's floor on
 * this machine, not a replacement for the build.
 */
final class EcommercePipelinePeers {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final Pattern COMPILED_HEADER = Pattern.compile("(?m)^-- (\\S+) \\((\\S+)\\) -> (\\S+)$");
  // Columns that hold each tool's own load time: not part of what the models compute from the data.
  private static final String LOAD_TIME_SUFFIX = "ingested_at";
  // Decimal results of divisions round in each engine's own way (DuckDB divides in double).
  private static final BigDecimal TOLERANCE = new BigDecimal("0.011");

  /** A model as Floe compiles it for a full build. */
  record CompiledModel(String name, String table, boolean view, String sql) {}

  /** A raw table: the CSV file it is read from and its declared columns. */
  record RawTable(String table, Path file, List<SourceColumn> columns) {}

  private final List<RawTable> rawTables;
  private final List<CompiledModel> models;
  private final Map<String, List<List<Object>>> floeGold = new LinkedHashMap<>();

  private EcommercePipelinePeers(List<RawTable> rawTables, List<CompiledModel> models) {
    this.rawTables = rawTables;
    this.models = models;
  }

  /** The project's raw tables (on the base CSV files) and compiled models. */
  static EcommercePipelinePeers of(Path project, GeneratedData csv) throws IOException {
    List<RawTable> raw = new ArrayList<>();
    for (SourceDefinition source : ProjectSources.load(Project.load(project)).all()) {
      String table = source.target().substring(source.target().indexOf('.') + 1);
      GeneratedFile file = csv.files().stream().filter(f -> f.table().equals(table)).findFirst()
          .orElseThrow(() -> new BenchException("No generated CSV file for source " + source.name()));
      raw.add(new RawTable(source.target(), file.path(), source.schema().orElseThrow(
          () -> new BenchException("Source " + source.name() + " declares no schema: the peers read its types"))));
    }
    List<Map<String, Object>> listed = JSON.readValue(floe(project, "ls", "-o", "json"), new TypeReference<>() {});
    Map<String, String> compiled = new LinkedHashMap<>();
    String text = floe(project, "compile");
    // Each model's SQL runs from the end of its header to the start of the next header (or the end).
    Matcher header = COMPILED_HEADER.matcher(text);
    String name = null;
    int from = 0;
    while (header.find()) {
      if (name != null) {
        compiled.put(name, statement(text.substring(from, header.start())));
      }
      name = header.group(1);
      from = header.end();
    }
    if (name != null) {
      compiled.put(name, statement(text.substring(from)));
    }
    List<CompiledModel> models = new ArrayList<>();
    for (Map<String, Object> model : listed) {
      String modelName = (String) model.get("model");
      if (!compiled.containsKey(modelName)) {
        throw new BenchException("floe compile printed no SQL for model " + modelName);
      }
      models.add(new CompiledModel(modelName, (String) model.get("table"),
          "view".equals(model.get("materialized")), compiled.get(modelName)));
    }
    return new EcommercePipelinePeers(raw, models);
  }

  // One statement as floe compile prints it, without its trailing semicolon.
  private static String statement(String printed) {
    String sql = printed.strip();
    return sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql;
  }

  /** Keeps Floe's gold tables as its last build left them: what each peer's must equal. */
  void readFloeGold(Path project) throws IOException {
    floeGold.clear();
    for (String table : goldTables()) {
      List<Map<String, Object>> rows = JSON.readValue(
          floe(project, "sql", "--limit", "100000000", "-o", "json", "SELECT * FROM " + table),
          new TypeReference<>() {});
      floeGold.put(table, canonical(rows));
    }
  }

  private List<String> goldTables() {
    return models.stream().filter(m -> !m.view() && m.table().startsWith("gold.")).map(CompiledModel::table)
        .toList();
  }

  // ---- DuckDB ----

  /** Removes the DuckDB database of a previous run. */
  void resetDuckDb(Path database) throws IOException {
    Files.deleteIfExists(database);
    Files.deleteIfExists(database.resolveSibling(database.getFileName() + ".wal"));
  }

  /** Reads the CSV files into raw tables and builds every model, in a DuckDB database file. */
  void runDuckDb(Path database) throws SQLException {
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:" + database.toAbsolutePath());
        Statement statement = duck.createStatement()) {
      for (String namespace : namespaces()) {
        statement.execute("CREATE SCHEMA " + namespace);
      }
      String loadTime = "TIMESTAMP '" + DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
          Instant.now().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC).toLocalDateTime()) + "'";
      for (RawTable raw : rawTables) {
        String columns = raw.columns().stream().map(c -> quote(c.name()) + ": " + quote(c.type()))
            .collect(Collectors.joining(", ", "{", "}"));
        statement.execute("CREATE TABLE " + raw.table() + " AS SELECT *, " + loadTime + " AS _ingested_at FROM read_csv("
            + quote(raw.file().toAbsolutePath().toString()) + ", header = true, auto_detect = false, columns = "
            + columns + ")");
      }
      for (CompiledModel model : models) {
        statement.execute("CREATE " + (model.view() ? "VIEW " : "TABLE ") + model.table() + " AS "
            + toDuckDb(model.sql()));
      }
    }
  }

  /** Checks DuckDB's gold tables against Floe's. */
  void checkDuckDb(Path database) throws SQLException {
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:" + database.toAbsolutePath());
        Statement statement = duck.createStatement()) {
      for (String table : goldTables()) {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery("SELECT * FROM " + table)) {
          ResultSetMetaData meta = result.getMetaData();
          while (result.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              row.put(meta.getColumnName(i), result.getObject(i));
            }
            rows.add(row);
          }
        }
        compare("DuckDB", table, canonical(rows));
      }
    }
  }

  /**
   * The compiled Spark SQL as DuckDB spells it: the functions the e-commerce models call that
   * DuckDB names otherwise or counts otherwise (dayofweek: Spark 1-7 from Sunday, DuckDB 0-6).
   */
  static String toDuckDb(String sparkSql) {
    return sparkSql
        .replaceAll("\\bunix_timestamp\\(", "epoch(")
        .replaceAll("\\bunix_date\\(([^()]*)\\)", "($1 - DATE '1970-01-01')")
        .replaceAll("\\bdate_format\\(([^(),]*), 'EEEE'\\)", "dayname($1)")
        .replaceAll("\\bdayofweek\\(([^()]*)\\)", "(dayofweek($1) + 1)")
        .replaceAll("\\bmake_dt_interval\\(", "to_days(");
  }

  // ---- plain Spark ----

  /** Drops the tables of a previous run with their files. */
  void resetSpark(PlainSpark spark) {
    for (String namespace : namespaces()) {
      spark.sql("CREATE NAMESPACE IF NOT EXISTS " + PlainSpark.CATALOG + "." + namespace);
    }
    for (RawTable raw : rawTables) {
      spark.sql("DROP TABLE IF EXISTS " + PlainSpark.CATALOG + "." + raw.table() + " PURGE");
    }
    for (CompiledModel model : models) {
      if (!model.view()) {
        spark.sql("DROP TABLE IF EXISTS " + PlainSpark.CATALOG + "." + model.table() + " PURGE");
      }
    }
  }

  /**
   * Reads the CSV files into Iceberg tables and builds every model: a view as a temporary view (the
   * Hadoop catalog keeps no views), a table with CREATE TABLE AS.
   */
  void runSpark(PlainSpark spark) throws Exception {
    SparkSession session = spark.session();
    SparkSession.setActiveSession(session);
    session.catalog().setCurrentCatalog(PlainSpark.CATALOG);
    for (RawTable raw : rawTables) {
      String schema = raw.columns().stream().map(c -> "`" + c.name() + "` " + c.type())
          .collect(Collectors.joining(", "));
      session.read().option("header", true).schema(schema).csv(raw.file().toAbsolutePath().toString())
          .withColumn("_ingested_at", functions.current_timestamp())
          .writeTo(PlainSpark.CATALOG + "." + raw.table()).create();
    }
    Map<String, String> views = new LinkedHashMap<>();
    for (CompiledModel model : models) {
      String sql = model.sql();
      for (Map.Entry<String, String> view : views.entrySet()) {
        sql = sql.replaceAll("\\b" + Pattern.quote(view.getKey()) + "\\b", view.getValue());
      }
      if (model.view()) {
        String name = model.table().replace('.', '_');
        spark.sql("CREATE OR REPLACE TEMPORARY VIEW " + name + " AS " + sql);
        views.put(model.table(), name);
      } else {
        spark.sql("CREATE TABLE " + PlainSpark.CATALOG + "." + model.table() + " USING iceberg AS " + sql);
      }
    }
  }

  /** Checks plain Spark's gold tables against Floe's. */
  void checkSpark(PlainSpark spark) throws IOException {
    SparkSession.setActiveSession(spark.session());
    for (String table : goldTables()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (String json : spark.session().table(PlainSpark.CATALOG + "." + table).toJSON().collectAsList()) {
        rows.add(JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {}));
      }
      compare("plain Spark", table, canonical(rows));
    }
  }

  // ---- results ----

  private Set<String> namespaces() {
    Set<String> namespaces = new LinkedHashSet<>();
    rawTables.forEach(raw -> namespaces.add(raw.table().substring(0, raw.table().indexOf('.'))));
    models.forEach(model -> namespaces.add(model.table().substring(0, model.table().indexOf('.'))));
    return namespaces;
  }

  // Floe's columns in Floe's order (a missing key is NULL: Spark's JSON leaves NULLs out), rows by key.
  private List<List<Object>> canonical(List<Map<String, Object>> rows) {
    List<List<Object>> result = new ArrayList<>();
    List<String> columns = rows.isEmpty() ? List.of() : List.copyOf(rows.get(0).keySet());
    for (Map<String, Object> row : rows) {
      List<Object> values = new ArrayList<>();
      for (String column : columns) {
        if (!column.endsWith(LOAD_TIME_SUFFIX)) {
          values.add(normalize(row.get(column)));
        }
      }
      result.add(values);
    }
    result.sort(Comparator.comparing(row -> String.valueOf(row.get(0))));
    return result;
  }

  private static Object normalize(Object value) {
    if (value instanceof Number number) {
      return new BigDecimal(number.toString());
    }
    // DuckDB's TIMESTAMP has no zone: its values are UTC, as Spark's session time zone in Floe.
    if (value instanceof java.sql.Timestamp timestamp) {
      return timestamp.toLocalDateTime().toInstant(ZoneOffset.UTC);
    }
    if (value instanceof java.time.LocalDateTime timestamp) {
      return timestamp.toInstant(ZoneOffset.UTC);
    }
    if (value instanceof java.sql.Date || value instanceof java.time.LocalDate) {
      return value.toString();
    }
    if (value instanceof String text && text.length() > 19 && text.charAt(10) == 'T') {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }
    return value;
  }

  private void compare(String tool, String table, List<List<Object>> rows) {
    List<List<Object>> expected = floeGold.get(table);
    if (expected == null) {
      throw new BenchException("Floe's " + table + " was not read before " + tool + "'s was checked");
    }
    List<String> differences = new ArrayList<>();
    if (rows.size() != expected.size()) {
      differences.add(rows.size() + " rows, Floe's has " + expected.size());
    }
    for (int i = 0; i < Math.min(rows.size(), expected.size()) && differences.size() < 5; i++) {
      if (!same(rows.get(i), expected.get(i))) {
        differences.add("row " + i + ": " + rows.get(i) + ", Floe's: " + expected.get(i));
      }
    }
    if (!differences.isEmpty()) {
      throw new BenchException("Cannot trust the figure of " + tool + ": its " + table + " differs from Floe's: "
          + String.join("; ", differences));
    }
  }

  private static boolean same(List<Object> row, List<Object> expected) {
    if (row.size() != expected.size()) {
      return false;
    }
    for (int i = 0; i < row.size(); i++) {
      Object a = row.get(i);
      Object b = expected.get(i);
      if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
        if (x.subtract(y).abs().compareTo(TOLERANCE.max(y.abs().movePointLeft(12))) > 0) {
          return false;
        }
      } else if (a == null ? b != null : !a.equals(b)) {
        return false;
      }
    }
    return true;
  }

  private static String floe(Path project, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("-p", project.toString()));
    all.addAll(List.of(args));
    int exit = FloeCli.newCommandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(all.toArray(String[]::new));
    if (exit != 0) {
      throw new BenchException("floe " + String.join(" ", args) + " exited with " + exit + ": " + err);
    }
    return out.toString();
  }

  private static String quote(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
