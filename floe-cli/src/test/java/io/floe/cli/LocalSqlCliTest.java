package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code engine.local-sql}: on a local engine DuckDB runs the table models (and data tests) whose
 * Spark plan it reproduces exactly, Spark the rest; with {@code local-sql: spark} Spark runs all. The
 * tables are the same either way. A user sees which engine ran a model in {@code floe runs show}:
 * Spark's work is in its {@code spark} column, DuckDB's is not.
 */
class LocalSqlCliTest {
  private static final List<String> TABLES = List.of("gold.revenue", "gold.latest", "gold.amounts");

  @TempDir Path project;

  @Test
  void duckDbBuildsTheTablesItCanAndTheyEqualSparksBuildOfTheSameProject() throws IOException {
    layout("duckdb");
    floe(project, "build").ok();
    JsonNode duckRun = lastRun();
    assertThat(sparkJobs(duckRun, "revenue")).as("revenue: run by DuckDB").isZero();
    assertThat(sparkJobs(duckRun, "latest")).as("latest: run by DuckDB").isZero();
    assertThat(sparkJobs(duckRun, "amounts")).as("amounts (collect_list): run by Spark").isPositive();
    List<Long> duckSnapshots = TABLES.stream().map(this::snapshot).toList();

    layout("spark");
    floe(project, "build", "--full-refresh").ok();
    JsonNode sparkRun = lastRun();
    assertThat(sparkJobs(sparkRun, "revenue")).as("revenue: run by Spark").isPositive();
    assertThat(sparkJobs(sparkRun, "latest")).as("latest: run by Spark").isPositive();

    for (int i = 0; i < TABLES.size(); i++) {
      String table = TABLES.get(i);
      String before = table + " VERSION AS OF " + duckSnapshots.get(i);
      String differing = floe(project, "sql", "-o", "csv", "SELECT (SELECT count(*) FROM (SELECT * FROM " + before
          + " EXCEPT ALL SELECT * FROM " + table + ")) + (SELECT count(*) FROM (SELECT * FROM " + table
          + " EXCEPT ALL SELECT * FROM " + before + ")) AS differing, (SELECT count(*) FROM " + table + ") AS n").ok();
      assertThat(differing.lines().skip(1).findFirst().orElseThrow()).as(table).matches("0,[1-9]\\d*");
    }
  }

  private void layout(String localSql) throws IOException {
    Files.createDirectories(project.resolve("landing"));
    Files.createDirectories(project.resolve("models/silver"));
    Files.createDirectories(project.resolve("models/gold"));
    Files.writeString(project.resolve("floe.yaml"), """
        name: localsql
        engine: {master: "local[2]", local-sql: %s}
        namespaces: [raw, silver, gold]
        sources:
          orders:
            type: csv
            path: landing/orders_*.csv
            target: raw.orders
            schema: {id: int, customer: string, amount: "decimal(10,2)", ordered_at: timestamp}
        """.formatted(localSql));
    Files.writeString(project.resolve("landing/orders_1.csv"), """
        id,customer,amount,ordered_at
        1,a,10.05,2024-01-01T08:00:00
        2,b,20.00,2024-01-01T23:30:00
        3,a,5.10,2024-01-02T00:15:00
        4,c,,2024-01-03T12:00:00
        5,b,2.67,2024-01-04T06:59:59
        5,b,2.68,2024-01-04T07:00:00
        6,,1.00,2024-01-05T10:00:00
        """);
    Files.writeString(project.resolve("models/silver/stg_orders.sql"), """
        {{ config(materialized='view') }}
        select id, lower(customer) as customer, amount, ordered_at from {{ source('raw', 'orders') }}
        """);
    Files.writeString(project.resolve("models/gold/revenue.sql"), """
        {{ config(materialized='table') }}
        select customer, count(*) as orders, count(distinct id) as ids, sum(amount) as revenue,
               cast(sum(amount) / count(amount) as decimal(12,2)) as average, max(ordered_at) as last_at,
               count_if(hour(ordered_at) < 8) as early, unix_timestamp(max(ordered_at)) - unix_timestamp(min(ordered_at))
                 as span_seconds
        from {{ ref('stg_orders') }}
        group by customer
        """);
    Files.writeString(project.resolve("models/gold/latest.sql"), """
        {{ config(materialized='table') }}
        select * from (
          select id, customer, amount, cast(ordered_at as date) as day, dayofweek(ordered_at) as weekday,
                 row_number() over (partition by id order by ordered_at desc) as version
          from {{ ref('stg_orders') }})
        where version = 1
        """);
    Files.writeString(project.resolve("models/gold/amounts.sql"), """
        {{ config(materialized='table') }}
        select customer, size(collect_list(amount)) as amounts from {{ ref('stg_orders') }} group by customer
        """);
    Files.writeString(project.resolve("models/gold/schema.yml"), """
        models:
          - name: latest
            columns:
              - name: id
                tests: [not_null, unique]
        """);
  }

  private JsonNode lastRun() throws IOException {
    String runs = floe(project, "runs", "-o", "csv").ok();
    String runId = runs.lines().skip(1).reduce((a, b) -> b).orElseThrow().split(",")[0];
    return new ObjectMapper().readTree(floe(project, "runs", "show", runId, "-o", "json").ok()).path("nodes");
  }

  private static long sparkJobs(JsonNode nodes, String model) {
    for (JsonNode node : nodes) {
      if (node.path("kind").asText().equals("model") && node.path("name").asText().equals(model)) {
        return node.path("spark").path("jobs").asLong();
      }
    }
    throw new AssertionError("No model " + model + " in " + nodes);
  }

  private long snapshot(String table) {
    String csv = floe(project, "sql", "-o", "csv", "SELECT snapshot_id FROM " + table
        + ".snapshots ORDER BY committed_at DESC LIMIT 1").ok();
    return Long.parseLong(csv.lines().skip(1).findFirst().orElseThrow().trim());
  }
}
