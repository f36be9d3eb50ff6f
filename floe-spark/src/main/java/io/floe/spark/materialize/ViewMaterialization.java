package io.floe.spark.materialize;

import io.floe.spark.FloeEngine;
import java.util.Map;
import java.util.Optional;

/**
 * {@code materialized='view'}: an Iceberg view of the SELECT. A view has no snapshots to stage, so
 * on a run's branch it is a session view that later models and tests read, and the catalog view is
 * created when the run publishes.
 */
public final class ViewMaterialization implements Materialization {
  @Override
  public String name() {
    return Materializations.VIEW;
  }

  @Override
  public boolean createsView() {
    return true;
  }

  @Override
  public MaterializeResult materialize(FloeEngine engine, MaterializeSpec spec, String select, WriteTarget target) {
    if (target.branch().isPresent()) {
      TargetTable.run(engine, "create view " + spec.table(),
          "CREATE OR REPLACE TEMPORARY VIEW " + stagedName(target) + " AS " + select);
    } else {
      publish(engine, spec.table(), select, Map.of());
    }
    return new MaterializeResult(spec.table(), 0, Optional.empty(), false);
  }

  /** Creates (or replaces) the catalog view with {@code properties} (e.g. a fingerprint). */
  public static void publish(FloeEngine engine, String view, String select, Map<String, String> viewProperties) {
    // Spark replaces the view with its own SQL only, dropping the other dialects ViewDialects adds
    // back right after; Iceberg refuses that unless the view allows it.
    Map<String, String> properties = new java.util.TreeMap<>(viewProperties);
    properties.put(ViewDialects.DROP_DIALECT_ALLOWED, "true");
    String tblProperties = properties.entrySet().stream()
        .map(entry -> "'" + entry.getKey().replace("'", "\\'") + "' = '" + entry.getValue().replace("'", "\\'") + "'")
        .collect(java.util.stream.Collectors.joining(", ", " TBLPROPERTIES (", ")"));
    TargetTable.run(engine, "create view " + view, "CREATE OR REPLACE VIEW " + view + tblProperties + " AS " + select);
    ViewDialects.addTranslations(engine, view);
  }

  /** Sets {@code properties} on the catalog view {@code view}, its SQL and dialects unchanged: one metadata commit. */
  public static void updateProperties(FloeEngine engine, String view, Map<String, String> properties) {
    if (!(engine.icebergCatalog() instanceof org.apache.iceberg.catalog.ViewCatalog views)) {
      throw new IllegalStateException("Cannot update the properties of view " + view + ": the catalog "
          + engine.icebergCatalog().name() + " holds no views");
    }
    org.apache.iceberg.view.UpdateViewProperties update =
        views.loadView(org.apache.iceberg.catalog.TableIdentifier.parse(view)).updateProperties();
    properties.forEach(update::set);
    update.commit();
  }

  /** The session view that stands for the view while a run is staged. */
  public static String stagedName(WriteTarget target) {
    return target.table().replace('.', '_') + "__" + target.branch().orElse("main");
  }
}
