package io.floe.models.run;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.models.project.Model;
import io.floe.models.project.ModelProject;
import io.floe.models.project.TestProjects;
import io.floe.spark.FloeEngine;
import java.nio.file.Path;
import java.util.Set;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model's tests start as soon as it is written, while the models after it still run. A test that
 * reads a later model of the run waits for it and reads what the run wrote, and the results come in
 * the order {@code floe test} gives them.
 */
class EarlyTestsTest {
  @TempDir Path dir;

  @Test
  void aTestOfAnEarlyModelThatReadsALaterOneWaitsForItAndReadsTheRunsRows() {
    TestProjects.create(dir);
    write(dir, "models/silver/orders.sql", """
        {{ config(materialized='table') }}
        select id, customer from {{ source('bronze', 'orders') }}
        """);
    // A later level: written on the run's branch only when orders' tests may already be running.
    write(dir, "models/gold/customers.sql", """
        {{ config(materialized='table') }}
        select distinct customer from {{ ref('orders') }}
        """);
    write(dir, "models/silver/orders.yml", """
        models:
          - name: orders
            columns:
              - name: id
                tests: [unique, not_null]
              - name: customer
                tests:
                  - relationships: {to: ref('customers'), field: customer}
          - name: customers
            columns:
              - name: customer
                tests: [unique]
        """);
    ModelProject models = ModelProject.load(Project.load(dir));
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.orders (id BIGINT, customer STRING)", 0);
      engine.sql("INSERT INTO bronze.orders VALUES (1, 'a'), (2, 'b'), (3, 'a')", 0);

      // gold.customers is on no main yet: read from main, the relationships test could not run.
      RunReport first = new ModelRunner(engine, models).run(Set.of("orders", "customers"), true);
      assertThat(first.tests()).extracting(TestResult::name, TestResult::status).containsExactly(
          org.assertj.core.groups.Tuple.tuple("unique(customers.customer)", TestResult.Status.PASS),
          org.assertj.core.groups.Tuple.tuple("relationships(orders.customer)", TestResult.Status.PASS),
          org.assertj.core.groups.Tuple.tuple("not_null(orders.id)", TestResult.Status.PASS),
          org.assertj.core.groups.Tuple.tuple("unique(orders.id)", TestResult.Status.PASS));
      assertThat(first.published()).as(first.toString()).isTrue();
      // The same order as the tests run alone after the run.
      assertThat(new DataTestRunner(engine, models).run(Set.of("orders", "customers"), Model::table))
          .extracting(TestResult::name).containsExactlyElementsOf(first.tests().stream().map(TestResult::name).toList());

      // A failing test of the first level blocks the publish of the later one too.
      engine.sql("INSERT INTO bronze.orders VALUES (4, 'c'), (NULL, 'd')", 0);
      RunReport broken = new ModelRunner(engine, models).run(Set.of("orders", "customers"), true);
      assertThat(broken.tests()).filteredOn(test -> test.name().equals("not_null(orders.id)"))
          .singleElement().extracting(TestResult::status).isEqualTo(TestResult.Status.FAIL);
      assertThat(broken.published()).isFalse();
      assertThat(engine.sql("SELECT count(*) FROM gold.customers", 1).rows().get(0).get(0)).isEqualTo(2L);
      assertThat(engine.icebergCatalog().loadTable(TableIdentifier.parse("gold.customers")).refs().keySet())
          .containsExactly("main");
    }
  }
}
