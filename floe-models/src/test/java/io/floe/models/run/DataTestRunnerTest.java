package io.floe.models.run;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.models.project.Model;
import io.floe.models.project.ModelProject;
import io.floe.models.project.TestProjects;
import io.floe.spark.FloeEngine;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tests of one model counted in one pass over a real table, and each failure reported alone. */
class DataTestRunnerTest {
  @TempDir Path dir;

  @Test
  void rowTestsAndAUniqueTestShareOnePassAndEachFailureKeepsItsCountAndRows() {
    TestProjects.create(dir);
    write(dir, "models/silver/orders.sql", "select 1 as id");
    write(dir, "models/silver/orders.yml", """
        models:
          - name: orders
            columns:
              - name: id
                tests: [not_null, unique]
              - name: status
                tests:
                  - accepted_values: {values: [paid, open]}
              - name: amount
                tests:
                  - expression: {expression: '>= 0', config: {severity: warn}}
            tests:
              - expression: {expression: 'amount < 1000'}
              - row_count: {min: 1, max: 6}
        """);
    ModelProject models = ModelProject.load(Project.load(dir));
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE NAMESPACE IF NOT EXISTS silver", 0);
      engine.sql("CREATE TABLE silver.orders (id BIGINT, status STRING, amount INT)", 0);
      engine.sql("INSERT INTO silver.orders VALUES (1, 'paid', 10), (2, 'open', -5), (2, 'paid', 20),"
          + " (3, 'lost', 30), (NULL, 'paid', 40), (NULL, 'open', 50), (4, 'paid', 70)", 0);

      List<TestResult> results = new DataTestRunner(engine, models).run(Set.of("orders"), Model::table);

      Map<String, TestResult> byName = new LinkedHashMap<>();
      results.forEach(result -> byName.put(result.name(), result));
      assertThat(byName).hasSize(6);
      // The same pass counts the rows: 7 is more than row_count's max.
      assertThat(byName.get("row_count(orders)").status()).isEqualTo(TestResult.Status.FAIL);
      assertThat(byName.get("row_count(orders)").sample()).containsExactly("row_count=7");
      assertThat(byName.get("not_null(orders.id)").failures()).isEqualTo(2);
      assertThat(byName.get("not_null(orders.id)").status()).isEqualTo(TestResult.Status.FAIL);
      // Two NULL ids are not a duplicate; id 2 is.
      assertThat(byName.get("unique(orders.id)").failures()).isEqualTo(1);
      assertThat(byName.get("unique(orders.id)").sample()).containsExactly("id=2, occurrences=2");
      assertThat(byName.get("accepted_values(orders.status)").sample()).singleElement().asString()
          .contains("status=lost");
      assertThat(byName.get("expression(orders.amount)").status()).isEqualTo(TestResult.Status.WARN);
      assertThat(byName.get("expression(orders.amount)").failures()).isEqualTo(1);
      // A warning reports its count; its rows are read only when asked for (floe -v).
      assertThat(byName.get("expression(orders.amount)").sample()).isEmpty();
      assertThat(new DataTestRunner(engine, models, true).run(Set.of("orders"), Model::table))
          .filteredOn(result -> result.name().equals("expression(orders.amount)")).singleElement()
          .satisfies(warning -> assertThat(warning.sample()).singleElement().asString().contains("amount=-5"));
      assertThat(byName.get("expression(orders)").status()).isEqualTo(TestResult.Status.PASS);
      // Each test has the time of its queries (run history shows it); those of one pass share that pass's.
      assertThat(results).allSatisfy(result -> assertThat(result.millis()).as(result.name()).isPositive());
      assertThat(byName.get("accepted_values(orders.status)").millis())
          .isEqualTo(byName.get("not_null(orders.id)").millis());
    }
  }
}
