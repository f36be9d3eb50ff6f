package io.floe.spark.materialize;

import io.floe.spark.FloeEngine;
import io.floe.spark.materialize.MaterializeSpec.OnSchemaChange;
import io.floe.spark.sql.SparkErrors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * {@code materialized='table'}: the table's rows are replaced by the SELECT's in one overwrite
 * commit, so readers see the old rows or the new ones, never a mix. The table keeps its history
 * (time travel, rollback) and takes the SELECT's columns.
 */
public final class TableReplaceMaterialization implements Materialization {
  @Override
  public String name() {
    return Materializations.TABLE;
  }

  @Override
  public MaterializeResult materialize(FloeEngine engine, MaterializeSpec spec, String select, WriteTarget target) {
    Dataset<Row> rows = SparkErrors.translate("run model SQL for " + spec.table(), () -> engine.session().sql(select));
    TargetTable table = TargetTable.prepare(engine, spec, target, rows.schema(), OnSchemaChange.SYNC);
    Dataset<Row> aligned = table.aligned(rows);
    if (!table.writeLocally(aligned, true)) {
      TargetTable.write("replace the rows of " + spec.table(),
          () -> aligned.writeTo(target.identifier()).overwrite(functions.lit(true)));
    }
    return table.result();
  }
}
