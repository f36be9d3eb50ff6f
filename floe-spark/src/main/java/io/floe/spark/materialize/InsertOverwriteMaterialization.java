package io.floe.spark.materialize;

import io.floe.spark.FloeEngine;
import io.floe.spark.sql.SparkErrors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code incremental_strategy='insert_overwrite'}: every partition the SELECT has rows for is
 * replaced by those rows; other partitions stay. Rerunning a day's SELECT rewrites that day only.
 */
public final class InsertOverwriteMaterialization implements IncrementalMaterialization.Strategy {
  @Override
  public MaterializeResult materialize(FloeEngine engine, MaterializeSpec spec, String select, WriteTarget target) {
    Dataset<Row> rows = SparkErrors.translate("run model SQL for " + spec.table(), () -> engine.session().sql(select));
    TargetTable table = TargetTable.prepare(engine, spec, target, rows.schema(), spec.onSchemaChange());
    TargetTable.write("overwrite partitions of " + spec.table(),
        () -> table.aligned(rows).writeTo(target.identifier()).overwritePartitions());
    return table.result();
  }
}
