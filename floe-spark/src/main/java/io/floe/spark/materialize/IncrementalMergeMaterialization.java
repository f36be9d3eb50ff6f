package io.floe.spark.materialize;

import static io.floe.spark.sql.SparkIdentifiers.quote;

import io.floe.core.error.FloeException;
import io.floe.spark.FloeEngine;
import io.floe.spark.local.LocalQuery;
import io.floe.spark.sql.SparkErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code incremental_strategy='merge'}: rows of the SELECT update the row with the same
 * {@code unique_key}, or are inserted; with {@code delete_condition} (say {@code op = 'D'}) a
 * matching row deletes its key instead, so CDC deletes remove rows. Rows identical to the table's
 * are left out first, so running the same input again commits nothing. Changes that meet nearly
 * every file of a copy-on-write table are written as one overwrite of it rather than a MERGE,
 * which would rewrite the same files after a shuffle of the whole table.
 */
public final class IncrementalMergeMaterialization implements IncrementalMaterialization.Strategy {
  static final String DELETE_FLAG = "__floe_delete";
  private static final String ROW_NUMBER = "__floe_row";
  private static final String FILE = "__floe_file";
  private static final String POSITION = "__floe_pos";
  // Up to this many new rows are broadcast to find the rows they meet (a few hundred MB at most).
  private static final long BROADCAST_MAX_ROWS = 500_000;

  @Override
  public MaterializeResult materialize(FloeEngine engine, MaterializeSpec spec, String select, WriteTarget target) {
    // A query the process's local executor compiled in an earlier run (with another watermark, say) is
    // not analyzed by Spark again.
    LocalQuery query = LocalQuery.of(engine.session(), select);
    StructType schema = TargetTable.selectSchema(engine, spec, query);
    TargetTable table = TargetTable.prepare(engine, spec, target, schema, spec.onSchemaChange());
    Column deletes = spec.deleteCondition()
        .map(condition -> functions.coalesce(functions.expr(condition), functions.lit(false)))
        .orElse(functions.lit(false));
    if (!table.empty()) {
      // On one machine DuckDB merges the rows when it computes them exactly as Spark would.
      Optional<MaterializeResult> local = table.mergeLocally(table.aligned(query,
          "flagged " + DELETE_FLAG + " where " + spec.deleteCondition().orElse("false"),
          rows -> rows.withColumn(DELETE_FLAG, deletes), DELETE_FLAG), spec.uniqueKey(), DELETE_FLAG);
      if (local.isPresent()) {
        return local.get();
      }
    }
    // Past this point Spark runs the query: a pass that only compiles it ends here.
    io.floe.spark.local.CompileOnly.beforeSparkWork();
    Dataset<Row> rows = SparkErrors.translate("run model SQL for " + spec.table(), () -> query.rows());
    if (table.empty()) {
      // Nothing to match yet (the first run): a plain append of the rows that are not deletes,
      // without the comparison and the MERGE's join against an empty table.
      Dataset<Row> inserts = table.aligned(rows.where(functions.not(deletes)));
      if (!table.writeLocally(inserts, false)) {
        TargetTable.write("append to " + spec.table(), () -> inserts.writeTo(target.identifier()).append());
      }
      return table.result();
    }
    // The new rows are computed once: every step below reads them, and none reads the model's SQL again.
    // Each row is numbered, so that the comparison below can name the rows identical to the table's.
    Dataset<Row> flagged = SparkErrors.translate("run model SQL for " + spec.table(),
        () -> table.aligned(rows.withColumn(DELETE_FLAG, deletes), DELETE_FLAG)
            .withColumn(ROW_NUMBER, functions.monotonically_increasing_id()).localCheckpoint());
    long incoming = flagged.count();
    if (incoming == 0) {
      return table.result().withWrittenRows(writtenRows(flagged));
    }
    String source = "floe_merge_source_" + UUID.randomUUID().toString().replace("-", "");
    String met = source + "_met";
    String changed = source + "_changes";
    flagged.createOrReplaceTempView(source);
    try {
      List<String> columns = new ArrayList<>();
      for (StructField field : table.schema().fields()) {
        columns.add(quote(field.name()));
      }
      List<String> keys = spec.uniqueKey().stream().map(name -> quote(name)).toList();
      // An incremental run brings few rows: broadcast, they meet the table in one scan of it, with no
      // shuffle of the table's rows. The scan keeps only each met row's number, where the table's row
      // lies, and whether it is identical to the new one: a few bytes a row, whatever the table's width.
      boolean broadcast = incoming <= BROADCAST_MAX_ROWS;
      String hint = broadcast ? "/*+ BROADCAST(s) */ " : "";
      Dataset<Row> meetings = SparkErrors.translate("look up the new keys in " + spec.table(),
          () -> engine.session().sql("SELECT " + hint + "s." + ROW_NUMBER + ", t._file AS " + FILE + ", t._pos AS "
              + POSITION + ", " + match(columns, "<=>") + " AS identical FROM " + target.identifier() + " t JOIN "
              + source + " s ON " + match(keys, "=")).localCheckpoint());
      meetings.createOrReplaceTempView(met);
      // One row per file met: its met rows, and how many distinct rows of it they are. No row: no key met.
      List<Row> filesMet = SparkErrors.translate("count the files of " + spec.table() + " the new rows meet",
          () -> engine.session().sql("SELECT count(*), count(DISTINCT " + POSITION + ") FROM " + met + " GROUP BY "
              + FILE).collectAsList());
      if (filesMet.isEmpty()) {
        // Only new keys: no update, no delete, nothing identical to leave out. An append commits
        // the same rows without the MERGE's join against the whole table.
        TargetTable.write("append to " + spec.table(), () -> flagged.where(functions.not(functions.col(DELETE_FLAG)))
            .drop(DELETE_FLAG, ROW_NUMBER).writeTo(target.identifier()).append());
        return table.result().withWrittenRows(writtenRows(flagged));
      }
      Dataset<Row> changes = SparkErrors.translate("compare new rows with " + spec.table(),
          () -> engine.session().sql(changesOnly(source, met, broadcast)).localCheckpoint());
      if (!changes.isEmpty()) {
        // Few changes are broadcast into the write too, where Spark cannot size a checkpointed view.
        (broadcast ? changes.hint("broadcast") : changes).createOrReplaceTempView(changed);
        if (rewritesEveryFile(engine, spec, table, filesMet)) {
          overwrite(engine, spec, table, target, changed, met, columns, keys, broadcast);
        } else {
          TargetTable.run(engine, "merge into " + spec.table(), merge(changed, target.identifier(), columns, keys));
        }
      }
      return table.result().withWrittenRows(writtenRows(changes));
    } finally {
      engine.session().catalog().dropTempView(source);
      engine.session().catalog().dropTempView(met);
      engine.session().catalog().dropTempView(changed);
    }
  }

  /**
   * True when a copy-on-write MERGE would rewrite (nearly) every data file of the table anyway: the
   * changes meet at least 90% of its files, it has no delete files, and no row of the table meets
   * two new rows (which the MERGE refuses, with its own error).
   */
  private static boolean rewritesEveryFile(FloeEngine engine, MaterializeSpec spec, TargetTable table,
      List<Row> filesMet) {
    org.apache.iceberg.Table iceberg = engine.table(spec.table());
    String mode = iceberg.properties().getOrDefault("write.merge.mode", "copy-on-write");
    if (!"copy-on-write".equals(mode) || table.before().isEmpty()) {
      return false;
    }
    Map<String, String> summary = iceberg.snapshot(table.before().get()).summary();
    long files = Long.parseLong(summary.getOrDefault("total-data-files", "0"));
    if (!"0".equals(summary.getOrDefault("total-delete-files", "0")) || files == 0) {
      return false;
    }
    boolean oneToOne = filesMet.stream().allMatch(file -> file.getLong(0) == file.getLong(1));
    return oneToOne && filesMet.size() * 10L >= files * 9;
  }

  /**
   * The MERGE's result, written as one overwrite of the table: each row of the table as the change
   * that meets it leaves it (replaced, deleted or kept), and the rows of new keys. A copy-on-write
   * MERGE that meets every file rewrites them all too, but shuffles the table's rows to join them;
   * here the changes are broadcast instead. The commit fails, as the MERGE's would, if anything was
   * committed to the branch since the write began.
   */
  private static void overwrite(FloeEngine engine, MaterializeSpec spec, TargetTable table, WriteTarget target,
      String changed, String met, List<String> columns, List<String> keys, boolean broadcast) {
    List<String> merged = new ArrayList<>();
    for (String column : columns) {
      merged.add("CASE WHEN s." + ROW_NUMBER + " IS NULL THEN t." + column + " ELSE s." + column + " END AS " + column);
    }
    String hint = broadcast ? "/*+ BROADCAST(s) */ " : "";
    String rows = "SELECT " + hint + String.join(", ", merged) + " FROM " + target.identifier() + " t LEFT JOIN "
        + changed + " s ON " + match(keys, "=") + " WHERE s." + ROW_NUMBER + " IS NULL OR NOT s." + DELETE_FLAG
        + " UNION ALL SELECT " + String.join(", ", prefixed("s.", columns)) + " FROM " + changed + " s LEFT ANTI JOIN "
        + met + " m ON s." + ROW_NUMBER + " = m." + ROW_NUMBER + " WHERE NOT s." + DELETE_FLAG;
    long before = table.before().get();
    try {
      TargetTable.write("merge into " + spec.table(), () -> engine.session().sql(rows).writeTo(target.identifier())
          .option("overwrite-mode", "static")
          .option("isolation-level", "serializable")
          .option("validate-from-snapshot-id", String.valueOf(before))
          .overwrite(functions.lit(true)));
    } catch (FloeException e) {
      throw TargetTable.mergeConflict(e, spec, before);
    }
  }

  private static List<String> prefixed(String prefix, List<String> columns) {
    return columns.stream().map(column -> prefix + column).toList();
  }

  // The inserted and updated rows, already computed (checkpointed): what the model's tests check.
  private static WrittenRowsView writtenRows(Dataset<Row> flagged) {
    return TargetTable.writtenRowsView(flagged.sparkSession(),
        () -> flagged.where(functions.not(functions.col(DELETE_FLAG))).drop(DELETE_FLAG, ROW_NUMBER));
  }

  // New and changed rows (no identical row in the table), and deletes of keys the table holds.
  // `met` numbers the incoming rows whose key the table holds, and tells which are identical to its row.
  private static String changesOnly(String source, String met, boolean broadcast) {
    String hint = broadcast ? "/*+ BROADCAST(m) */ " : "";
    return "SELECT " + hint + "s.* FROM " + source + " s LEFT ANTI JOIN (SELECT " + ROW_NUMBER + " FROM " + met
        + " WHERE identical) m ON s." + ROW_NUMBER + " = m." + ROW_NUMBER + " WHERE NOT s." + DELETE_FLAG
        + " UNION ALL SELECT " + hint + "s.* FROM " + source + " s LEFT SEMI JOIN (SELECT " + ROW_NUMBER
        + " FROM " + met + ") m ON s." + ROW_NUMBER + " = m."
        + ROW_NUMBER + " WHERE s." + DELETE_FLAG;
  }

  private static String merge(String changes, String table, List<String> columns, List<String> keys) {
    List<String> updates = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (String column : columns) {
      updates.add("t." + column + " = s." + column);
      values.add("s." + column);
    }
    return "MERGE INTO " + table + " t USING " + changes + " s ON "
        + match(keys, "=")
        + " WHEN MATCHED AND s." + DELETE_FLAG + " THEN DELETE"
        + " WHEN MATCHED THEN UPDATE SET " + String.join(", ", updates)
        + " WHEN NOT MATCHED AND NOT s." + DELETE_FLAG + " THEN INSERT (" + String.join(", ", columns)
        + ") VALUES (" + String.join(", ", values) + ")";
  }

  static String match(List<String> columns, String operator) {
    List<String> parts = new ArrayList<>();
    for (String column : columns) {
      parts.add("t." + column + " " + operator + " s." + column);
    }
    return String.join(" AND ", parts);
  }
}
