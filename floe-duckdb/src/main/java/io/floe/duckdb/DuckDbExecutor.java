package io.floe.duckdb;

import io.floe.core.project.Locations;
import io.floe.spark.FloeEngine;
import io.floe.spark.local.CompileOnly;
import io.floe.spark.local.LocalExecutor;
import io.floe.spark.local.LocalQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DuckDB runs a query in this process when {@link PlanSql} can translate Spark's plan of it: a
 * model's SELECT, whose rows become Parquet files carrying the target's field ids, or a data test's
 * count, whose rows are collected. The tables it reads are read from the Parquet files of the
 * snapshots Spark planned with, by Iceberg field id, without the rows their position delete files
 * delete. Spark still parses, analyzes and optimizes the SQL and prepares the table; only the
 * execution moves, which on one machine is where Spark's time goes (its generated code is compiled
 * afresh in every JVM).
 *
 * <p>Declines, so that Spark runs the query, when the plan has a step or function it does not
 * translate, a table read has equality deletes or deletion vectors, a read takes an identity
 * partition column, the target is partitioned by a transform DuckDB does not compute (or merged
 * into while partitioned), ordered, has NOT NULL columns or is not on the local disk, or DuckDB
 * fails (including the errors the SQL raises where Spark's result could differ).
 */
public final class DuckDbExecutor implements LocalExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(DuckDbExecutor.class);
  private static final long MEMORY_LIMIT_MB = Math.max(512, ((com.sun.management.OperatingSystemMXBean)
      java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize() / 4 / (1024 * 1024));
  // Where the database spills what its memory limit does not hold: one directory per JVM, removed at exit.
  private static final Path SPILL = Path.of(System.getProperty("java.io.tmpdir"),
      "floe-duckdb-spill-" + ProcessHandle.current().pid());

  // The database behind open(): opened on first use, kept for the JVM's life.
  private static org.duckdb.DuckDBConnection database;

  @Override
  public Optional<List<DataFile>> write(FloeEngine engine, Dataset<Row> rows, Table table, String description) {
    return write(engine, () -> prepare(rows, description), table, description);
  }

  private Optional<List<DataFile>> write(FloeEngine engine, java.util.function.Supplier<Optional<Prepared>> prepare,
      Table table, String description) {
    Optional<List<String>> partitions = partitionValues(table.spec(), table.schema());
    Optional<String> layout = partitions.isEmpty() ? Optional.of("the table is partitioned by "
        + table.spec().fields() + ", not by identity, day or hour of a number, date or timestamp")
        : unsupportedLayout(table, true);
    if (layout.isPresent()) {
      LOG.info("{}: Spark writes it ({})", description, layout.get());
      return Optional.empty();
    }
    long start = System.nanoTime();
    Optional<Prepared> prepared = prepare.get();
    if (prepared.isEmpty()) {
      return Optional.empty();
    }
    Path staging = engine.project().stateDir().resolve("staging").resolve("duckdb-" + UUID.randomUUID());
    try (Connection duck = open(engine, prepared.get());
        Statement statement = RunningStatements.track(engine, duck.createStatement(), description)) {
      statement.execute("SET SESSION preserve_insertion_order = false");
      Files.createDirectories(staging);
      LOG.debug("{}: open at {} ms", description, (System.nanoTime() - start) / 1_000_000);
      // A partitioned table's rows go to a directory per partition (floe_p0=<value>/...), its value the
      // text Iceberg reads a partition path with; the partition columns are not written into the files.
      String select = prepared.get().sql();
      String split = "PER_THREAD_OUTPUT true";
      if (!partitions.get().isEmpty()) {
        List<String> values = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < partitions.get().size(); i++) {
          values.add(partitions.get().get(i) + " AS floe_p" + i);
          names.add("floe_p" + i);
        }
        select = "SELECT *, " + String.join(", ", values) + " FROM (" + select + ")";
        split = "PARTITION_BY (" + String.join(", ", names) + ")";
      }
      statement.execute("COPY (" + select + ") TO " + text(staging.resolve("out").toString())
          + " (FORMAT parquet, COMPRESSION " + compression(table) + ", " + split + ", FIELD_IDS "
          + fieldIds(table) + ")");
      LOG.debug("{}: written at {} ms", description, (System.nanoTime() - start) / 1_000_000);
      List<DataFile> files = StagedFiles.dataFiles(table, staging.resolve("out"));
      LOG.info("{}: DuckDB ran its SELECT in {} ms ({} files)", description, (System.nanoTime() - start) / 1_000_000,
          files.size());
      return Optional.of(files);
    } catch (SQLException e) {
      return declined(engine, description, prepared.get(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the staging directory " + staging, e);
    } finally {
      StagedFiles.deleteQuietly(staging);
    }
  }

  @Override
  public Optional<List<List<Object>>> collect(FloeEngine engine, Dataset<Row> rows, int maxRows, String description) {
    return collect(engine, () -> prepare(rows, description), maxRows, description);
  }

  private Optional<List<List<Object>>> collect(FloeEngine engine, java.util.function.Supplier<Optional<Prepared>> prepare,
      int maxRows, String description) {
    long start = System.nanoTime();
    Optional<Prepared> prepared = prepare.get();
    if (prepared.isEmpty()) {
      return Optional.empty();
    }
    List<DataType> types = new ArrayList<>();
    for (org.apache.spark.sql.types.StructField field : prepared.get().schema().fields()) {
      if (!JavaValues.converts(field.dataType())) {
        LOG.debug("{}: Spark runs it (its column {} is {})", description, field.name(), field.dataType());
        return Optional.empty();
      }
      types.add(field.dataType());
    }
    try (Connection duck = open(engine, prepared.get());
        Statement statement = RunningStatements.track(engine, duck.createStatement(), description);
        ResultSet result = statement.executeQuery("SELECT * FROM (" + prepared.get().sql() + ") LIMIT "
            + ((long) maxRows + 1))) {
      List<List<Object>> collected = new ArrayList<>();
      while (result.next()) {
        List<Object> row = new ArrayList<>(types.size());
        for (int i = 0; i < types.size(); i++) {
          row.add(JavaValues.read(result, i + 1, types.get(i)));
        }
        collected.add(row);
      }
      LOG.debug("{}: DuckDB ran it in {} ms", description, (System.nanoTime() - start) / 1_000_000);
      return Optional.of(collected);
    } catch (SQLException e) {
      return declined(engine, description, prepared.get(), e);
    }
  }

  /**
   * A MERGE in DuckDB, the Spark path's steps (see IncrementalMergeMaterialization) in one
   * database: the new rows are numbered; a hash join with the table's rows finds the rows whose key
   * the table holds, where each lies (file, position) and whether it is identical; the changes are
   * the new rows not identical to the table's and the deletes of keys it holds. The changes' rows are
   * written to files of their own; the table's rows they replace are left out of a copy of each file
   * holding one (copy-on-write) or listed in a position delete file (merge-on-read, format version
   * 2). Declines when a row of the table meets two changes, which Spark's MERGE refuses with its error.
   */
  @Override
  public Optional<MergeFiles> merge(FloeEngine engine, Dataset<Row> rows, Table table, long snapshotId,
      List<String> keys, String deleteFlag, String description) {
    return merge(engine, () -> prepare(rows, description), table, snapshotId, keys, deleteFlag, description);
  }

  @Override
  public Optional<MergeFiles> merge(FloeEngine engine, LocalQuery rows, Table table, long snapshotId,
      List<String> keys, String deleteFlag, String description) {
    return merge(engine, () -> prepare(engine, rows, description), table, snapshotId, keys, deleteFlag, description);
  }

  private Optional<MergeFiles> merge(FloeEngine engine, java.util.function.Supplier<Optional<Prepared>> prepare,
      Table table, long snapshotId, List<String> keys, String deleteFlag, String description) {
    Optional<String> layout = unsupportedLayout(table, false);
    String mode = table.properties().getOrDefault("write.merge.mode", "copy-on-write");
    boolean positionDeletes = mode.equals("merge-on-read");
    if (layout.isEmpty() && !positionDeletes && !mode.equals("copy-on-write")) {
      layout = Optional.of("the table's merge mode is " + mode);
    }
    if (layout.isEmpty() && positionDeletes && org.apache.iceberg.TableUtil.formatVersion(table) != 2) {
      layout = Optional.of("the table is merge-on-read in format version " + org.apache.iceberg.TableUtil
          .formatVersion(table) + ", whose deletes are not position delete files");
    }
    if (layout.isPresent()) {
      LOG.info("{}: Spark merges it ({})", description, layout.get());
      return Optional.empty();
    }
    long start = System.nanoTime();
    Optional<Prepared> prepared = prepare.get();
    if (prepared.isEmpty()) {
      return Optional.empty();
    }
    List<LocalFile> tableFiles;
    try {
      // Copy-on-write rewrites the files it meets from their rows; with delete files on them that rewrite
      // would have to drop the delete files too, so Spark merges. Merge-on-read only adds deletes.
      tableFiles = localParquetFiles(table, table.newScan().useSnapshot(snapshotId).includeColumnStats(),
          positionDeletes);
    } catch (PlanSql.Unsupported e) {
      LOG.info("{}: Spark merges it ({})", description, e.getMessage());
      return Optional.empty();
    }
    if (tableFiles.isEmpty()) {
      LOG.info("{}: Spark merges it (the table has no data file)", description);
      return Optional.empty();
    }
    List<String> columns = new ArrayList<>();
    List<String> schema = new ArrayList<>();
    List<String> keySchema = new ArrayList<>();
    org.apache.spark.sql.types.StructField[] fields = prepared.get().schema().fields();
    try {
      for (int i = 0; i < table.schema().columns().size(); i++) {
        Types.NestedField field = table.schema().columns().get(i);
        columns.add(PlanSql.identifier(field.name()));
        String read = field.fieldId() + ": {name: " + text(field.name()) + ", type: "
            + text(PlanSql.type(fields[i].dataType())) + ", default_value: NULL}";
        schema.add(read);
        if (keys.contains(field.name())) {
          keySchema.add(read);
        }
      }
      if (keySchema.size() != keys.size()) {
        throw new PlanSql.Unsupported("the unique key " + keys + ", not all of them columns of the table");
      }
    } catch (PlanSql.Unsupported e) {
      LOG.info("{}: Spark merges it (DuckDB would not give Spark's exact result for {})", description, e.getMessage());
      return Optional.empty();
    }
    String flag = PlanSql.identifier(deleteFlag);
    String identical = columns.stream().map(c -> "t." + c + " IS NOT DISTINCT FROM s." + c)
        .collect(Collectors.joining(" AND "));
    String keyMatch = keys.stream().map(PlanSql::identifier).map(k -> "t." + k + " = s." + k)
        .collect(Collectors.joining(" AND "));
    String copyOptions = " (FORMAT parquet, COMPRESSION " + compression(table) + ", PER_THREAD_OUTPUT true,"
        + " FIELD_IDS " + fieldIds(table) + ")";
    Path staging = engine.project().stateDir().resolve("staging").resolve("duckdb-" + UUID.randomUUID());
    List<DataFile> moved = new ArrayList<>();
    List<DeleteFile> movedDeletes = new ArrayList<>();
    try (Connection duck = open(engine, prepared.get());
        Statement statement = RunningStatements.track(engine, duck.createStatement(), description)) {
      statement.execute("SET SESSION preserve_insertion_order = false");
      Files.createDirectories(staging);
      LOG.debug("{}: open at {} ms", description, (System.nanoTime() - start) / 1_000_000);
      statement.execute("CREATE TEMP TABLE floe_new AS SELECT *, row_number() OVER () AS floe_row FROM ("
          + prepared.get().sql() + ")");
      LOG.debug("{}: new rows at {} ms", description, (System.nanoTime() - start) / 1_000_000);
      // The table's rows whose key a new row has, found reading the key columns only; then, from the
      // files holding them, whether each is identical to the new row.
      List<Long> keyFiles = filesWithNewKeys(statement, table, tableFiles, keys);
      if (keyFiles.isEmpty()) {
        statement.execute("CREATE TEMP TABLE floe_keys (floe_row BIGINT, floe_file BIGINT, floe_pos BIGINT)");
      } else {
        statement.execute("CREATE TEMP TABLE floe_keys AS SELECT s.floe_row, t.floe_file,"
            + " t.file_row_number AS floe_pos FROM " + tableRows(tableFiles, keyFiles, keySchema)
            + " t JOIN floe_new s ON " + keyMatch);
      }
      LOG.debug("{}: {} of {} files can hold a new row's key", description, keyFiles.size(), tableFiles.size());
      LOG.debug("{}: keys at {} ms", description, (System.nanoTime() - start) / 1_000_000);
      List<Long> metFiles = longs(statement, "SELECT DISTINCT floe_file FROM floe_keys ORDER BY 1");
      if (metFiles.isEmpty()) {
        statement.execute("CREATE TEMP TABLE floe_met AS SELECT *, true AS floe_identical FROM floe_keys");
      } else if (!positionDeletes) {
        // Copy-on-write rewrites the files met from their rows read here, so they are read once.
        statement.execute("CREATE TEMP TABLE floe_old AS SELECT * FROM " + tableRows(tableFiles, metFiles, schema));
        statement.execute("CREATE TEMP TABLE floe_met AS SELECT k.floe_row, k.floe_file, k.floe_pos, " + identical
            + " AS floe_identical FROM floe_keys k JOIN floe_new s ON s.floe_row = k.floe_row JOIN floe_old t"
            + " ON t.floe_file = k.floe_file AND t.file_row_number = k.floe_pos");
      } else {
        compareInTwoPasses(statement, tableFiles, metFiles, table, keys, schema, flag);
      }
      LOG.debug("{}: identical at {} ms", description, (System.nanoTime() - start) / 1_000_000);
      statement.execute("CREATE TEMP TABLE floe_changes AS SELECT * FROM floe_new WHERE NOT " + flag
          + " AND floe_row NOT IN (SELECT floe_row FROM floe_met WHERE floe_identical)"
          + " UNION ALL SELECT * FROM floe_new WHERE " + flag + " AND floe_row IN (SELECT floe_row FROM floe_met)");
      statement.execute("CREATE TEMP TABLE floe_hit AS SELECT floe_file, floe_pos, count(*) AS changes FROM floe_met"
          + " WHERE floe_row IN (SELECT floe_row FROM floe_changes) GROUP BY floe_file, floe_pos");
      if (count(statement, "SELECT count(*) FROM floe_hit WHERE changes > 1") > 0) {
        LOG.info("{}: Spark merges it (a row of the table meets two new rows)", description);
        return Optional.empty();
      }
      if (count(statement, "SELECT count(*) FROM floe_changes") == 0) {
        LOG.info("{}: DuckDB found every new row identical to the table's in {} ms", description,
            (System.nanoTime() - start) / 1_000_000);
        return Optional.of(new MergeFiles(List.of(), List.of(), List.of(), List.of()));
      }
      LOG.debug("{}: changes at {} ms", description, (System.nanoTime() - start) / 1_000_000);
      // An update replaces every row of the table it meets (a key the table holds twice stays twice),
      // as Spark's MERGE does; a new key is inserted once.
      statement.execute("COPY (SELECT " + columns.stream().map(c -> "c." + c).collect(Collectors.joining(", "))
          + " FROM floe_changes c JOIN floe_met m ON m.floe_row = c.floe_row WHERE NOT c." + flag
          + " UNION ALL SELECT " + String.join(", ", columns) + " FROM floe_changes WHERE NOT " + flag
          + " AND floe_row NOT IN (SELECT floe_row FROM floe_met)) TO " + text(staging.resolve("written").toString())
          + copyOptions);
      LOG.debug("{}: written at {} ms", description, (System.nanoTime() - start) / 1_000_000);
      List<Long> hitFiles = longs(statement, "SELECT DISTINCT floe_file FROM floe_hit ORDER BY 1");
      List<DeleteFile> deletes = new ArrayList<>();
      if (!hitFiles.isEmpty() && positionDeletes) {
        // One position delete file, sorted by file and position as the spec requires, naming each
        // data file by the location its manifest records.
        statement.execute("SET SESSION preserve_insertion_order = true");
        statement.execute("CREATE TEMP TABLE floe_paths (floe_file BIGINT, file_path VARCHAR)");
        try (java.sql.PreparedStatement insert = duck.prepareStatement("INSERT INTO floe_paths VALUES (?, ?)")) {
          for (long file : hitFiles) {
            insert.setLong(1, file);
            insert.setString(2, tableFiles.get((int) file).file().location());
            insert.addBatch();
          }
          insert.executeBatch();
        }
        statement.execute("COPY (SELECT p.file_path, h.floe_pos AS pos FROM floe_hit h JOIN floe_paths p"
            + " ON p.floe_file = h.floe_file ORDER BY p.file_path, h.floe_pos) TO "
            + text(staging.resolve("deletes.parquet").toString()) + " (FORMAT parquet, COMPRESSION "
            + compression(table) + ", FIELD_IDS {file_path: " + MetadataColumns.DELETE_FILE_PATH.fieldId()
            + ", pos: " + MetadataColumns.DELETE_FILE_POS.fieldId() + "})");
      } else if (!hitFiles.isEmpty()) {
        statement.execute("COPY (SELECT " + columns.stream().map(c -> "t." + c).collect(Collectors.joining(", "))
            + " FROM floe_old t SEMI JOIN floe_hit f ON t.floe_file = f.floe_file ANTI JOIN floe_hit h"
            + " ON t.floe_file = h.floe_file AND t.file_row_number = h.floe_pos) TO "
            + text(staging.resolve("kept").toString()) + copyOptions);
      }
      LOG.debug("{}: rewritten at {} ms", description, (System.nanoTime() - start) / 1_000_000);
      List<DataFile> written = StagedFiles.dataFiles(table, staging.resolve("written"));
      moved.addAll(written);
      List<DataFile> kept = StagedFiles.dataFiles(table, staging.resolve("kept"));
      moved.addAll(kept);
      if (Files.exists(staging.resolve("deletes.parquet"))) {
        deletes.add(StagedFiles.positionDeletes(table, staging.resolve("deletes.parquet")));
        movedDeletes.addAll(deletes);
      }
      List<DataFile> met = hitFiles.stream().map(file -> tableFiles.get(file.intValue()).file()).toList();
      LOG.info("{}: DuckDB merged in {} ms ({} files met, {} written, {} position delete files)", description,
          (System.nanoTime() - start) / 1_000_000, met.size(), kept.size() + written.size(), deletes.size());
      return Optional.of(new MergeFiles(met, kept, written, deletes));
    } catch (SQLException e) {
      deleteMoved(table, moved, movedDeletes);
      return declined(engine, description, prepared.get(), e);
    } catch (IOException e) {
      deleteMoved(table, moved, movedDeletes);
      throw new UncheckedIOException("Cannot create the staging directory " + staging, e);
    } catch (RuntimeException e) {
      deleteMoved(table, moved, movedDeletes);
      throw e;
    } finally {
      StagedFiles.deleteQuietly(staging);
    }
  }

  /**
   * The rows of the files compaction chose, read with the table's current schema by field id (a file
   * written before a column was added gives NULL for it, as Iceberg's readers do) and written as files
   * of up to the target size with the table's field ids and compression. Declines what {@link #write}
   * declines, and format version 3, whose rewritten rows would have to keep their row lineage.
   */
  @Override
  public Optional<List<DataFile>> rewrite(FloeEngine engine, Table table, List<FileScanTask> tasks,
      long targetFileSizeBytes, String description) {
    Optional<String> layout = unsupportedLayout(table, false);
    int formatVersion = org.apache.iceberg.TableUtil.formatVersion(table);
    if (layout.isEmpty() && formatVersion > 2) {
      layout = Optional.of("the table is in format version " + formatVersion + ", whose rows keep their lineage");
    }
    if (layout.isPresent()) {
      LOG.info("{}: Spark compacts it ({})", description, layout.get());
      return Optional.empty();
    }
    long start = System.nanoTime();
    List<LocalFile> files;
    List<String> columns = new ArrayList<>();
    List<String> schema = new ArrayList<>();
    try {
      files = localParquetFiles(table, tasks, false);
      org.apache.spark.sql.types.StructField[] fields =
          org.apache.iceberg.spark.SparkSchemaUtil.convert(table.schema()).fields();
      for (int i = 0; i < fields.length; i++) {
        Types.NestedField field = table.schema().columns().get(i);
        columns.add(PlanSql.identifier(field.name()));
        schema.add(field.fieldId() + ": {name: " + text(field.name()) + ", type: "
            + text(PlanSql.type(fields[i].dataType())) + ", default_value: NULL}");
      }
    } catch (PlanSql.Unsupported e) {
      LOG.info("{}: Spark compacts it ({})", description, e.getMessage());
      return Optional.empty();
    }
    Path staging = engine.project().stateDir().resolve("staging").resolve("duckdb-" + UUID.randomUUID());
    try (Connection duck = database().duplicate();
        Statement statement = RunningStatements.track(engine, duck.createStatement(), description)) {
      statement.execute("SET SESSION preserve_insertion_order = false");
      Files.createDirectories(staging);
      String paths = files.stream().map(file -> text(file.path())).collect(Collectors.joining(", ", "[", "]"));
      statement.execute("COPY (SELECT " + String.join(", ", columns) + " FROM read_parquet(" + paths
          + ", schema = MAP {" + String.join(", ", schema) + "})) TO " + text(staging.resolve("out").toString())
          + " (FORMAT parquet, COMPRESSION " + compression(table) + ", FILE_SIZE_BYTES " + targetFileSizeBytes
          + ", FIELD_IDS " + fieldIds(table) + ")");
      List<DataFile> written = StagedFiles.dataFiles(table, staging.resolve("out"));
      LOG.info("{}: DuckDB rewrote {} files as {} in {} ms", description, files.size(), written.size(),
          (System.nanoTime() - start) / 1_000_000);
      return Optional.of(written);
    } catch (SQLException e) {
      if (RunningStatements.cancelledNow(engine)) {
        throw RunningStatements.stopped(description);
      }
      LOG.info("{}: Spark compacts it (DuckDB stopped: {})", description, firstLine(e.getMessage()));
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the staging directory " + staging, e);
    } finally {
      StagedFiles.deleteQuietly(staging);
    }
  }

  /**
   * The indexes of the table's files that can hold a key of the new rows (floe_new): those whose
   * column bounds in the manifests overlap, for each key column, the range of the new rows' values.
   * Keys that grow, as ids and times do, then meet only the newest files, and the others' key columns
   * are not read. A key no new row has (all NULL) meets no file: NULL equals nothing.
   */
  private static List<Long> filesWithNewKeys(Statement statement, Table table, List<LocalFile> files,
      List<String> keys) throws SQLException {
    org.apache.iceberg.expressions.Expression range = org.apache.iceberg.expressions.Expressions.alwaysTrue();
    for (String key : keys) {
      String column = PlanSql.identifier(key);
      try (ResultSet bounds = statement.executeQuery("SELECT min(" + column + "), max(" + column + ") FROM floe_new")) {
        bounds.next();
        Object min = bounds.getObject(1);
        Object max = bounds.getObject(2);
        if (min == null || max == null) {
          return List.of();
        }
        org.apache.iceberg.types.Type type = table.schema().findType(key);
        if (comparable(type, min) && comparable(type, max)) {
          range = org.apache.iceberg.expressions.Expressions.and(range,
              org.apache.iceberg.expressions.Expressions.greaterThanOrEqual(key, min),
              org.apache.iceberg.expressions.Expressions.lessThanOrEqual(key, max));
        }
      }
    }
    org.apache.iceberg.expressions.InclusiveMetricsEvaluator evaluator =
        new org.apache.iceberg.expressions.InclusiveMetricsEvaluator(table.schema(), range);
    List<Long> indexes = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      if (evaluator.eval(files.get(i).file())) {
        indexes.add((long) i);
      }
    }
    return indexes;
  }

  // A JDBC value an Iceberg literal of the column's type takes as is.
  private static boolean comparable(org.apache.iceberg.types.Type type, Object value) {
    return type != null && switch (type.typeId()) {
      case STRING -> value instanceof String;
      case INTEGER, LONG -> value instanceof Integer || value instanceof Long;
      default -> false;
    };
  }

  /**
   * Merge-on-read finds the met rows identical to their new rows (floe_met) reading as little of the
   * met files as it can: first the non-key columns that take the least space in them (at most an
   * eighth of their bytes, by the manifests' column sizes), then the other columns for the rows
   * still equal. A change usually differs in a small column (a status, an amount, a column the
   * changes add, which the files do not hold), so an update reads its wide columns only for rows
   * that did not change. A delete is not compared: its row goes whatever it holds.
   */
  private static void compareInTwoPasses(Statement statement, List<LocalFile> tableFiles, List<Long> metFiles,
      Table table, List<String> keys, List<String> schema, String flag) throws SQLException {
    List<Types.NestedField> fields = table.schema().columns();
    Map<Integer, Long> bytes = new HashMap<>();
    for (long file : metFiles) {
      Map<Integer, Long> sizes = tableFiles.get((int) file).file().columnSizes();
      if (sizes != null) {
        sizes.forEach((id, size) -> bytes.merge(id, size, Long::sum));
      }
    }
    // Each column's bytes in the met files, by its index in the schema (0 when the files do not hold it).
    long[] size = new long[fields.size()];
    List<Integer> compared = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      size[i] = bytes.getOrDefault(fields.get(i).fieldId(), 0L);
      if (!keys.contains(fields.get(i).name())) {
        compared.add(i);
      }
    }
    compared.sort(java.util.Comparator.comparingLong(i -> size[i]));
    long total = compared.stream().mapToLong(i -> size[i]).sum();
    int first = 0;
    long sum = 0;
    for (; first < compared.size(); first++) {
      if (first > 0 && sum + size[compared.get(first)] > total / 8) {
        break;
      }
      sum += size[compared.get(first)];
    }
    LOG.debug("Merge into {}: compares {} of {} columns first ({} of {} bytes in the files met)", table.name(),
        first, compared.size(), sum, total);
    String candidates = "SELECT k.floe_row, k.floe_file, k.floe_pos FROM floe_keys k JOIN floe_new s"
        + " ON s.floe_row = k.floe_row AND NOT s." + flag;
    statement.execute("CREATE TEMP TABLE floe_same AS " + candidates);
    for (List<Integer> pass : List.of(compared.subList(0, first), compared.subList(first, compared.size()))) {
      List<Long> files = longs(statement, "SELECT DISTINCT floe_file FROM floe_same ORDER BY 1");
      if (pass.isEmpty() || files.isEmpty()) {
        continue;
      }
      String equal = pass.stream().map(i -> PlanSql.identifier(fields.get(i).name()))
          .map(c -> "t." + c + " IS NOT DISTINCT FROM s." + c).collect(Collectors.joining(" AND "));
      statement.execute("CREATE TEMP TABLE floe_still AS SELECT k.floe_row, k.floe_file, k.floe_pos FROM floe_same k"
          + " JOIN floe_new s ON s.floe_row = k.floe_row JOIN " + tableRows(tableFiles, files,
              pass.stream().map(schema::get).toList())
          + " t ON t.floe_file = k.floe_file AND t.file_row_number = k.floe_pos WHERE " + equal);
      statement.execute("DROP TABLE floe_same");
      statement.execute("ALTER TABLE floe_still RENAME TO floe_same");
    }
    statement.execute("CREATE TEMP TABLE floe_met AS SELECT k.floe_row, k.floe_file, k.floe_pos,"
        + " e.floe_row IS NOT NULL AS floe_identical FROM floe_keys k LEFT JOIN floe_same e"
        + " ON e.floe_row = k.floe_row AND e.floe_file = k.floe_file AND e.floe_pos = k.floe_pos");
  }

  // Rows of some of a table's files (indexes into `files`), columns by field id, with each row's
  // file as that index (a number joins faster than its path) and its position in the file; the rows
  // their position delete files delete are left out.
  private static String tableRows(List<LocalFile> files, List<Long> indexes, List<String> schema) {
    String paths = indexes.stream().map(i -> text(files.get(i.intValue()).path()))
        .collect(Collectors.joining(", ", "[", "]"));
    String numbers = indexes.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    String rows = "(SELECT *, CAST(" + numbers + "[CAST(file_index AS BIGINT) + 1] AS BIGINT) AS floe_file FROM"
        + " read_parquet(" + paths + ", file_row_number = true, schema = MAP {" + String.join(", ", schema) + "}))";
    return withoutDeleted(rows, files, indexes);
  }

  /**
   * {@code rows} (with floe_file, an index into {@code files}, and file_row_number) without the rows
   * the position delete files of those files delete. A delete file names each data file by the
   * location its manifest records, and may name files of other tasks: only the listed ones count.
   */
  private static String withoutDeleted(String rows, List<LocalFile> files, List<Long> indexes) {
    java.util.Set<String> deletes = new java.util.TreeSet<>();
    List<String> located = new ArrayList<>();
    for (long index : indexes) {
      LocalFile file = files.get((int) index);
      deletes.addAll(file.deletes());
      located.add("(" + text(file.file().location()) + ", " + index + ")");
    }
    if (deletes.isEmpty()) {
      return rows;
    }
    String deleted = "(SELECT m.floe_file, d.pos FROM read_parquet(" + deletes.stream().map(DuckDbExecutor::text)
        .collect(Collectors.joining(", ", "[", "]")) + ") d JOIN (VALUES " + String.join(", ", located)
        + ") m(floe_location, floe_file) ON d.file_path = m.floe_location)";
    return "(SELECT r.* FROM " + rows + " r ANTI JOIN " + deleted + " x ON x.floe_file = r.floe_file"
        + " AND x.pos = r.file_row_number)";
  }

  private static List<Long> longs(Statement statement, String sql) throws SQLException {
    List<Long> values = new ArrayList<>();
    try (ResultSet result = statement.executeQuery(sql)) {
      while (result.next()) {
        values.add(result.getLong(1));
      }
    }
    return values;
  }

  private static long count(Statement statement, String sql) throws SQLException {
    try (ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  // Files moved into the table before a failure: never committed, so nobody's.
  private static void deleteMoved(Table table, List<DataFile> moved, List<DeleteFile> movedDeletes) {
    List<org.apache.iceberg.ContentFile<?>> files = new ArrayList<>(moved);
    files.addAll(movedDeletes);
    for (org.apache.iceberg.ContentFile<?> file : files) {
      try {
        table.io().deleteFile(file.location());
      } catch (RuntimeException e) {
        LOG.warn("Cannot remove {}, written by a merge that failed: {}", file.location(), e.getMessage());
      }
    }
  }

  /** A query DuckDB can run: its SQL, the views of the tables it reads, and its columns. */
  private record Prepared(String sql, List<String> views, StructType schema) {}

  // Queries compiled before, run again without Spark's analysis.
  static final CompiledQueries COMPILED = new CompiledQueries();

  @Override
  public Optional<StructType> knownSchema(FloeEngine engine, LocalQuery query) {
    return COMPILED.schema(engine, query);
  }

  @Override
  public Optional<List<DataFile>> write(FloeEngine engine, LocalQuery query, Table table, String description) {
    return write(engine, () -> prepare(engine, query, description), table, description);
  }

  @Override
  public Optional<List<List<Object>>> collect(FloeEngine engine, LocalQuery query, int maxRows, String description) {
    return collect(engine, () -> prepare(engine, query, description), maxRows, description);
  }

  // The query compiled before for these tables' schemas, if it was, with the files its scans read now.
  private static Optional<Prepared> reuse(FloeEngine engine, LocalQuery query, String description) {
    try {
      Optional<CompiledQueries.Ready> ready = COMPILED.reuse(engine, query);
      if (ready.isEmpty()) {
        return Optional.empty();
      }
      LOG.debug("{}: compiled in an earlier run; Spark does not analyze it again", description);
      return Optional.of(prepared(ready.get().sql(), ready.get().scans(), ready.get().schema(), description));
    } catch (PlanSql.Unsupported e) {
      // Its files now have delete files DuckDB does not apply, say: Spark analyzes and runs it.
      LOG.debug("{}: not run as compiled before ({})", description, e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<Prepared> prepare(FloeEngine engine, LocalQuery query, String description) {
    Optional<Prepared> reused = reuse(engine, query, description);
    if (reused.isPresent()) {
      CompileOnly.compiled();
      return reused;
    }
    Dataset<Row> rows = query.rows();
    boolean keep = COMPILED.compiledBefore(engine, query);
    try {
      PlanSql.Compiled compiled = PlanSql.compile(rows.queryExecution().optimizedPlan());
      if (keep && compiled.metadataValues()) {
        // Values Spark read from table metadata (a max, a count) hold for this snapshot only. Planned
        // without that push-down, the query reads the column instead (in DuckDB, a few milliseconds)
        // and holds for the next run's snapshots too.
        compiled = PlanSql.compile(withoutAggregatePushDown(rows));
      }
      Prepared prepared = prepared(compiled.sql(), compiled.scans(), rows.schema(), description);
      COMPILED.compiled(engine, query, rows, compiled);
      CompileOnly.compiled();
      return Optional.of(prepared);
    } catch (PlanSql.Unsupported e) {
      LOG.info("{}: Spark runs it (DuckDB would not give Spark's exact result for {})", description, e.getMessage());
      return Optional.empty();
    }
  }

  private static final String AGGREGATE_PUSH_DOWN = "spark.sql.iceberg.aggregate-push-down.enabled";
  private static int withoutPushDown;
  private static String pushDownSetting;

  /**
   * The optimized plan of {@code rows} with Iceberg's aggregate push-down off. The setting is the
   * session's, so while this plans, a query other threads plan has it off too: it reads the column
   * rather than the metadata, and its result is the same.
   */
  private static org.apache.spark.sql.catalyst.plans.logical.LogicalPlan withoutAggregatePushDown(Dataset<Row> rows) {
    org.apache.spark.sql.RuntimeConfig conf = rows.sparkSession().conf();
    synchronized (DuckDbExecutor.class) {
      if (withoutPushDown++ == 0) {
        pushDownSetting = conf.getOption(AGGREGATE_PUSH_DOWN).getOrElse(() -> null);
        conf.set(AGGREGATE_PUSH_DOWN, "false");
      }
    }
    try {
      return rows.sparkSession().sessionState().executePlan(rows.queryExecution().analyzed(),
          org.apache.spark.sql.execution.CommandExecutionMode.ALL()).optimizedPlan();
    } finally {
      synchronized (DuckDbExecutor.class) {
        if (--withoutPushDown == 0) {
          if (pushDownSetting == null) {
            conf.unset(AGGREGATE_PUSH_DOWN);
          } else {
            conf.set(AGGREGATE_PUSH_DOWN, pushDownSetting);
          }
        }
      }
    }
  }

  private static Optional<Prepared> prepare(Dataset<Row> rows, String description) {
    // A query given as a Dataset is not kept: a pass that only compiles has nothing to gain from it.
    CompileOnly.beforeSparkWork();
    try {
      PlanSql.Compiled compiled = PlanSql.compile(rows.queryExecution().optimizedPlan());
      return Optional.of(prepared(compiled.sql(), compiled.scans(), rows.schema(), description));
    } catch (PlanSql.Unsupported e) {
      LOG.info("{}: Spark runs it (DuckDB would not give Spark's exact result for {})", description, e.getMessage());
      return Optional.empty();
    }
  }

  private static Prepared prepared(String sql, List<PlanSql.Scan> scans, StructType schema, String description)
      throws PlanSql.Unsupported {
    List<String> views = new ArrayList<>();
    for (PlanSql.Scan scan : scans) {
      views.add("CREATE TEMPORARY VIEW " + scan.view() + " AS " + Scan.of(scan).select());
    }
    LOG.trace("DuckDB's SQL for {}: {}; its views: {}", description, sql, views);
    return new Prepared(sql, views, schema);
  }

  /**
   * A connection in Spark's session time zone, with the query's views, to the JVM's one in-memory
   * DuckDB database. A new database per query cost about 25 ms to open and 35-130 ms more in its first
   * query, which a build of 90 queries (models and tests) paid each time. The views, the merge's
   * tables and the session's settings (time zone, insertion order) belong to the connection, so
   * queries running at once do not see each other's; the threads and the memory limit are the
   * database's, shared by them.
   */
  private static Connection open(FloeEngine engine, Prepared prepared) throws SQLException {
    Connection duck = database().duplicate();
    try (Statement statement = duck.createStatement()) {
      statement.execute("SET SESSION TimeZone = " + text(engine.session().conf().get("spark.sql.session.timeZone")));
      for (String view : prepared.views()) {
        statement.execute(view);
      }
      return duck;
    } catch (SQLException e) {
      duck.close();
      throw e;
    }
  }

  @Override
  public void cancel(String jobTag) {
    RunningStatements.cancel(jobTag);
  }

  @Override
  public void prepare() {
    try {
      database();
    } catch (SQLException e) {
      LOG.debug("DuckDB did not open ahead of the first query; that query opens it and reports why not", e);
    }
  }

  // A thread per core, and a quarter of the machine's memory beside Spark's heap, spilling the rest.
  private static synchronized org.duckdb.DuckDBConnection database() throws SQLException {
    if (database == null) {
      Connection duck = DriverManager.getConnection("jdbc:duckdb:");
      try (Statement statement = duck.createStatement()) {
        statement.execute("SET threads = " + Runtime.getRuntime().availableProcessors());
        statement.execute("SET temp_directory = " + text(SPILL.toString()));
        statement.execute("SET memory_limit = '" + MEMORY_LIMIT_MB + "MB'");
      } catch (SQLException e) {
        duck.close();
        throw e;
      }
      database = duck.unwrap(org.duckdb.DuckDBConnection.class);
      try {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> StagedFiles.deleteQuietly(SPILL), "floe-duckdb-spill"));
      } catch (IllegalStateException exiting) {
        // First used while the JVM exits (a cancelled run's last model): what it spills stays in the
        // temporary directory, and the query still runs.
        LOG.debug("Cannot remove {} at exit: the JVM is already exiting", SPILL, exiting);
      }
    }
    return database;
  }

  // A query a cancel interrupted fails the run's node: Spark, whose jobs of the run are cancelled too, does not take it.
  private static <T> Optional<T> declined(FloeEngine engine, String description, Prepared prepared, SQLException e) {
    if (RunningStatements.cancelledNow(engine)) {
      throw RunningStatements.stopped(description);
    }
    LOG.info("{}: Spark runs it (DuckDB stopped: {})", description, firstLine(e.getMessage()));
    LOG.debug("DuckDB's SQL for {}: {}", description, prepared.sql());
    return Optional.empty();
  }

  // What only Spark's writer does: files split by partition, rows in the table's write order, other formats.
  private static Optional<String> unsupportedLayout(Table table, boolean partitionsWritten) {
    if (!Locations.isLocal(table.location())) {
      return Optional.of("the table is not on the local disk");
    }
    if (!partitionsWritten && !table.spec().isUnpartitioned()) {
      return Optional.of("the table is partitioned");
    }
    if (!table.sortOrder().isUnsorted()) {
      return Optional.of("the table has a write order");
    }
    if (table.schema().columns().stream().anyMatch(Types.NestedField::isRequired)) {
      return Optional.of("the table has NOT NULL columns, which Spark's writer checks");
    }
    String format = table.properties().getOrDefault("write.format.default", "parquet");
    if (!format.equalsIgnoreCase("parquet")) {
      return Optional.of("the table's files are " + format);
    }
    if (!COMPRESSIONS.contains(compression(table))) {
      return Optional.of("the table's Parquet compression is " + compression(table));
    }
    return Optional.empty();
  }

  private static final java.util.Set<String> COMPRESSIONS = java.util.Set.of("zstd", "snappy", "gzip", "lz4",
      "uncompressed");

  // Iceberg's table property, with Iceberg's default.
  private static String compression(Table table) {
    return table.properties().getOrDefault("write.parquet.compression-codec", "zstd").toLowerCase(
        java.util.Locale.ROOT);
  }

  /**
   * For each partition field of {@code spec}, the DuckDB expression of its value as the text Iceberg
   * reads a partition path with ('null' for NULL); none for an unpartitioned spec; empty when a
   * transform is one DuckDB does not compute here as Iceberg does (bucket, truncate, month, year, or
   * identity of text, whose directory names would need escaping).
   */
  static Optional<List<String>> partitionValues(org.apache.iceberg.PartitionSpec spec, org.apache.iceberg.Schema schema) {
    List<String> values = new ArrayList<>();
    for (org.apache.iceberg.PartitionField field : spec.fields()) {
      Types.NestedField source = schema.findField(field.sourceId());
      if (source == null) {
        return Optional.empty();
      }
      String column = PlanSql.identifier(source.name());
      org.apache.iceberg.types.Type.TypeID type = source.type().typeId();
      boolean timestamp = type == org.apache.iceberg.types.Type.TypeID.TIMESTAMP;
      String transform = field.transform().toString();
      String value;
      if (transform.equals("identity") && (type == org.apache.iceberg.types.Type.TypeID.INTEGER
          || type == org.apache.iceberg.types.Type.TypeID.LONG || type == org.apache.iceberg.types.Type.TypeID.BOOLEAN)) {
        value = "CAST(" + column + " AS VARCHAR)";
      } else if ((transform.equals("identity") || transform.equals("day"))
          && type == org.apache.iceberg.types.Type.TypeID.DATE) {
        value = "strftime(" + column + ", '%Y-%m-%d')";
      } else if (transform.equals("day") && timestamp) {
        // Days since 1970-01-01 in UTC, rounded down as Iceberg's transform does for times before it.
        value = "strftime(DATE '1970-01-01' + CAST(" + floorDiv("epoch_us(" + column + ")", 86_400_000_000L)
            + " AS INTEGER), '%Y-%m-%d')";
      } else if (transform.equals("hour") && timestamp) {
        value = "CAST(" + floorDiv("epoch_us(" + column + ")", 3_600_000_000L) + " AS VARCHAR)";
      } else {
        return Optional.empty();
      }
      values.add("coalesce(" + value + ", 'null')");
    }
    return Optional.of(values);
  }

  private static String floorDiv(String value, long divisor) {
    return "((" + value + " - ((" + value + " % " + divisor + " + " + divisor + ") % " + divisor + ")) // " + divisor
        + ")";
  }

  // The target's columns by name: the query's output columns are the table's, in its order.
  private static String fieldIds(Table table) {
    return table.schema().columns().stream()
        .map(field -> text(field.name()) + ": " + field.fieldId())
        .collect(Collectors.joining(", ", "{", "}"));
  }

  static String text(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }

  /** A data file of a table, where it lies on the local disk, and its position delete files there. */
  record LocalFile(DataFile file, String path, List<String> deletes) {}

  /**
   * The data files {@code scan} reads, when every one is a local Parquet file, and either has no
   * delete files or, with {@code positionDeletes}, only local Parquet position delete files (format
   * version 2's; equality deletes and version 3's deletion vectors are left to Spark).
   */
  static List<LocalFile> localParquetFiles(Table table, org.apache.iceberg.Scan<?, FileScanTask, ?> scan,
      boolean positionDeletes) throws PlanSql.Unsupported {
    try (CloseableIterable<FileScanTask> tasks = scan.planFiles()) {
      return localParquetFiles(table, tasks, positionDeletes);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the files of " + table.name(), e);
    }
  }

  private static List<LocalFile> localParquetFiles(Table table, Iterable<FileScanTask> tasks, boolean positionDeletes)
      throws PlanSql.Unsupported {
    List<LocalFile> files = new ArrayList<>();
    for (FileScanTask task : tasks) {
      List<String> deletes = new ArrayList<>();
      for (DeleteFile delete : task.deletes()) {
        Optional<Path> local = Locations.localPath(delete.location());
        if (!positionDeletes || delete.content() != org.apache.iceberg.FileContent.POSITION_DELETES
            || delete.format() != org.apache.iceberg.FileFormat.PARQUET || local.isEmpty()) {
          throw new PlanSql.Unsupported("a table with " + (positionDeletes ? delete.content().name().toLowerCase(
              java.util.Locale.ROOT).replace('_', ' ') + " files in " + delete.format() : "delete files")
              + " (" + table.name() + ")");
        }
        deletes.add(local.get().toString());
      }
      if (task.file().format() != org.apache.iceberg.FileFormat.PARQUET) {
        throw new PlanSql.Unsupported("a table with " + task.file().format() + " files (" + table.name() + ")");
      }
      Optional<Path> local = Locations.localPath(task.file().location());
      if (local.isEmpty()) {
        throw new PlanSql.Unsupported("a table not on the local disk (" + table.name() + ")");
      }
      files.add(new LocalFile(task.file(), local.get().toString(), List.copyOf(deletes)));
    }
    return files;
  }

  /** A table a query reads, as DuckDB reads it: the snapshot's data files, columns found by field id. */
  private record Scan(PlanSql.Scan scan, List<LocalFile> files) {
    static Scan of(PlanSql.Scan scan) throws PlanSql.Unsupported {
      List<LocalFile> files = localParquetFiles(scan.table(), scan.tasks(), true);
      return new Scan(scan, files);
    }

    String select() throws PlanSql.Unsupported {
      if (files.isEmpty()) {
        List<String> nulls = new ArrayList<>();
        for (PlanSql.ScanColumn column : scan.columns()) {
          nulls.add("CAST(NULL AS " + PlanSql.type(column.type()) + ") AS " + PlanSql.identifier(column.field().name()));
        }
        return "SELECT " + (nulls.isEmpty() ? "1 AS c_none" : String.join(", ", nulls)) + " WHERE false";
      }
      List<String> schema = new ArrayList<>();
      for (PlanSql.ScanColumn column : scan.columns()) {
        Types.NestedField field = column.field();
        schema.add(field.fieldId() + ": {name: " + text(field.name()) + ", type: " + text(PlanSql.type(column.type()))
            + ", default_value: NULL}");
      }
      String list = files.stream().map(file -> text(file.path())).collect(Collectors.joining(", ", "[", "]"));
      if (files.stream().allMatch(file -> file.deletes().isEmpty())) {
        return "SELECT * FROM read_parquet(" + list + (schema.isEmpty() ? "" : ", schema = MAP {"
            + String.join(", ", schema) + "}") + ")";
      }
      // The rows the position delete files delete are left out, then the columns read are selected.
      List<Long> indexes = java.util.stream.LongStream.range(0, files.size()).boxed().toList();
      String rows = "(SELECT *, CAST(file_index AS BIGINT) AS floe_file FROM read_parquet(" + list
          + ", file_row_number = true" + (schema.isEmpty() ? "" : ", schema = MAP {" + String.join(", ", schema) + "}")
          + "))";
      String columns = scan.columns().isEmpty() ? "1 AS c_none" : scan.columns().stream()
          .map(column -> PlanSql.identifier(column.field().name())).collect(Collectors.joining(", "));
      return "SELECT " + columns + " FROM " + withoutDeleted(rows, files, indexes) + " t";
    }
  }
}
