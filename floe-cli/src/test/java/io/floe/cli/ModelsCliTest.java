package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed-004 pattern with the CLI: a staging model flattens JSON events and keeps the latest
 * per key, a mart merges inserts, updates and deletes, its SCD2 history follows, the same input
 * again changes nothing, and a failing test keeps main as it was.
 */
class ModelsCliTest {
  @TempDir Path workspace;

  @Test
  void buildMergesKeepsHistoryIsIdempotentAndAFailingTestBlocksPublish() throws IOException {
    Path project = workspace.resolve("shop");
    floe("init", project.toString()).ok();
    write(project, "models/staging/stg_customers.sql", """
        {{ config(materialized='table') }}
        select e.id, e.name, e.amount, e.op, e.ts
        from (
          select from_json(payload, 'id BIGINT, name STRING, amount INT, op STRING, ts TIMESTAMP') as e,
                 row_number() over (partition by get_json_object(payload, '$.id')
                                    order by get_json_object(payload, '$.ts') desc) as latest
          from {{ source('bronze', 'events') }}
        ) where latest = 1
        """);
    write(project, "models/gold/customers.sql", """
        {{ config(materialized='incremental', unique_key='id', delete_condition="op = 'D'") }}
        select id, name, amount, op from {{ ref('stg_customers') }}
        """);
    write(project, "models/gold/customers_history.sql", """
        {{ config(materialized='scd2', unique_key='id', strategy='check', check_cols=['name', 'amount']) }}
        select id, name, amount from {{ ref('customers') }}
        """);
    write(project, "models/gold/schema.yml", """
        models:
          - name: customers
            columns:
              - name: id
                tests: [not_null, unique]
              - name: amount
                tests:
                  - expression: ">= 0"
        """);
    floe(project, "sql", "CREATE TABLE bronze.events (payload STRING)").ok();
    events(project, "{\"id\":1,\"name\":\"ann\",\"amount\":10,\"op\":\"I\",\"ts\":\"2026-01-01T00:00:00\"}",
        "{\"id\":2,\"name\":\"bob\",\"amount\":20,\"op\":\"I\",\"ts\":\"2026-01-01T00:00:00\"}",
        "{\"id\":2,\"name\":\"bob\",\"amount\":25,\"op\":\"U\",\"ts\":\"2026-01-02T00:00:00\"}");

    String first = floe(project, "build").ok();
    assertThat(first).contains("| customers ", "| success ", "Published to main.");
    assertThat(query(project, "SELECT id, name, amount FROM gold.customers ORDER BY id"))
        .contains("| 1  | ann  | 10     |", "| 2  | bob  | 25     |");

    events(project, "{\"id\":1,\"name\":\"ann\",\"amount\":10,\"op\":\"D\",\"ts\":\"2026-01-03T00:00:00\"}",
        "{\"id\":3,\"name\":\"cat\",\"amount\":30,\"op\":\"I\",\"ts\":\"2026-01-03T00:00:00\"}",
        "{\"id\":2,\"name\":\"bobby\",\"amount\":25,\"op\":\"U\",\"ts\":\"2026-01-03T00:00:00\"}");
    floe(project, "build").ok();
    assertThat(query(project, "SELECT id, name FROM gold.customers ORDER BY id"))
        .contains("| 2  | bobby |", "| 3  | cat   |").doesNotContain("ann");
    assertThat(query(project, "SELECT id, name, is_current, is_deleted FROM gold.customers_history"
        + " ORDER BY id, valid_from"))
        .contains("| 1  | ann   | false      | true       |", "| 2  | bob   | false      | false      |",
            "| 2  | bobby | true       | false      |", "| 3  | cat   | true       | false      |");

    String mart = snapshots(project);
    floe(project, "build").ok();
    assertThat(snapshots(project)).as("the same input again commits nothing").isEqualTo(mart);

    events(project, "{\"id\":4,\"name\":\"dan\",\"amount\":-5,\"op\":\"I\",\"ts\":\"2026-01-04T00:00:00\"}");
    CliRun failed = floe(project, "build");
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.out()).contains("FAIL expression(customers.amount): 1 offending rows", "id=4",
        "Nothing published");
    assertThat(snapshots(project)).as("main is exactly as it was").isEqualTo(mart);
    assertThat(query(project, "SELECT count(*) AS n FROM gold.customers")).contains("| 2 |");

    String runs = floe(project, "runs", "-o", "csv").ok();
    assertThat(runs).contains(",build,success,", ",build,failed,");
    String firstRun = runs.lines().skip(1).findFirst().orElseThrow().split(",")[0];
    assertThat(floe(project, "runs", "show", firstRun).ok()).containsPattern("\\| model +\\| customers_history +\\| "
        + "gold\\.customers_history +\\| success ");
    assertThat(floe(project, "ls", "--select", "+customers").ok()).contains("stg_customers", "incremental")
        .doesNotContain("customers_history");
    assertThat(floe(project, "compile", "--select", "customers").ok()).contains("from silver.stg_customers");
  }

  @Test
  void varsGivenOnTheCommandLineOverFloeYamlsForThatCommandOnly() throws IOException {
    Path project = workspace.resolve("vars");
    floe("init", project.toString()).ok();
    write(project, "models/day.sql", "select '{{ var(\"day\", \"none\") }}' as day, '{{ var(\"region\", \"all\") }}' as r");
    assertThat(floe(project, "compile", "-s", "day").ok()).contains("select 'none' as day, 'all' as r");
    assertThat(floe(project, "compile", "-s", "day", "--vars", "{day: 2026-01-01, region: eu}").ok())
        .contains("select '2026-01-01' as day, 'eu' as r");
    assertThat(floe(project, "compile", "-s", "day", "--vars", "{\"day\": \"2026-02-01\"}").ok())
        .contains("select '2026-02-01' as day, 'all' as r");
    CliRun bad = floe(project, "compile", "-s", "day", "--vars", "[2026-01-01]");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains("--vars: Cannot read the variables: expected a mapping such as "
        + "'{start_date: 2026-01-01}', got a list.");
  }

  @Test
  void aCycleIsAOneLineErrorNamingIt() throws IOException {
    Path project = workspace.resolve("loop");
    floe("init", project.toString()).ok();
    write(project, "models/a.sql", "select * from {{ ref('b') }}");
    write(project, "models/b.sql", "select * from {{ ref('a') }}");

    CliRun run = floe(project, "ls");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("there is a cycle a -> b -> a");
  }

  private static String snapshots(Path project) {
    return query(project, "SELECT name, snapshot_id FROM gold.customers.refs ORDER BY name")
        + query(project, "SELECT name, snapshot_id FROM gold.customers_history.refs ORDER BY name");
  }

  private static String query(Path project, String sql) {
    return floe(project, "sql", sql).ok();
  }

  private static void events(Path project, String... json) {
    StringBuilder values = new StringBuilder();
    for (String event : json) {
      values.append(values.isEmpty() ? "" : ", ").append("('").append(event).append("')");
    }
    floe(project, "sql", "INSERT INTO bronze.events VALUES " + values).ok();
  }

  private static void write(Path project, String file, String text) throws IOException {
    Path path = project.resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, text);
  }
}
