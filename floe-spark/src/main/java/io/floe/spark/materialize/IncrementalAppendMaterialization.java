package io.floe.spark.materialize;

import io.floe.spark.FloeEngine;
import io.floe.spark.sql.SparkErrors;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** {@code incremental_strategy='append'}: the SELECT's rows are added to the table. */
public final class IncrementalAppendMaterialization implements IncrementalMaterialization.Strategy {
  @Override
  public MaterializeResult materialize(FloeEngine engine, MaterializeSpec spec, String select, WriteTarget target) {
    Dataset<Row> rows = SparkErrors.translate("run model SQL for " + spec.table(), () -> engine.session().sql(select));
    TargetTable table = TargetTable.prepare(engine, spec, target, rows.schema(), spec.onSchemaChange());
    if (table.empty()) {
      // On one machine DuckDB writes the rows when it computes them exactly as Spark would.
      if (!table.writeLocally(table.aligned(rows), false)) {
        TargetTable.write("append to " + spec.table(), () -> table.aligned(rows).writeTo(target.identifier()).append());
      }
      return table.result();
    }
    Optional<MaterializeResult> local = table.appendLocally(table.aligned(rows));
    if (local.isPresent()) {
      return local.get();
    }
    // Added to rows already there: computed once, so the model's tests can check just these.
    Dataset<Row> added = SparkErrors.translate("run model SQL for " + spec.table(),
        () -> table.aligned(rows).localCheckpoint());
    TargetTable.write("append to " + spec.table(), () -> added.writeTo(target.identifier()).append());
    return table.result().withWrittenRows(TargetTable.writtenRowsView(added));
  }
}
