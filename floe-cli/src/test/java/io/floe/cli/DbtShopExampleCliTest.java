package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static io.floe.cli.ExampleCopies.copy;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/dbt-shop, a dbt project with no floe.yaml, runs unchanged: {@code floe build} loads its
 * seeds, runs its models in the folders' materializations and schemas, its tests, and its hooks;
 * a second build finds nothing changed; {@code floe init} then adds a floe.yaml and touches no dbt
 * file.
 */
class DbtShopExampleCliTest {
  private static final Path EXAMPLE = Path.of("..", "examples", "dbt-shop");

  @TempDir Path project;

  @Test
  void theDbtProjectBuildsAsItIs() throws IOException {
    copy(EXAMPLE, project);

    String first = floe(project, "build").ok();

    assertThat(first).contains("| raw_payments ", "| staging.stg_payments ", "| marts.customers ",
        "Tests: 24 passed, 0 warned, 0 failed", "Published to main.");
    // 755.00 dollars paid in all (the seed holds cents), 15 of 20 customers ordered, customer 1 twice for 9.00.
    assertThat(floe(project, "sql", "-o", "csv", "SELECT sum(customer_lifetime_value), count_if(number_of_orders > 0),"
        + " count(*) FROM marts.customers").ok()).endsWith("755.00,15,20\n");
    assertThat(floe(project, "sql", "-o", "csv", "SELECT number_of_orders, customer_lifetime_value FROM marts.customers"
        + " WHERE customer_id = 1").ok()).endsWith("2,9.00\n");
    assertThat(floe(project, "sql", "-o", "csv", "SELECT count(*) FROM marts.run_log").ok()).endsWith("1\n");
    // dbt_utils.generate_surrogate_key gives dbt's key: md5 of '1-4' (order 1 of customer 4).
    assertThat(floe(project, "sql", "-o", "csv", "SELECT order_key FROM marts.orders WHERE order_id = 1").ok())
        .contains("3a170a9fe4f47efa37d23ad521b9098e");

    // A custom generic test, dbt_utils' tests, a seed's tests and a unit test ran among them.
    assertThat(floe(project, "test", "-v").ok()).contains("| is_positive(orders.amount) ",
        "| dbt_utils.accepted_range(raw_payments.amount) ", "| unit_test(customers: customers_sum_their_orders) ");
    assertThat(floe(project, "ls").ok()).contains("| order_total ", "| metric (not run) ");

    String second = floe(project, "build").ok();
    assertThat(second).contains("nothing changed");

    // Order 2 is returned: the seed changes, its snapshot closes the old version and opens a new one.
    Path orders = project.resolve("seeds/raw_orders.csv");
    Files.writeString(orders, Files.readString(orders).replace("\n2,8,2026-01-01,completed\n", "\n2,8,2026-01-01,returned\n"));
    floe(project, "build").ok();
    assertThat(floe(project, "sql", "-o", "csv", "SELECT status, dbt_valid_to IS NULL FROM snapshots.orders_snapshot"
        + " WHERE order_id = 2 ORDER BY dbt_valid_from").ok()).endsWith("completed,false\nreturned,true\n");
    assertThat(floe(project, "sql", "-o", "csv", "SELECT count(*) FROM snapshots.orders_snapshot").ok())
        .endsWith("41\n");

    String dbtProject = Files.readString(project.resolve("dbt_project.yml"));
    assertThat(floe("init", project.toString()).ok()).contains("Added floe.yaml to the dbt project dbt_shop");
    assertThat(project.resolve("floe.yaml")).content().contains("name: dbt_shop");
    assertThat(project.resolve("dbt_project.yml")).content().isEqualTo(dbtProject);
    assertThat(project.resolve(".gitignore")).content().contains(".floe/");
  }
}
