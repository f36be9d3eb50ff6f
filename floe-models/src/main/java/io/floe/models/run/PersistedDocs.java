package io.floe.models.run;

import io.floe.models.project.Model;
import io.floe.models.project.ModelProperties;
import io.floe.spark.FloeEngine;
import io.floe.spark.sql.SparkErrors;
import io.floe.spark.sql.SparkIdentifiers;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.StructField;

/**
 * dbt's {@code persist_docs}: a model's description becomes its table's (or view's) comment, and
 * its columns' descriptions their comments, once the run has published it. Iceberg keeps both in
 * the table's metadata, where Trino, Spark and the REST catalog's clients show them.
 */
final class PersistedDocs {
  private PersistedDocs() {}

  static void apply(FloeEngine engine, Model model) {
    if (!(model.config().values().get("persist_docs") instanceof Map<?, ?> settings) || model.inlined()) {
      return;
    }
    String what = "persist_docs of model " + model.name() + " (" + model.path() + ")";
    if (truthy(settings.get("relation")) && !model.description().isEmpty()) {
      String kind = model.createsView() ? "VIEW" : "TABLE";
      SparkErrors.translate(what, () -> engine.sql("ALTER " + kind + " " + model.table()
          + " SET TBLPROPERTIES ('comment' = " + literal(model.description()) + ")", 0));
    }
    if (truthy(settings.get("columns")) && !model.createsView() && model.properties().isPresent()) {
      Set<String> existing = SparkErrors.translate(what, () -> java.util.Arrays.stream(
          engine.session().table(model.table()).schema().fields()).map(StructField::name)
          .collect(Collectors.toSet()));
      for (ModelProperties.Column column : model.properties().get().columns()) {
        if (!column.description().isEmpty() && existing.contains(column.name())) {
          SparkErrors.translate(what, () -> engine.sql("ALTER TABLE " + model.table() + " ALTER COLUMN "
              + SparkIdentifiers.quote(column.name()) + " COMMENT " + literal(column.description()), 0));
        }
      }
    }
  }

  private static boolean truthy(Object value) {
    return value != null && Boolean.parseBoolean(value.toString());
  }

  private static String literal(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
