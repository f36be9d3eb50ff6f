package io.floe.models.run;

import io.floe.models.project.Model;
import io.floe.models.project.ModelProject;
import io.floe.spark.FloeEngine;
import io.floe.spark.materialize.Materialization;
import java.util.function.BooleanSupplier;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readies a long-lived engine ({@code floe serve}) for the project's runs: Spark parses, analyzes,
 * optimizes and plans each model's query once, as the model's next run will (incremental where its
 * table exists), reading the tables' metadata and choosing their files, and runs nothing. A new JVM
 * otherwise loads and compiles that code (Spark's analyzer and optimizer, Iceberg's scan planning)
 * during its first run, which made the first 1% run of a new server slower than the same run in a new
 * CLI process.
 */
public final class QueryWarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(QueryWarmUp.class);

  /**
   * What a warm-up did: of the project's {@code models} with a query, those whose query Spark planned, those
   * it could not plan (the others it did not reach before it was told to stop), and how long it took.
   */
  public record Result(int models, int planned, int notPlanned, long millis) {}

  private QueryWarmUp() {}

  /**
   * Plans the query of each model of {@code project} that has one, until {@code stopping} says to stop (it is
   * asked before each model).
   * A model whose query cannot be planned now (it reads a table no run has made yet) is left out: its run
   * will report what is wrong.
   */
  public static Result run(FloeEngine engine, ModelProject project, BooleanSupplier stopping) {
    long start = System.nanoTime();
    java.util.List<Model> models = project.models().values().stream().filter(model -> !model.inlined()).toList();
    int planned = 0;
    int notPlanned = 0;
    for (Model model : models) {
      if (stopping.getAsBoolean()) {
        break;
      }
      try {
        boolean incremental = Materialization.of(model.spec()).incremental()
            && engine.icebergCatalog().tableExists(TableIdentifier.parse(model.table()));
        String sql = project.compile(model, incremental, Model::table);
        engine.session().sql(sql).queryExecution().executedPlan();
        planned++;
      } catch (Exception e) {
        // Advisory: the model's run plans it again and reports the error where the user looks.
        LOG.debug("Warm-up: the query of model {} was not planned: {}", model.name(), e.getMessage());
        notPlanned++;
      }
    }
    Result result = new Result(models.size(), planned, notPlanned, (System.nanoTime() - start) / 1_000_000);
    LOG.info("Warm-up: Spark planned the queries of {} of {} models in {} ms ({} could not be planned)",
        result.planned(), result.models(), result.millis(), result.notPlanned());
    return result;
  }
}
