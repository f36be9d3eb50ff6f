package io.floe.spark.materialize;

import io.floe.spark.FloeEngine;
import io.floe.spark.local.LocalQuery;
import io.floe.spark.sql.SparkErrors;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** {@code incremental_strategy='append'}: the SELECT's rows are added to the table. */
public final class IncrementalAppendMaterialization implements IncrementalMaterialization.Strategy {
  @Override
  public MaterializeResult materialize(FloeEngine engine, MaterializeSpec spec, String select, WriteTarget target) {
    // A query the process's local executor compiled in an earlier run (with another watermark, say) is
    // not analyzed by Spark again.
    LocalQuery query = LocalQuery.of(engine.session(), select);
    StructType schema = TargetTable.selectSchema(engine, spec, query);
    TargetTable table = TargetTable.prepare(engine, spec, target, schema, spec.onSchemaChange());
    if (!table.empty()) {
      Optional<MaterializeResult> local = table.appendLocally(table.aligned(query));
      if (local.isPresent()) {
        return local.get();
      }
    }
    // Past this point Spark runs the query: a pass that only compiles it ends here.
    io.floe.spark.local.CompileOnly.beforeSparkWork();
    Dataset<Row> rows = SparkErrors.translate("run model SQL for " + spec.table(), () -> query.rows());
    if (table.empty()) {
      // On one machine DuckDB writes the rows when it computes them exactly as Spark would.
      if (!table.writeLocally(table.aligned(rows), false)) {
        TargetTable.write("append to " + spec.table(), () -> table.aligned(rows).writeTo(target.identifier()).append());
      }
      return table.result();
    }
    // Added to rows already there: computed once, so the model's tests can check just these.
    Dataset<Row> added = SparkErrors.translate("run model SQL for " + spec.table(),
        () -> table.aligned(rows).localCheckpoint());
    // No rows, no snapshot (as on DuckDB's path): the models that read the table find it unchanged.
    if (!SparkErrors.translate("run model SQL for " + spec.table(), added::isEmpty)) {
      TargetTable.write("append to " + spec.table(), () -> added.writeTo(target.identifier()).append());
    }
    return table.result().withWrittenRows(TargetTable.writtenRowsView(added.sparkSession(), () -> added));
  }
}
