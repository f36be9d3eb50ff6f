package io.floe.models.run;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.models.project.Model;
import io.floe.models.project.ModelProject;
import io.floe.models.project.ModelProperties;
import io.floe.models.project.SingularTest;
import io.floe.models.run.TestResult.Status;
import io.floe.models.test.DataTestDefinition;
import io.floe.models.test.DataTestDefinition.Severity;
import io.floe.models.test.DataTestQueries;
import io.floe.spark.FloeEngine;
import io.floe.spark.sql.QueryResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the data tests of the selected models (from their property files) and the singular tests
 * that read any of them. Each test is a query for offending rows: none is a pass; some are a
 * failure at error severity, a warning at warn.
 */
public final class DataTestRunner {
  private static final Logger LOG = LoggerFactory.getLogger(DataTestRunner.class);
  /** Offending rows shown per failing test. */
  public static final int SAMPLE_ROWS = 5;

  private final FloeEngine engine;
  private final ModelProject project;

  public DataTestRunner(FloeEngine engine, ModelProject project) {
    this.engine = requireNonNull(engine, "engine is null");
    this.project = requireNonNull(project, "project is null");
  }

  /**
   * Runs the tests.
   *
   * @param relations where each model's rows are read (its branch during a run, main otherwise)
   */
  public List<TestResult> run(Set<String> selected, Function<Model, String> relations) {
    List<TestResult> results = new ArrayList<>();
    for (String name : selected) {
      Model model = project.models().get(name);
      if (model == null) {
        continue;
      }
      List<DataTestDefinition> tests = model.properties().map(ModelProperties::tests).orElse(List.of());
      for (DataTestDefinition test : tests) {
        String sql = DataTestQueries.failures(test, model.name(), relations.apply(model),
            ref -> relations.apply(project.model(ref)));
        results.add(check(DataTestQueries.name(test, model.name()), model.name(), test.severity(), sql));
      }
    }
    for (SingularTest test : project.singularTests()) {
      if (test.refs().stream().anyMatch(selected::contains)) {
        String sql = project.compile(test, relations);
        results.add(check(test.name(), String.join(",", test.refs()), test.severity(), sql));
      }
    }
    return results;
  }

  private TestResult check(String name, String model, Severity severity, String sql) {
    try {
      QueryResult count = engine.sql("SELECT count(*) FROM (" + sql + ")", 1);
      long failures = ((Number) count.rows().get(0).get(0)).longValue();
      if (failures == 0) {
        return new TestResult(name, model, severity, Status.PASS, 0, List.of(), "");
      }
      QueryResult sample = engine.sql(sql, SAMPLE_ROWS);
      List<String> rows = new ArrayList<>();
      for (List<Object> row : sample.rows()) {
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < row.size(); i++) {
          cells.add(sample.columns().get(i) + "=" + row.get(i));
        }
        rows.add(String.join(", ", cells));
      }
      LOG.info("Test {} found {} offending rows", name, failures);
      return new TestResult(name, model, severity, severity == Severity.ERROR ? Status.FAIL : Status.WARN, failures,
          rows, "");
    } catch (FloeException e) {
      LOG.debug("Test {} could not run", name, e);
      return new TestResult(name, model, severity, Status.ERROR, 0, List.of(), e.getMessage());
    }
  }
}
