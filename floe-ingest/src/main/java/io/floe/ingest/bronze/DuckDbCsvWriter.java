package io.floe.ingest.bronze;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.duckdb.StagedFiles;
import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.FileFormat;
import io.floe.ingest.spi.FileInput;
import io.floe.ingest.spi.Position;
import io.floe.ingest.spi.SourceColumn;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.ingest.spi.WriteMode;
import io.floe.spark.FloeEngine;
import io.floe.spark.sql.SparkErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast path for plain CSV appends: DuckDB's parallel CSV reader parses and types the rows and
 * writes Parquet files carrying the table's field ids; Iceberg then commits those files, with their
 * metrics and the source's position, in one append. Rejects, schema drift and exactly-once follow
 * the same rules as the Spark path, which still serves every other case (upserts, partitioned
 * tables, row hashes, encodings DuckDB does not read, source files on object stores). Tables on an
 * object store take this path too: DuckDB writes locally and the files are copied through the table's
 * FileIO before the commit.
 */
final class DuckDbCsvWriter {
  private static final Logger LOG = LoggerFactory.getLogger(DuckDbCsvWriter.class);
  private static final Set<String> ENCODINGS = Set.of("UTF-8", "ISO-8859-1");

  private final FloeEngine engine;
  private final BronzeWriter writer;

  DuckDbCsvWriter(FloeEngine engine, BronzeWriter writer) {
    this.engine = requireNonNull(engine, "engine is null");
    this.writer = requireNonNull(writer, "writer is null");
  }

  /** Whether the batch can take this path; the Spark path handles the rest. */
  static boolean applies(SourceDefinition definition, Batch batch, Table table) {
    if (!(batch.input() instanceof FileInput input) || !(input.format() instanceof FileFormat.Csv csv)) {
      return false;
    }
    return csv.header() && ENCODINGS.contains(csv.encoding()) && definition.mode() == WriteMode.APPEND
        && !definition.hash() && definition.partitionBy().isEmpty()
        && (table == null || table.spec().isUnpartitioned()) && sameHeader(input, csv);
  }

  // Also checks each header (duplicates, declared columns); an empty file takes the Spark path.
  private static boolean sameHeader(FileInput input, FileFormat.Csv csv) {
    java.util.Optional<List<String>> declared = input.schema()
        .map(columns -> columns.stream().map(SourceColumn::name).toList());
    List<String> first = FileHeaders.checkedCsvHeader(input.files().get(0), csv, declared);
    return !first.isEmpty() && input.files().stream()
        .allMatch(file -> FileHeaders.checkedCsvHeader(file, csv, declared).equals(first));
  }

  BatchResult write(SourceDefinition definition, Batch batch, Position before, long rejectsBefore,
      long rowsBefore, Table existing, Map<String, DataType> tableTypes) {
    FileInput input = (FileInput) batch.input();
    FileFormat.Csv csv = (FileFormat.Csv) input.format();
    Instant now = Instant.now();
    Path staging = definition.projectRoot().resolve(".floe/staging/" + batch.id() + "-" + UUID.randomUUID());
    try (Connection duck = sharedDuckDb()) {
      long start = System.nanoTime();
      StructType source = sourceColumns(duck, input, csv, tableTypes);
      long typed = System.nanoTime();
      TargetSchema target = TargetSchema.predict(existing, source, definition, writer.metadata());
      long written = copy(duck, input, csv, source, target, definition, batch, now, staging);
      long copied = System.nanoTime();
      List<Row> rejected = rejects(duck, source);
      long read = written + rejected.size();
      BronzeCommit.checkRejectLimit(definition, batch, rejected.size(), read, rejectsBefore, rowsBefore,
          () -> new String[] {rejected.get(0).getString(0), rejected.get(0).getString(2)});
      List<SchemaDrift.Change> changes = BronzeCommit.drift(existing, definition, source, writer.metadata());
      Table table = BronzeCommit.prepareTable(writer, definition, existing, source, changes, rejected.isEmpty() ? null
          : () -> RejectsTable.write(engine, definition, batch, now, engine.session().createDataFrame(rejected,
              REJECT_ROWS), csv.encoding()));
      target.requireMatches(table);
      long prepared = System.nanoTime();
      List<DataFile> files = dataFiles(table, staging);
      long listed = System.nanoTime();
      long snapshotId = BronzeCommit.appendFiles(table, definition, batch, before, batch.after(), files);
      LOG.debug("Source {}: committed {} rows in {} files through DuckDB: types in {} ms, read and written as"
          + " Parquet in {} ms, rejects and table in {} ms, files' metrics in {} ms, commit in {} ms",
          definition.name(), written, files.size(), millis(typed - start), millis(copied - typed),
          millis(prepared - copied), millis(listed - prepared), millis(System.nanoTime() - listed));
      return new BatchResult(read, written, rejected.size(), changes.stream().map(Object::toString).toList(),
          snapshotId, batch.after());
    } catch (SQLException e) {
      throw FloeException.user(e, "Cannot read batch %s of source '%s': %s", batch.description(),
          definition.name(), SparkErrors.firstLine(e.getMessage()));
    } finally {
      deleteQuietlyAfterFailure(staging);
    }
  }

  private static long millis(long nanos) {
    return java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  /**
   * A connection to the JVM's one in-memory DuckDB database for batches. A new database costs about
   * 20 ms to open and 100-150 ms more in its first query (measured with a CSV file's sniffing), as
   * much as appending 15,000 rows or reading 50,000 CSV lines: a paged API commits a batch every 100
   * pages, a file source one per batch of files, so each batch duplicates a connection to this
   * database instead. Its tables are named per batch and dropped by their writer; the CSV reader's
   * rejects are temporary tables, which belong to the connection.
   */
  static Connection sharedDuckDb() throws SQLException {
    synchronized (DuckDbCsvWriter.class) {
      if (shared == null) {
        shared = openDuckDb().unwrap(org.duckdb.DuckDBConnection.class);
      }
    }
    Connection duck = shared.duplicate();
    try (Statement statement = duck.createStatement()) {
      statement.execute("SET TimeZone = 'UTC'");
    } catch (SQLException e) {
      duck.close();
      throw e;
    }
    return duck;
  }

  /** A new in-memory DuckDB in UTC, with a thread per core. */
  private static Connection openDuckDb() throws SQLException {
    Connection duck = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement statement = duck.createStatement()) {
      statement.execute("SET TimeZone = 'UTC'");
      statement.execute("SET threads = " + Runtime.getRuntime().availableProcessors());
    } catch (SQLException e) {
      duck.close();
      throw e;
    }
    return duck;
  }

  /** The COPY that writes a query's rows as zstd Parquet files carrying the table's field ids, one per thread. */
  static String copyToParquet(String query, TargetSchema target, Path staging) {
    return "COPY (" + query + ") TO " + DuckDbTypes.literal(staging.toString())
        + " (FORMAT parquet, COMPRESSION zstd, PER_THREAD_OUTPUT true, FIELD_IDS "
        + target.fieldIds() + ")";
  }

  /**
   * The same COPY into one file, {@code fileName} in {@code staging}: for a small batch, where a file
   * per thread only adds files to list, read back and commit.
   */
  static String copyToOneParquetFile(String query, TargetSchema target, Path staging, String fileName) {
    return "COPY (" + query + ") TO " + DuckDbTypes.literal(staging.resolve(fileName).toString())
        + " (FORMAT parquet, COMPRESSION zstd, FIELD_IDS " + target.fieldIds() + ")";
  }

  // The database behind sharedDuckDb(): opened on first use, kept for the JVM's life.
  private static org.duckdb.DuckDBConnection shared;

  static final StructType REJECT_ROWS = new StructType()
      .add(ParsedBatch.FILE, DataTypes.StringType)
      .add(ParsedBatch.RAW, DataTypes.StringType)
      .add(ParsedBatch.REASON, DataTypes.StringType);

  // Declared types first, then the table's, then DuckDB's own sniffing of the files.
  private static StructType sourceColumns(Connection duck, FileInput input, FileFormat.Csv csv,
      Map<String, DataType> tableTypes) throws SQLException {
    List<String> names = FileHeaders.csvHeader(input.files().get(0), csv);
    Map<String, String> declared = input.schema().map(columns -> columns.stream()
        .collect(Collectors.toMap(SourceColumn::name, SourceColumn::type))).orElse(Map.of());
    Map<String, DataType> sniffed = names.stream().allMatch(n -> declared.containsKey(n) || tableTypes.containsKey(n))
        ? Map.of() : DuckDbTypes.sniff(duck, "(SELECT * FROM read_csv(" + files(input) + ", "
            + csvOptions(csv) + ", sample_size = 10000) LIMIT 10000)");
    StructType columns = new StructType();
    for (String name : names) {
      DataType type = declared.containsKey(name) ? DataType.fromDDL(declared.get(name))
          : tableTypes.containsKey(name) ? tableTypes.get(name) : sniffed.getOrDefault(name, DataTypes.StringType);
      columns = columns.add(name, type, true);
    }
    return columns;
  }

  private static long copy(Connection duck, FileInput input, FileFormat.Csv csv, StructType source,
      TargetSchema target, SourceDefinition definition, Batch batch, Instant now, Path staging) throws SQLException {
    String columns = Stream.of(source.fields())
        .map(field -> DuckDbTypes.literal(field.name()) + ": " + DuckDbTypes.literal(DuckDbTypes.of(field.dataType())))
        .collect(Collectors.joining(", ", "{", "}"));
    String read = "read_csv(" + files(input) + ", " + csvOptions(csv) + ", auto_detect = false, columns = "
        + columns + ", store_rejects = true)";
    String select = target.selectList(source, definition.name(), batch.id(), now);
    try (Statement statement = duck.createStatement()) {
      Files.createDirectories(staging.getParent());
      statement.execute(copyToParquet("SELECT " + select + " FROM " + read, target, staging));
      try (ResultSet count = statement.getResultSet()) {
        if (count != null && count.next()) {
          return count.getLong(1);
        }
      }
      return statement.getUpdateCount();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the staging directory " + staging, e);
    }
  }

  // One row per rejected line, worded as the Spark path words it: a malformed line first, else the
  // first column (in file order) whose value does not read as its type.
  private static List<Row> rejects(Connection duck, StructType source) throws SQLException {
    String sql = "SELECT s.file_path, e.line, e.csv_line, e.error_type, e.column_name, e.error_message"
        + " FROM reject_errors e JOIN reject_scans s USING (scan_id, file_id)"
        + " ORDER BY s.file_path, e.line, e.error_type = 'CAST', e.column_idx";
    Map<String, Row> byLine = new java.util.LinkedHashMap<>();
    try (Statement statement = duck.createStatement(); ResultSet result = statement.executeQuery(sql)) {
      while (result.next()) {
        String key = result.getString(1) + ":" + result.getLong(2);
        if (!byLine.containsKey(key)) {
          byLine.put(key, RowFactory.create(Path.of(result.getString(1)).toUri().toString(), result.getString(3),
              reason(result.getString(4), result.getString(5), result.getString(6), result.getString(3), source)));
        }
      }
    }
    return new ArrayList<>(byLine.values());
  }

  private static final java.util.regex.Pattern CAST_VALUE =
      java.util.regex.Pattern.compile("Could not convert string \"(.*)\" to", java.util.regex.Pattern.DOTALL);

  private static String reason(String errorType, String column, String message, String raw, StructType source) {
    if (message != null && message.contains("unterminated quote")) {
      // A quoted value may span lines (RFC 4180), so an unclosed quote takes the rest of the file:
      // say so, or the lines it took look lost.
      long lines = raw == null ? 1 : raw.lines().count();
      return lines <= 1 ? "malformed line: a quoted value is never closed"
          : "malformed line: a quoted value opened on this line is never closed, so the rest of the file (" + lines
              + " lines) was read as one record; close the quote";
    }
    if (errorType.equals("CAST") && column != null) {
      java.util.regex.Matcher value = CAST_VALUE.matcher(message);
      String type = source.apply(column).dataType().simpleString();
      return "cannot read '" + (value.find() ? value.group(1) : "?") + "' as " + type + " for column " + column;
    }
    if (errorType.equals("MISSING COLUMNS") || errorType.equals("TOO MANY COLUMNS")) {
      return "malformed line: expected " + source.size() + " fields as in the header";
    }
    return "malformed line: " + SparkErrors.firstLine(message);
  }

  /** The staged files as data files of the table ({@link StagedFiles#dataFiles}). */
  static List<DataFile> dataFiles(Table table, Path staging) {
    return StagedFiles.dataFiles(table, staging);
  }

  private static String files(FileInput input) {
    return input.files().stream().map(file -> DuckDbTypes.literal(file.toString()))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static String csvOptions(FileFormat.Csv csv) {
    return "header = true, delim = " + DuckDbTypes.literal(csv.delimiter()) + ", quote = "
        + DuckDbTypes.literal(csv.quote()) + ", escape = " + DuckDbTypes.literal(csv.escape())
        + ", encoding = " + DuckDbTypes.literal(csv.encoding().equals("UTF-8") ? "utf-8" : "latin-1")
        + ", nullstr = " + csv.nullValues().stream().map(DuckDbTypes::literal)
            .collect(Collectors.joining(", ", "[", "]"));
  }

  static void deleteQuietlyAfterFailure(Path staging) {
    StagedFiles.deleteQuietly(staging);
  }

}
