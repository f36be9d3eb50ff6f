package io.floe.models.plugin;

import io.floe.spark.FloeEngine;
import io.floe.spark.materialize.MaterializeResult;
import io.floe.spark.materialize.MaterializeSpec;
import io.floe.spark.materialize.Materialization;
import io.floe.spark.materialize.Materializations;
import io.floe.spark.materialize.WriteTarget;
import java.util.Optional;

/**
 * A plug-in materialization, found by {@link java.util.ServiceLoader} from this test jar's
 * {@code META-INF/services}: {@code insert_only} adds the rows whose {@code unique_key} the table
 * does not hold yet and never changes a row (how a Data Vault hub loads).
 */
public final class InsertOnlyMaterialization implements Materialization {
  @Override
  public String name() {
    return "insert_only";
  }

  @Override
  public boolean incremental() {
    return true;
  }

  @Override
  public Optional<String> problem(MaterializeSpec spec) {
    return spec.uniqueKey().isEmpty() ? Optional.of("insert_only needs unique_key") : Optional.empty();
  }

  @Override
  public MaterializeResult materialize(FloeEngine engine, MaterializeSpec spec, String select, WriteTarget target) {
    if (!engine.icebergCatalog().tableExists(org.apache.iceberg.catalog.TableIdentifier.parse(spec.table()))) {
      return Materializations.named(Materializations.TABLE).materialize(engine, spec, select, target);
    }
    String key = String.join(", ", spec.uniqueKey());
    // The rows the table holds before this run: main's (the run's branch is made from it by the write).
    String newRows = "SELECT * FROM (" + select + ") s WHERE (" + key + ") NOT IN (SELECT " + key + " FROM "
        + spec.table() + ")";
    return Materializations.named(Materializations.INCREMENTAL).materialize(engine, spec, newRows, target);
  }
}
