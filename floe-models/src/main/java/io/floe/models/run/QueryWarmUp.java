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
 *
 * <p>Then it plans the queries the models' tests run when they pass, over the whole tables and in the
 * form an incremental run gives them (a unique test over the written keys), four times: a run's tests
 * over its new rows are planned by Spark in every run (their SQL names those rows), and in a new server
 * the code they go through was still being compiled in its third run (C1 compiled about 1,100 methods
 * during the fourth 1% run of the e-commerce example, 600 of them Spark's analyzer and optimizer, with
 * 0.4-0.6 s of compiling a run).
 */
public final class QueryWarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(QueryWarmUp.class);

  /**
   * What a warm-up did: of the project's {@code models} with a query, those whose query Spark planned, those
   * it could not plan (the others it did not reach before it was told to stop), how many plans of their tests'
   * queries it made, and how long it took.
   */
  public record Result(int models, int planned, int notPlanned, int testQueries, long millis) {}

  // How many times the tests' queries are planned: enough for C1 to compile what they go through (measured
  // with the e-commerce example: 2 passes left the third 1% run of a new server as slow as none did).
  private static final int TEST_PASSES = 4;

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
    int testQueries = planTests(engine, project, models, stopping);
    Result result = new Result(models.size(), planned, notPlanned, testQueries,
        (System.nanoTime() - start) / 1_000_000);
    LOG.info("Warm-up: Spark planned the queries of {} of {} models ({} could not be planned) and {} of their"
        + " tests' in {} ms", result.planned(), result.models(), result.notPlanned(), result.testQueries(),
        result.millis());
    return result;
  }

  // Plans the queries of the models' tests (DataTestRunner#passingQueries) TEST_PASSES times; how many it planned.
  private static int planTests(FloeEngine engine, ModelProject project, java.util.List<Model> models,
      BooleanSupplier stopping) {
    DataTestRunner tests = new DataTestRunner(engine, project, false);
    // A set: a table model's tests over its written rows read the same relation here.
    java.util.Set<String> queries = new java.util.LinkedHashSet<>();
    for (Model model : models) {
      if (stopping.getAsBoolean()) {
        return 0;
      }
      // A model no run has made yet fails to plan below, as its own query did above.
      queries.addAll(tests.passingQueries(model, Model::table, model.table()));
    }
    return plan(engine, queries, stopping);
  }

  // Plans each query TEST_PASSES times, until stopping says to stop; how many plans it made.
  private static int plan(FloeEngine engine, java.util.Collection<String> queries, BooleanSupplier stopping) {
    int planned = 0;
    for (int pass = 0; pass < TEST_PASSES; pass++) {
      for (String sql : queries) {
        if (stopping.getAsBoolean()) {
          return planned;
        }
        try {
          engine.session().sql(sql).queryExecution().optimizedPlan();
          planned++;
        } catch (Exception e) {
          // Advisory, as a model's query above: the test's run reports what is wrong.
          LOG.debug("Warm-up: a test query was not planned: {}", e.getMessage());
        }
      }
    }
    return planned;
  }
}
