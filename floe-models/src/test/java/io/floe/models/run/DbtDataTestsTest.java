package io.floe.models.run;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.models.project.Model;
import io.floe.models.project.ModelProject;
import io.floe.models.project.TestProjects;
import io.floe.models.run.TestResult.Status;
import io.floe.spark.FloeEngine;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dbt's data tests on real tables with dbt's results: a custom generic test from tests/generic/,
 * test configs (where, warn_if/error_if, limit, store_failures), dbt_utils' tests, tests and
 * freshness of sources, and unit tests.
 */
class DbtDataTestsTest {
  @TempDir Path dir;

  @Test
  void dbtTestsPassFailAndWarnAsDbtDocumentsThem() {
    TestProjects.create(dir);
    write(dir, "tests/generic/is_even.sql", """
        {% test is_even(model, column_name, offset=0) %}
        select * from {{ model }} where mod({{ column_name }} + {{ offset }}, 2) != 0
        {% endtest %}
        """);
    write(dir, "models/silver/orders.sql",
        "select id, status, amount from {{ source('shop', 'orders') }} where status != 'void'");
    write(dir, "models/silver/orders.yml", """
        version: 2
        sources:
          - name: shop
            schema: bronze
            loaded_at_field: loaded_at
            tables:
              - name: orders
                freshness: {warn_after: {count: 1, period: hour}, error_after: {count: 2, period: day}}
                tests:
                  - dbt_utils.recency: {datepart: hour, field: loaded_at, interval: 2}
                columns:
                  - name: id
                    tests: [unique, not_null]
              - name: customers
                freshness: {error_after: {count: 1, period: day}}
        models:
          - name: orders
            columns:
              - name: id
                tests:
                  - is_even
                  - is_even: {arguments: {offset: 1}, config: {where: "id % 2 = 1", name: odd_ids_plus_one}}
                  - unique: {config: {where: "status = 'paid'", name: unique_paid_ids}}
                  - unique: {config: {warn_if: "between 1 and 5", error_if: ">5"}}
                  - dbt_utils.not_constant
                  - dbt_utils.sequential_values: {interval: 1}
                  - dbt_utils.relationships_where:
                      arguments: {to: "source('shop', 'orders')", field: id, from_condition: "id > 1",
                                  to_condition: "status = 'open'"}
                  - dbt_utils.cardinality_equality: {to: "source('shop', 'orders')", field: id}
              - name: amount
                tests:
                  - dbt_utils.accepted_range: {min_value: 0, max_value: 100}
                  - not_null: {config: {warn_if: ">1", error_if: ">2"}}
                  - dbt_utils.not_null_proportion: {at_least: 0.7}
                  - dbt_utils.at_least_one
              - name: status
                tests:
                  - accepted_values: {values: [paid], config: {store_failures: true, warn_if: ">0", error_if: ">5"}}
                  - dbt_utils.not_empty_string
            tests:
              - dbt_utils.expression_is_true: {expression: "amount > 0 and amount < 100", config: {limit: 1}}
              - dbt_utils.equal_rowcount: {compare_model: "source('shop', 'orders')"}
              - dbt_utils.mutually_exclusive_ranges:
                  arguments: {lower_bound_column: id, upper_bound_column: id + 1, gaps: not_allowed}
              - dbt_utils.mutually_exclusive_ranges:
                  arguments: {lower_bound_column: id, upper_bound_column: id + 1}
                  config: {name: ranges_with_gaps}
        unit_tests:
          - name: drops_void_orders
            model: orders
            given:
              - input: source('shop', 'orders')
                rows:
                  - {id: 1, status: paid, amount: 5}
                  - {id: 2, status: void}
            expect:
              rows:
                - {id: 1, status: paid}
          - name: keeps_every_order
            model: orders
            given:
              - input: source('shop', 'orders')
                format: csv
                rows: |
                  id,status,amount
                  1,paid,5
                  2,void,3
            expect:
              rows:
                - {id: 1}
                - {id: 2}
        """);
    ModelProject models = ModelProject.load(Project.load(dir));
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE NAMESPACE IF NOT EXISTS bronze", 0);
      engine.sql("CREATE NAMESPACE IF NOT EXISTS silver", 0);
      engine.sql("CREATE TABLE bronze.orders (id BIGINT, status STRING, amount INT, loaded_at TIMESTAMP)", 0);
      engine.sql("INSERT INTO bronze.orders VALUES (1, 'paid', 10, current_timestamp() - INTERVAL 3 HOURS),"
          + " (2, 'paid', NULL, current_timestamp() - INTERVAL 4 HOURS), (2, 'open', 150, NULL),"
          + " (4, 'void', 5, NULL), (6, 'open', NULL, NULL), (8, 'paid', -1, NULL)", 0);
      engine.sql("CREATE TABLE bronze.customers (id BIGINT, loaded_at TIMESTAMP)", 0);
      engine.sql("INSERT INTO bronze.customers VALUES (1, current_timestamp())", 0);
      Model orders = models.model("orders");
      engine.sql("CREATE TABLE silver.orders AS " + models.compile(orders, false, Model::table), 0);

      Map<String, TestResult> byName = new LinkedHashMap<>();
      new DataTestRunner(engine, models).run(Set.of("orders"), Model::table)
          .forEach(result -> byName.put(result.name(), result));

      // The project's generic test: id 1 is odd. With where, only the odd ids are read, and 1 + 1 is even.
      assertThat(byName.get("is_even(orders.id)")).extracting(TestResult::status, TestResult::failures)
          .containsExactly(Status.FAIL, 1L);
      assertThat(byName.get("is_even(orders.id)").sample()).singleElement().asString().startsWith("id=1,");
      assertThat(byName.get("odd_ids_plus_one").status()).isEqualTo(Status.PASS);
      // id 2 is there twice, but once among the paid orders.
      assertThat(byName.get("unique_paid_ids").status()).isEqualTo(Status.PASS);
      // 150 and -1 are outside [0, 100]; the NULLs are not tested.
      assertThat(byName.get("dbt_utils.accepted_range(orders.amount)"))
          .extracting(TestResult::status, TestResult::failures).containsExactly(Status.FAIL, 2L);
      // Two NULLs: more than warn_if's 1, not more than error_if's 2.
      assertThat(byName.get("not_null(orders.amount)")).extracting(TestResult::status, TestResult::failures)
          .containsExactly(Status.WARN, 2L);
      assertThat(byName.get("accepted_values(orders.status)")).extracting(TestResult::status, TestResult::failures)
          .containsExactly(Status.WARN, 2L);
      assertThat(engine.sql("SELECT id, status FROM dbt_test__audit.accepted_values_orders_status ORDER BY id", 10)
          .rows()).containsExactly(List.of(2L, "open"), List.of(6L, "open"));
      // Two rows break the expression; limit 1 counts one.
      assertThat(byName.get("dbt_utils.expression_is_true(orders)").failures()).isEqualTo(1);
      // 5 orders against 6 source rows: dbt_utils counts the difference.
      assertThat(byName.get("dbt_utils.equal_rowcount(orders)")).extracting(TestResult::status, TestResult::failures)
          .containsExactly(Status.FAIL, 1L);

      // One duplicate id: between 1 and 5 warns, as dbt evaluates the condition in SQL.
      assertThat(byName.get("unique(orders.id)").status()).isEqualTo(Status.WARN);
      assertThat(byName.get("dbt_utils.not_constant(orders.id)").status()).isEqualTo(Status.PASS);
      // Sorted ids 1, 2, 2, 6, 8: the second 2, 6 and 8 do not follow their previous id by 1.
      assertThat(byName.get("dbt_utils.sequential_values(orders.id)").failures()).isEqualTo(3);
      // Ranges [id, id + 1) over ids 1, 2, 2, 6, 8: that must meet, three do not (2 overlaps 2, then
      // two gaps); with gaps allowed only the overlap of the two 2s fails.
      assertThat(byName.get("dbt_utils.mutually_exclusive_ranges(orders)").failures()).isEqualTo(3);
      assertThat(byName.get("ranges_with_gaps").failures()).isEqualTo(1);
      // Of the ids above 1, only 8 is not among the open source orders (2, 6).
      assertThat(byName.get("dbt_utils.relationships_where(orders.id)").sample()).singleElement().asString()
          .startsWith("id=8,");
      // The source has id 4 (void), which the model drops.
      assertThat(byName.get("dbt_utils.cardinality_equality(orders.id)").sample())
          .containsExactly("value=4, num_rows=1");
      // 3 of 5 amounts are set: 0.6 is below 0.7.
      assertThat(byName.get("dbt_utils.not_null_proportion(orders.amount)").status()).isEqualTo(Status.FAIL);
      assertThat(byName.get("dbt_utils.at_least_one(orders.amount)").status()).isEqualTo(Status.PASS);
      assertThat(byName.get("dbt_utils.not_empty_string(orders.status)").status()).isEqualTo(Status.PASS);
      // The newest source row is 3 hours old: older than 2 hours.
      assertThat(byName.get("dbt_utils.recency(source shop.orders)").status()).isEqualTo(Status.FAIL);

      // The source's tests run with the model that reads it.
      assertThat(byName.get("unique(source shop.orders.id)")).extracting(TestResult::model, TestResult::status,
          TestResult::failures).containsExactly("shop.orders", Status.FAIL, 1L);
      assertThat(byName.get("not_null(source shop.orders.id)").status()).isEqualTo(Status.PASS);
      // Loaded 3 hours ago: past warn_after (1 hour), within error_after (2 days).
      assertThat(byName.get("freshness(source shop.orders)").status()).isEqualTo(Status.WARN);
      // No selected model reads shop.customers: its freshness is not checked.
      assertThat(byName).doesNotContainKey("freshness(source shop.customers)");

      assertThat(byName.get("unit_test(orders: drops_void_orders)").status()).isEqualTo(Status.PASS);
      assertThat(byName.get("unit_test(orders: keeps_every_order)")).satisfies(unit -> {
        assertThat(unit.status()).isEqualTo(Status.FAIL);
        assertThat(unit.sample()).containsExactly("missing: id=2");
      });
      assertThat(byName).hasSize(24);
    }
  }
}
