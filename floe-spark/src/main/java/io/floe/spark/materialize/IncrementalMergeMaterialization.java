package io.floe.spark.materialize;

import static io.floe.spark.sql.SparkIdentifiers.quote;

import io.floe.spark.FloeEngine;
import io.floe.spark.sql.SparkErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;

/**
 * {@code incremental_strategy='merge'}: rows of the SELECT update the row with the same
 * {@code unique_key}, or are inserted; with {@code delete_condition} (say {@code op = 'D'}) a
 * matching row deletes its key instead, so CDC deletes remove rows. Rows identical to the table's
 * are left out first, so running the same input again commits nothing.
 */
public final class IncrementalMergeMaterialization implements IncrementalMaterialization.Strategy {
  static final String DELETE_FLAG = "__floe_delete";
  // Up to this many new rows are broadcast to find the rows they meet (a few hundred MB at most).
  private static final long BROADCAST_MAX_ROWS = 500_000;

  @Override
  public MaterializeResult materialize(FloeEngine engine, MaterializeSpec spec, String select, WriteTarget target) {
    Dataset<Row> rows = SparkErrors.translate("run model SQL for " + spec.table(), () -> engine.session().sql(select));
    TargetTable table = TargetTable.prepare(engine, spec, target, rows.schema(), spec.onSchemaChange());
    Column deletes = spec.deleteCondition()
        .map(condition -> functions.coalesce(functions.expr(condition), functions.lit(false)))
        .orElse(functions.lit(false));
    if (table.empty()) {
      // Nothing to match yet (the first run): a plain append of the rows that are not deletes,
      // without the comparison and the MERGE's join against an empty table.
      TargetTable.write("append to " + spec.table(),
          () -> table.aligned(rows.where(functions.not(deletes))).writeTo(target.identifier()).append());
      return table.result();
    }
    // The new rows are computed once: every step below reads them, and none reads the model's SQL again.
    Dataset<Row> flagged = SparkErrors.translate("run model SQL for " + spec.table(),
        () -> table.aligned(rows.withColumn(DELETE_FLAG, deletes), DELETE_FLAG).localCheckpoint());
    long incoming = flagged.count();
    if (incoming == 0) {
      return table.result().withWrittenRows(writtenRows(flagged));
    }
    String source = "floe_merge_source_" + UUID.randomUUID().toString().replace("-", "");
    String existing = source + "_existing";
    String changed = source + "_changes";
    flagged.createOrReplaceTempView(source);
    try {
      List<String> columns = new ArrayList<>();
      for (StructField field : table.schema().fields()) {
        columns.add(quote(field.name()));
      }
      List<String> keys = spec.uniqueKey().stream().map(name -> quote(name)).toList();
      // An incremental run brings few rows: broadcast, they meet the table in one scan of it, with
      // no shuffle of the table's rows. The keys alone tell whether any row of the table is met.
      String hint = incoming <= BROADCAST_MAX_ROWS ? "/*+ BROADCAST(s) */ " : "";
      boolean meetsKeys = !SparkErrors.translate("look up the new keys in " + spec.table(),
          () -> engine.session().sql("SELECT " + hint + String.join(", ", prefixed("t.", keys)) + " FROM "
              + target.identifier() + " t LEFT SEMI JOIN " + source + " s ON " + match(keys, "=") + " LIMIT 1")
              .isEmpty());
      if (!meetsKeys) {
        // Only new keys: no update, no delete, nothing identical to leave out. An append commits
        // the same rows without the MERGE's join against the whole table.
        TargetTable.write("append to " + spec.table(), () -> flagged.where(functions.not(functions.col(DELETE_FLAG)))
            .drop(DELETE_FLAG).writeTo(target.identifier()).append());
        return table.result().withWrittenRows(writtenRows(flagged));
      }
      SparkErrors.translate("find the rows of " + spec.table() + " the new rows meet",
          () -> engine.session().sql("SELECT " + hint + "t.* FROM " + target.identifier() + " t LEFT SEMI JOIN "
              + source + " s ON " + match(keys, "=")).localCheckpoint()).createOrReplaceTempView(existing);
      Dataset<Row> changes = SparkErrors.translate("compare new rows with " + spec.table(),
          () -> engine.session().sql(changesOnly(source, existing, columns, keys)).localCheckpoint());
      if (!changes.isEmpty()) {
        changes.createOrReplaceTempView(changed);
        TargetTable.run(engine, "merge into " + spec.table(), merge(changed, target.identifier(), columns, keys));
      }
      return table.result().withWrittenRows(writtenRows(changes));
    } finally {
      engine.session().catalog().dropTempView(source);
      engine.session().catalog().dropTempView(existing);
      engine.session().catalog().dropTempView(changed);
    }
  }

  // The inserted and updated rows, already computed (checkpointed): what the model's tests check.
  private static String writtenRows(Dataset<Row> flagged) {
    return TargetTable.writtenRowsView(flagged.where(functions.not(functions.col(DELETE_FLAG))).drop(DELETE_FLAG));
  }

  // New and changed rows (no identical row in the table), and deletes of keys the table holds.
  // `existing` holds the table's rows with the incoming keys: enough to tell new from unchanged.
  private static String changesOnly(String source, String existing, List<String> columns, List<String> keys) {
    return "SELECT s.* FROM " + source + " s LEFT ANTI JOIN " + existing + " t ON " + match(columns, "<=>")
        + " WHERE NOT s." + DELETE_FLAG
        + " UNION ALL SELECT s.* FROM " + source + " s LEFT SEMI JOIN " + existing + " t ON "
        + match(keys, "=") + " WHERE s." + DELETE_FLAG;
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

  private static List<String> prefixed(String prefix, List<String> columns) {
    return columns.stream().map(column -> prefix + column).toList();
  }

  static String match(List<String> columns, String operator) {
    List<String> parts = new ArrayList<>();
    for (String column : columns) {
      parts.add("t." + column + " " + operator + " s." + column);
    }
    return String.join(" AND ", parts);
  }
}
