package io.floe.spark.materialize;

import io.floe.spark.FloeEngine;
import io.floe.spark.materialize.MaterializeSpec.OnSchemaChange;
import io.floe.spark.local.LocalQuery;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

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
    // A query the process's local executor compiled in an earlier run is not analyzed by Spark again.
    LocalQuery query = LocalQuery.of(engine.session(), select);
    StructType schema = TargetTable.selectSchema(engine, spec, query);
    TargetTable table = TargetTable.prepare(engine, spec, target, schema, OnSchemaChange.SYNC);
    LocalQuery aligned = table.aligned(query);
    if (!table.writeLocally(aligned, true)) {
      TargetTable.write("replace the rows of " + spec.table(),
          () -> aligned.rows().writeTo(target.identifier()).overwrite(functions.lit(true)));
    }
    return table.result();
  }
}
