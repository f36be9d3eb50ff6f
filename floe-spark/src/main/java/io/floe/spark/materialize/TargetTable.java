package io.floe.spark.materialize;

import io.floe.core.error.FloeException;
import io.floe.core.project.WriterId;
import io.floe.spark.FloeEngine;
import io.floe.spark.local.LocalExecutor;
import io.floe.spark.local.LocalQuery;
import io.floe.spark.materialize.MaterializeSpec.OnSchemaChange;
import io.floe.spark.sql.SparkErrors;
import io.floe.spark.sql.SparkIdentifiers;
import io.floe.spark.table.RunLeftovers;
import io.floe.spark.table.UncommittedFiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expressions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The table a write goes to, made ready for it: created when missing (with partitioning, write
 * order and properties), its schema evolved to the SELECT's as {@code on_schema_change} allows,
 * and the run's branch created from main. Schema changes are table metadata, shared by every
 * branch, so they apply before the staged data is published.
 */
final class TargetTable {
  private final FloeEngine engine;
  private final MaterializeSpec spec;
  private final WriteTarget target;
  private final boolean created;
  private final Optional<Long> before;

  private TargetTable(FloeEngine engine, MaterializeSpec spec, WriteTarget target, boolean created,
      Optional<Long> before) {
    this.engine = engine;
    this.spec = spec;
    this.target = target;
    this.created = created;
    this.before = before;
  }

  /**
   * Prepares the target for rows shaped like {@code schema}.
   *
   * @param onSchemaChange how differences between the table and the SELECT are handled
   */
  static TargetTable prepare(FloeEngine engine, MaterializeSpec spec, WriteTarget target, StructType schema,
      OnSchemaChange onSchemaChange) {
    TableIdentifier id = TableIdentifier.parse(spec.table());
    boolean created = false;
    if (!engine.icebergCatalog().tableExists(id)) {
      create(engine, spec, schema);
      created = true;
    } else {
      evolve(engine, spec, schema, onSchemaChange);
    }
    Table table = engine.table(spec.table());
    if (target.branch().isPresent() && table.refs().get(target.branch().get()) == null) {
      String branch = target.branch().get();
      SparkErrors.translate("create branch " + branch + " of " + spec.table(), () -> {
        Snapshot main = table.currentSnapshot();
        if (main == null) {
          table.manageSnapshots().createBranch(branch).commit();
        } else {
          table.manageSnapshots().createBranch(branch, main.snapshotId()).commit();
        }
        return null;
      });
    }
    return new TargetTable(engine, spec, target, created, head(engine, spec.table(), target));
  }

  /**
   * True when the target branch holds no rows: no snapshot yet, or only the empty one a branch of a
   * new table starts from.
   */
  boolean empty() {
    return before.isEmpty() || "0".equals(engine.table(spec.table()).snapshot(before.get()).summary()
        .getOrDefault("total-records", "-1"));
  }

  /**
   * The view of what a write added or changed, {@code rows} (already computed: checkpointed) made when a
   * test asks for it, for {@link MaterializeResult#writtenRows}; the run drops it after its tests.
   */
  static WrittenRowsView writtenRowsView(SparkSession session, Supplier<Dataset<Row>> rows) {
    return new WrittenRowsView(session, rows);
  }

  /** The snapshot the target branch stood at when the write began, if it had one. */
  Optional<Long> before() {
    return before;
  }

  /** The target table's columns, in order. */
  StructType schema() {
    return engine.session().table(spec.table()).schema();
  }

  /**
   * {@code rows} with the table's columns in the table's order; columns the SELECT lacks are NULL.
   *
   * @param extra columns of {@code rows} to keep after the table's (flags a write uses)
   */
  Dataset<Row> aligned(Dataset<Row> rows, String... extra) {
    List<String> present = List.of(rows.columns());
    List<Column> columns = new ArrayList<>();
    for (StructField field : schema().fields()) {
      columns.add(present.contains(field.name())
          ? functions.col(field.name()).cast(field.dataType()).as(field.name())
          : functions.lit(null).cast(field.dataType()).as(field.name()));
    }
    for (String name : extra) {
      columns.add(functions.col(name));
    }
    return rows.select(columns.toArray(Column[]::new));
  }

  /**
   * Writes {@code rows} (already {@link #aligned}) through the process's {@link LocalExecutor} and
   * commits its files to the target branch in one snapshot: replacing every row of the branch
   * ({@code overwrite}) or appended to them.
   *
   * @return false when there is no such writer or it declined the query: Spark writes the rows
   */
  boolean writeLocally(Dataset<Row> rows, boolean overwrite) {
    return writeLocalFiles((writer, table) -> writer.write(engine, rows, table, "table " + spec.table()),
        overwrite).isPresent();
  }

  /**
   * {@link #writeLocally(Dataset, boolean)} of a query given as SQL (already {@link #aligned(LocalQuery)}),
   * which a writer that compiled it in an earlier run writes without Spark analyzing it.
   */
  boolean writeLocally(LocalQuery rows, boolean overwrite) {
    return writeLocalFiles((writer, table) -> writer.write(engine, rows, table, "table " + spec.table()),
        overwrite).isPresent();
  }

  /**
   * The columns of a model's SELECT: told by the process's local executor when it compiled the query
   * before and it still holds, so that Spark does not analyze it; otherwise Spark's analysis.
   */
  static StructType selectSchema(FloeEngine engine, MaterializeSpec spec, LocalQuery query) {
    return LocalExecutor.schema(engine, query, "run model SQL for " + spec.table());
  }

  /** {@link #aligned(Dataset, String...)} of a query given as SQL: a step of it named by the table's columns. */
  LocalQuery aligned(LocalQuery query) {
    String columns = org.apache.iceberg.spark.SparkSchemaUtil.convert(engine.table(spec.table()).schema()).json();
    return query.then("aligned to the columns of " + spec.table() + ": " + columns, rows -> aligned(rows));
  }

  /**
   * {@link #aligned(Dataset, String...)} of a query given as SQL with {@code extra} columns, which the step
   * {@code stepKey} names (see {@link LocalQuery#then}) added.
   */
  LocalQuery aligned(LocalQuery query, String stepKey, java.util.function.UnaryOperator<Dataset<Row>> step,
      String... extra) {
    String columns = org.apache.iceberg.spark.SparkSchemaUtil.convert(engine.table(spec.table()).schema()).json();
    return query.then(stepKey + ", aligned to the columns of " + spec.table() + ": " + columns + " and "
        + List.of(extra), rows -> aligned(step.apply(rows), extra));
  }

  /**
   * Appends {@code rows}, a query given as SQL (already {@link #aligned(LocalQuery)}), as {@link
   * #writeLocally} does.
   *
   * @return the result, with the rows appended as {@link MaterializeResult#writtenRows}; empty when
   *     there is no such writer or it declined the query: Spark appends the rows
   */
  Optional<MaterializeResult> appendLocally(LocalQuery rows) {
    return writeLocalFiles((writer, table) -> writer.write(engine, rows, table, "table " + spec.table()),
        false).map(this::writtenResult);
  }

  private Optional<List<DataFile>> writeLocalFiles(
      java.util.function.BiFunction<LocalExecutor, Table, Optional<List<DataFile>>> write, boolean overwrite) {
    Optional<LocalExecutor> writer = LocalExecutor.of(engine);
    if (writer.isEmpty()) {
      return Optional.empty();
    }
    Table table = engine.table(spec.table());
    Optional<List<DataFile>> files = write.apply(writer.get(), table);
    if (files.isEmpty()) {
      return Optional.empty();
    }
    if (!overwrite && files.get().isEmpty() && before.isPresent()) {
      // Nothing to add, so no empty snapshot: the table stays as the models reading it last saw it, and
      // those that read nothing else find their inputs unchanged (a 1% vault load rebuilt its bridge
      // of 100,000 rows because each hub and link had committed 0 new rows).
      return files;
    }
    String action = (overwrite ? "replace the rows of " : "append to ") + spec.table();
    try {
      SparkErrors.translate(action, () -> {
        SnapshotUpdate<?> update;
        if (overwrite) {
          OverwriteFiles replace = table.newOverwrite().overwriteByRowFilter(Expressions.alwaysTrue());
          files.get().forEach(replace::addFile);
          update = replace;
        } else {
          AppendFiles append = table.newAppend();
          files.get().forEach(append::appendFile);
          update = append;
        }
        target.branch().ifPresent(update::toBranch);
        update.commit();
        return null;
      });
    } catch (RuntimeException e) {
      // Not committed (Iceberg commits are all or nothing), so the files are nobody's.
      files.get().forEach(file -> UncommittedFiles.deleteAfter(e, table, file.location()));
      throw e;
    }
    return files;
  }

  /**
   * Merges {@code rows} (already {@link #aligned}, then a boolean delete flag column) by key through
   * the process's {@link LocalExecutor}, and commits the files it rewrote and wrote to the target
   * branch in one snapshot. The commit itself checks that nothing was committed to the branch since
   * the snapshot the merge read, as Spark's serializable MERGE does.
   *
   * @return the result, with the rows written as {@link MaterializeResult#writtenRows}; empty when
   *     there is no such executor or it declined: Spark merges the rows
   */
  Optional<MaterializeResult> mergeLocally(Dataset<Row> rows, List<String> keys, String deleteFlag) {
    return mergeLocalFiles((executor, table) -> executor.merge(engine, rows, table, before.get(), keys, deleteFlag,
        "merge into " + spec.table()));
  }

  /**
   * {@link #mergeLocally(Dataset, List, String)} of a query given as SQL (already {@link #aligned(LocalQuery,
   * String, String...)}), which an executor that compiled it in an earlier run merges without Spark analyzing it.
   */
  Optional<MaterializeResult> mergeLocally(LocalQuery rows, List<String> keys, String deleteFlag) {
    return mergeLocalFiles((executor, table) -> executor.merge(engine, rows, table, before.get(), keys, deleteFlag,
        "merge into " + spec.table()));
  }

  private Optional<MaterializeResult> mergeLocalFiles(
      java.util.function.BiFunction<LocalExecutor, Table, Optional<LocalExecutor.MergeFiles>> merge) {
    Optional<LocalExecutor> executor = LocalExecutor.of(engine);
    if (executor.isEmpty() || before.isEmpty()) {
      return Optional.empty();
    }
    Table table = engine.table(spec.table());
    Optional<LocalExecutor.MergeFiles> merged = merge.apply(executor.get(), table);
    if (merged.isEmpty()) {
      return Optional.empty();
    }
    LocalExecutor.MergeFiles files = merged.get();
    List<DataFile> added = new ArrayList<>(files.kept());
    added.addAll(files.written());
    if (!files.nothing()) {
      try {
        SparkErrors.translate("merge into " + spec.table(), () -> {
          SnapshotUpdate<?> update;
          if (files.deletes().isEmpty()) {
            OverwriteFiles overwrite = table.newOverwrite();
            files.met().forEach(overwrite::deleteFile);
            added.forEach(overwrite::addFile);
            overwrite.validateFromSnapshot(before.get())
                .conflictDetectionFilter(Expressions.alwaysTrue())
                .validateNoConflictingData()
                .validateNoConflictingDeletes();
            update = overwrite;
          } else {
            // Merge-on-read: the rows replaced get position deletes; the files they lie in must still exist.
            RowDelta delta = table.newRowDelta();
            added.forEach(delta::addRows);
            files.deletes().forEach(delta::addDeletes);
            delta.validateFromSnapshot(before.get())
                .conflictDetectionFilter(Expressions.alwaysTrue())
                .validateNoConflictingDataFiles()
                .validateNoConflictingDeleteFiles()
                .validateDeletedFiles()
                .validateDataFilesExist(files.met().stream().map(DataFile::location).toList());
            update = delta;
          }
          target.branch().ifPresent(update::toBranch);
          update.commit();
          return null;
        });
      } catch (RuntimeException e) {
        added.forEach(file -> UncommittedFiles.deleteAfter(e, table, file.location()));
        files.deletes().forEach(file -> UncommittedFiles.deleteAfter(e, table, file.location()));
        throw mergeConflict(e, spec, before.get());
      }
    }
    return Optional.of(writtenResult(files.written()));
  }

  // The result of a write that added the files written, with their rows and their column bounds.
  private MaterializeResult writtenResult(List<DataFile> written) {
    MaterializeResult result = result();
    return result.withWrittenRows(writtenRows(written), WrittenBounds.of(engine.table(spec.table()).schema(), written));
  }

  // The written files, read as Parquet by name, as a session view: the rows the model's tests check (see PlanSql).
  private WrittenRowsView writtenRows(List<DataFile> written) {
    List<String> files = written.stream().map(DataFile::location).toList();
    return writtenRowsView(engine.session(), () -> files.isEmpty()
        ? engine.session().createDataFrame(List.of(), schema())
        : engine.session().read().option(LocalExecutor.WRITTEN_FILES_OPTION, "true").schema(schema())
            .parquet(files.toArray(String[]::new)));
  }

  /** {@code failure}, as a conflict error when the commit found another writer's snapshot after {@code before}. */
  static RuntimeException mergeConflict(RuntimeException failure, MaterializeSpec spec, long before) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof org.apache.iceberg.exceptions.ValidationException) {
        return FloeException.conflict(failure, "Cannot merge into %s: another writer committed to it after snapshot"
            + " %d, which this run read; nothing of this merge was written. Run it again.", spec.table(), before);
      }
    }
    return failure;
  }


  /** What the write did: rows added by the snapshots it committed on the target branch. */
  MaterializeResult result() {
    Optional<Long> after = head(engine, spec.table(), target);
    if (after.equals(before) || after.isEmpty()) {
      return new MaterializeResult(spec.table(), 0, Optional.empty(), created);
    }
    Table table = engine.table(spec.table());
    long rows = 0;
    for (Snapshot snapshot = table.snapshot(after.get()); snapshot != null
        && (before.isEmpty() || snapshot.snapshotId() != before.get());
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      rows += Long.parseLong(snapshot.summary().getOrDefault("added-records", "0"));
    }
    return new MaterializeResult(spec.table(), rows, after, created);
  }

  private static Optional<Long> head(FloeEngine engine, String name, WriteTarget target) {
    Table table = engine.table(name);
    Snapshot snapshot = target.branch().map(table::snapshot).orElseGet(table::currentSnapshot);
    return Optional.ofNullable(snapshot).map(Snapshot::snapshotId);
  }

  private static void create(FloeEngine engine, MaterializeSpec spec, StructType schema) {
    StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(spec.table()).append(" (");
    List<String> columns = new ArrayList<>();
    for (StructField field : schema.fields()) {
      columns.add(SparkIdentifiers.quote(field.name()) + " " + field.dataType().sql());
    }
    ddl.append(String.join(", ", columns)).append(") USING iceberg");
    if (!spec.partitionBy().isEmpty()) {
      ddl.append(" PARTITIONED BY (").append(String.join(", ", spec.partitionBy())).append(")");
    }
    // The project that created it: a table never published is dropped by that project's recovery only.
    List<String> properties = new ArrayList<>(List.of(literal(RunLeftovers.WRITER_PROPERTY) + " = "
        + literal(WriterId.of(engine.project().stateDir()))));
    spec.properties().forEach((key, value) -> properties.add(literal(key) + " = " + literal(value)));
    ddl.append(" TBLPROPERTIES (").append(String.join(", ", properties)).append(")");
    run(engine, "create table " + spec.table(), ddl.toString());
    if (!spec.sortBy().isEmpty()) {
      run(engine, "set the write order of " + spec.table(),
          "ALTER TABLE " + spec.table() + " WRITE ORDERED BY " + String.join(", ", spec.sortBy()));
    }
  }

  // Differences are listed all at once, so one run shows everything to fix.
  private static void evolve(FloeEngine engine, MaterializeSpec spec, StructType schema, OnSchemaChange mode) {
    StructType current = engine.session().table(spec.table()).schema();
    Map<String, StructField> existing = new LinkedHashMap<>();
    for (StructField field : current.fields()) {
      existing.put(field.name(), field);
    }
    List<String> differences = new ArrayList<>();
    List<String> changes = new ArrayList<>();
    for (StructField field : schema.fields()) {
      StructField old = existing.remove(field.name());
      if (old == null) {
        differences.add("new column " + field.name() + " " + field.dataType().sql());
        changes.add("ALTER TABLE " + spec.table() + " ADD COLUMN " + SparkIdentifiers.quote(field.name()) + " "
            + field.dataType().sql());
      } else if (!old.dataType().sql().equals(field.dataType().sql())) {
        differences.add("column " + field.name() + " changes type from " + old.dataType().sql() + " to "
            + field.dataType().sql());
        changes.add("ALTER TABLE " + spec.table() + " ALTER COLUMN " + SparkIdentifiers.quote(field.name()) + " TYPE "
            + field.dataType().sql());
      }
    }
    for (StructField missing : existing.values()) {
      differences.add("column " + missing.name() + " is no longer selected");
      if (mode == OnSchemaChange.SYNC) {
        changes.add("ALTER TABLE " + spec.table() + " DROP COLUMN " + SparkIdentifiers.quote(missing.name()));
      }
    }
    if (differences.isEmpty()) {
      return;
    }
    if (mode == OnSchemaChange.FAIL) {
      throw FloeException.user("Cannot write table %s: its schema differs from the model's SELECT (%s) and"
          + " on_schema_change is fail.", spec.table(), String.join("; ", differences));
    }
    for (String change : changes) {
      run(engine, "change the schema of " + spec.table() + " (on_schema_change "
          + mode.name().toLowerCase(java.util.Locale.ROOT) + ")", change);
    }
  }

  /** A DataFrame write: Spark declares NoSuchTableException as checked. */
  interface Write {
    void run() throws Exception;
  }

  /** Runs {@code write}, translating its failure into a "Cannot {@code action}" error. */
  static void write(String action, Write write) {
    SparkErrors.translate(action, () -> {
      try {
        write.run();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        // Keeps the message and the cause chain, which decides the error's category.
        throw new IllegalStateException(e.getMessage(), e);
      }
      return null;
    });
  }

  static void run(FloeEngine engine, String action, String sql) {
    SparkErrors.translate(action, () -> engine.session().sql(sql).collectAsList());
  }

  private static String literal(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
