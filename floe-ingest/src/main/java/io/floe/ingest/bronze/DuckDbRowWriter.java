package io.floe.ingest.bronze;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.Position;
import io.floe.ingest.spi.RejectedRow;
import io.floe.ingest.spi.RowInput;
import io.floe.ingest.spi.RowStream;
import io.floe.ingest.spi.SourceColumn;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.ingest.spi.WriteMode;
import io.floe.spark.FloeEngine;
import io.floe.spark.sql.SparkErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast path for a connector's rows (an HTTP API's records, an audit table's events) appended to
 * an unpartitioned local table: the rows go into an in-memory DuckDB table through its appender,
 * and DuckDB writes Parquet files that carry the table's field ids; Iceberg then commits them with
 * the source's position, as the CSV fast path does. It skips Spark's row conversion and writer,
 * which cost most of a row batch's time. Nested columns, upserts, row hashes and partitioned tables
 * take the Spark path.
 */
final class DuckDbRowWriter {
  private static final Logger LOG = LoggerFactory.getLogger(DuckDbRowWriter.class);

  /**
   * Rows staged in DuckDB before a Parquet file is written of them: a batch with more (one large
   * source transaction is one batch) becomes several files, so its memory stays that of this many rows.
   */
  static final long ROWS_PER_FILE = 500_000;

  private static final java.util.concurrent.atomic.AtomicLong TABLES = new java.util.concurrent.atomic.AtomicLong();

  private final FloeEngine engine;
  private final BronzeWriter writer;
  private final long rowsPerFile;

  DuckDbRowWriter(FloeEngine engine, BronzeWriter writer) {
    this(engine, writer, ROWS_PER_FILE);
  }

  DuckDbRowWriter(FloeEngine engine, BronzeWriter writer, long rowsPerFile) {
    this.engine = requireNonNull(engine, "engine is null");
    this.writer = requireNonNull(writer, "writer is null");
    this.rowsPerFile = rowsPerFile;
  }

  /** Whether the batch can take this path; the Spark path handles the rest. */
  static boolean applies(SourceDefinition definition, Batch batch, Table table) {
    if (!(batch.input() instanceof RowInput input)) {
      return false;
    }
    List<SourceColumn> columns = input.columns();
    boolean flat = !columns.isEmpty() && columns.stream().noneMatch(column -> column.type().contains("<"));
    return flat && definition.mode() == WriteMode.APPEND && !definition.hash() && definition.partitionBy().isEmpty()
        && (table == null || table.spec().isUnpartitioned());
  }

  BatchResult write(SourceDefinition definition, Batch batch, Position before, long rejectsBefore,
      long rowsBefore, Table existing) {
    RowInput input = (RowInput) batch.input();
    StructType source = new StructType();
    for (SourceColumn column : input.columns()) {
      source = source.add(column.name(), DataType.fromDDL(column.type()), true);
    }
    Instant now = Instant.now();
    Path staging = definition.projectRoot().resolve(".floe/staging/" + batch.id() + "-" + UUID.randomUUID());
    try (Connection duck = DuckDbCsvWriter.sharedDuckDb()) {
      Staged staged = stage(duck, input, source, existing, definition, batch, now, staging);
      long written = staged.written();
      List<RejectedRow> rejected = staged.rejected();
      TargetSchema target = staged.target();
      long read = written + rejected.size();
      BronzeCommit.checkRejectLimit(definition, batch, rejected.size(), read, rejectsBefore, rowsBefore,
          () -> new String[] {rejected.get(0).where(), rejected.get(0).reason()});
      List<SchemaDrift.Change> changes = BronzeCommit.drift(existing, definition, source, writer.metadata());
      Table table = BronzeCommit.prepareTable(writer, definition, existing, source, changes, rejected.isEmpty() ? null
          : () -> RejectsTable.write(engine, definition, batch, now, engine.session().createDataFrame(
              rejectRows(rejected), DuckDbCsvWriter.REJECT_ROWS), "UTF-8"));
      target.requireMatches(table);
      List<DataFile> files = DuckDbCsvWriter.dataFiles(table, staging);
      Position after = staged.end().orElse(batch.after());
      long snapshotId = BronzeCommit.appendFiles(table, definition, batch, before, after, files);
      LOG.debug("Source {}: committed {} rows in {} files through DuckDB", definition.name(), written, files.size());
      return new BatchResult(read, written, rejected.size(), changes.stream().map(Object::toString).toList(),
          snapshotId, after);
    } catch (SQLException e) {
      throw FloeException.internal(e, "Cannot stage batch %s of source '%s': %s", batch.description(),
          definition.name(), SparkErrors.firstLine(e.getMessage()));
    } finally {
      DuckDbCsvWriter.deleteQuietlyAfterFailure(staging);
    }
  }

  /** A batch's rows as Parquet files in staging, and what reading them found. */
  private record Staged(long written, List<RejectedRow> rejected, Optional<Position> end, TargetSchema target) {}

  // Rows -> a table of the shared DuckDB database (its appender) -> a Parquet file every rowsPerFile
  // rows and one for the rest; the table is emptied after each file and dropped at the end.
  private Staged stage(Connection duck, RowInput input, StructType source, Table existing,
      SourceDefinition definition, Batch batch, Instant now, Path staging) throws SQLException {
    String rowsTable = "batch_rows_" + TABLES.incrementAndGet();
    TargetSchema target = TargetSchema.predict(existing, source, definition, writer.metadata());
    String select = "SELECT " + target.selectList(source, definition.name(), batch.id(), now) + " FROM " + rowsTable;
    try {
      createRowsTable(duck, rowsTable, source);
      long written = 0;
      int files = 0;
      long started = System.nanoTime();
      long copying = 0;
      List<RejectedRow> rejected;
      Optional<Position> end;
      try (RowStream rows = input.open()) {
        DuckDBAppender appender = appender(duck, rowsTable);
        try {
          while (rows.hasNext()) {
            Object[] row = rows.next();
            appender.beginRow();
            for (Object value : row) {
              append(appender, value);
            }
            appender.endRow();
            written++;
            if (written % rowsPerFile == 0) {
              appender.close();
              copying += copy(duck, select, target, staging, files++);
              createRowsTable(duck, rowsTable, source);
              appender = appender(duck, rowsTable);
            }
          }
        } finally {
          appender.close();
        }
        end = rows.endPosition();
        rejected = rows.rejected();
      }
      if (written == 0 || written % rowsPerFile != 0) {
        copying += copy(duck, select, target, staging, files);
      }
      LOG.debug("Source {}: {} rows read and appended in {} ms, written as Parquet in {} ms", definition.name(),
          written, (System.nanoTime() - started - copying) / 1_000_000, copying / 1_000_000);
      return new Staged(written, rejected, end, target);
    } finally {
      dropQuietly(duck, rowsTable);
    }
  }

  // A new, empty table of the batch's columns (replacing the one whose rows are written).
  private static void createRowsTable(Connection duck, String rowsTable, StructType source) throws SQLException {
    try (Statement statement = duck.createStatement()) {
      statement.execute("CREATE OR REPLACE TABLE " + rowsTable + " (" + java.util.Arrays.stream(source.fields())
          .map(field -> DuckDbTypes.identifier(field.name()) + " " + DuckDbTypes.of(field.dataType()))
          .collect(Collectors.joining(", ")) + ")");
    }
  }

  private static DuckDBAppender appender(Connection duck, String rowsTable) throws SQLException {
    return duck.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA, rowsTable);
  }

  // The Java types of SourceColumn, as the appender takes them; an Instant as microseconds (TIMESTAMPTZ).
  private static void append(DuckDBAppender appender, Object value) throws SQLException {
    if (value == null) {
      appender.appendNull();
    } else if (value instanceof String text) {
      appender.append(text);
    } else if (value instanceof Long number) {
      appender.append(number.longValue());
    } else if (value instanceof Double number) {
      appender.append(number.doubleValue());
    } else if (value instanceof Instant instant) {
      appender.appendEpochMicros(Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
          instant.getNano() / 1_000));
    } else if (value instanceof Integer number) {
      appender.append(number.intValue());
    } else if (value instanceof Boolean bool) {
      appender.append(bool.booleanValue());
    } else if (value instanceof BigDecimal decimal) {
      appender.append(decimal);
    } else if (value instanceof Float number) {
      appender.append(number.floatValue());
    } else if (value instanceof LocalDate date) {
      appender.append(date);
    } else if (value instanceof LocalDateTime time) {
      appender.append(time);
    } else if (value instanceof byte[] bytes) {
      appender.append(bytes);
    } else {
      throw new IllegalStateException("Invalid row value from connector: " + value.getClass().getName()
          + " is none of the types SourceColumn names");
    }
  }

  // Up to rowsPerFile rows: one file (rows-N.parquet), written by one thread; returns the nanoseconds it took.
  private static long copy(Connection duck, String query, TargetSchema target, Path staging, int number)
      throws SQLException {
    long start = System.nanoTime();
    try (Statement statement = duck.createStatement()) {
      Files.createDirectories(staging);
      statement.execute(DuckDbCsvWriter.copyToOneParquetFile(query, target, staging, "rows-" + number + ".parquet"));
      return System.nanoTime() - start;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the staging directory " + staging, e);
    }
  }

  // The batch's rows leave the shared database once they are Parquet (or the write failed).
  private static void dropQuietly(Connection duck, String rowsTable) {
    try (Statement statement = duck.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS " + rowsTable);
    } catch (SQLException e) {
      LOG.warn("Cannot drop DuckDB table {} of a batch: {}", rowsTable, e.getMessage());
    }
  }

  private static List<Row> rejectRows(List<RejectedRow> rejected) {
    List<Row> rows = new ArrayList<>(rejected.size());
    rejected.forEach(reject -> rows.add(RowFactory.create(reject.where(), reject.raw(), reject.reason())));
    return rows;
  }
}
