package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs that skip what did not change: a model runs only when its SQL, config or inputs changed
 * since its table was published; otherwise it is reported unchanged, its tests do not run, and a
 * build with nothing new commits nothing and says so.
 */
class UnchangedModelsCliTest {
  @TempDir Path project;

  @Test
  void onlyModelsWhoseSqlConfigOrInputsChangedRunAgain() throws IOException {
    Files.createDirectories(project.resolve("landing"));
    Files.createDirectories(project.resolve("models/gold"));
    Files.writeString(project.resolve("floe.yaml"), """
        name: unchanged
        engine: {master: "local[2]"}
        namespaces: [raw, silver, gold]
        sources:
          orders:
            type: csv
            path: landing/orders_*.csv
            target: raw.orders
        """);
    Files.writeString(project.resolve("landing/orders_1.csv"), "id,customer,amount\n1,a,10\n2,b,20\n3,a,5\n");
    Files.createDirectories(project.resolve("models/silver"));
    Files.writeString(project.resolve("models/silver/stg_orders.sql"), """
        {{ config(materialized='view') }}
        select id, customer, amount from {{ source('raw', 'orders') }}
        """);
    Files.writeString(project.resolve("models/silver/customers.sql"), """
        {{ config(materialized='table') }}
        select distinct customer from {{ ref('stg_orders') }}
        """);
    Files.writeString(project.resolve("models/silver/orders.sql"), """
        {{ config(materialized='incremental', unique_key='id') }}
        select id, customer, amount from {{ ref('stg_orders') }}
        {% if is_incremental() %} where id > (select max(id) from {{ this }}) {% endif %}
        """);
    Files.writeString(project.resolve("models/gold/revenue.sql"), """
        {{ config(materialized='table') }}
        select customer, sum(amount) as revenue from {{ ref('stg_orders') }} group by customer
        """);
    Files.writeString(project.resolve("models/gold/schema.yml"), """
        models:
          - name: revenue
            columns:
              - name: customer
                tests: [not_null, unique]
        """);

    String first = floe(project, "build").ok();
    assertThat(first).contains("Published to main.").doesNotContain("unchanged");
    long revenueSnapshot = snapshot("gold.revenue");

    // The incremental model's first run was a full one; with nothing new, the next one is not needed either.
    String again = floe(project, "build").ok();
    assertThat(again).contains("orders -> raw.orders: nothing new")
        .contains("nothing changed: 4 models have the SQL, config and inputs they were published with");
    assertThat(snapshot("gold.revenue")).isEqualTo(revenueSnapshot);

    // Only revenue's SQL changes: it runs (and its tests), customers does not.
    Files.writeString(project.resolve("models/gold/revenue.sql"), """
        {{ config(materialized='table') }}
        select customer, sum(amount) * 1 as revenue from {{ ref('stg_orders') }} group by customer
        """);
    String changedSql = floe(project, "-v", "build").ok();
    assertThat(changedSql).containsPattern("\\| revenue +\\| success ").containsPattern("\\| customers +\\| unchanged ")
        .containsPattern("\\| stg_orders +\\| unchanged ").contains("unique(revenue.customer)");

    // New rows in the source: everything downstream of it runs.
    Files.writeString(project.resolve("landing/orders_2.csv"), "id,customer,amount\n4,c,7\n");
    String newRows = floe(project, "build").ok();
    assertThat(newRows).containsPattern("\\| revenue +\\| success ").containsPattern("\\| customers +\\| success ")
        .containsPattern("\\| orders +\\| success ");
    assertThat(floe(project, "sql", "-o", "csv", "SELECT count(*) FROM silver.customers").ok()).endsWith("3\n");
    assertThat(floe(project, "sql", "-o", "csv", "SELECT count(*) FROM silver.orders").ok()).endsWith("4\n");

    // An edit of the incremental model's incremental branch alone makes it run.
    Files.writeString(project.resolve("models/silver/orders.sql"), """
        {{ config(materialized='incremental', unique_key='id') }}
        select id, customer, amount from {{ ref('stg_orders') }}
        {% if is_incremental() %} where id >= (select max(id) from {{ this }}) {% endif %}
        """);
    assertThat(floe(project, "-v", "build").ok()).containsPattern("\\| orders +\\| success ")
        .containsPattern("\\| revenue +\\| unchanged ");
    assertThat(floe(project, "sql", "-o", "csv", "SELECT count(*) FROM silver.orders").ok()).endsWith("4\n");

    // A table moved by hand (a rollback) is no longer what its fingerprint describes: it runs again.
    long before = snapshot("silver.customers");
    floe(project, "sql", "INSERT INTO silver.customers VALUES ('z')").ok();
    assertThat(floe(project, "build").ok()).containsPattern("\\| customers +\\| success ")
        .containsPattern("\\| revenue +\\| unchanged ");
    assertThat(snapshot("silver.customers")).isNotEqualTo(before);
    assertThat(floe(project, "sql", "-o", "csv", "SELECT count(*) FROM silver.customers").ok()).endsWith("3\n");

    // --full-refresh runs every model whatever its fingerprint.
    assertThat(floe(project, "build", "--full-refresh").ok()).containsPattern("\\| revenue +\\| success ")
        .containsPattern("\\| customers +\\| success ").containsPattern("\\| stg_orders +\\| success ");
  }

  private long snapshot(String table) {
    String csv = floe(project, "sql", "-o", "csv", "SELECT snapshot_id FROM " + table
        + ".snapshots ORDER BY committed_at DESC LIMIT 1").ok();
    return Long.parseLong(csv.lines().skip(1).findFirst().orElseThrow().trim());
  }
}
