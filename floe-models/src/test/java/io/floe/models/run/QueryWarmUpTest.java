package io.floe.models.run;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.models.project.ModelProject;
import io.floe.models.project.TestProjects;
import io.floe.spark.FloeEngine;
import java.nio.file.Path;
import java.util.Set;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server's warm-up plans each model's query as its next run will, then its tests' queries, and runs none:
 * it writes no table, leaves out a model whose query cannot be planned yet, and stops when told to.
 */
class QueryWarmUpTest {
  @TempDir Path dir;

  @Test
  void plansEveryModelItCanAndWritesNothing() {
    TestProjects.create(dir);
    write(dir, "models/silver/totals.sql", """
        {{ config(materialized='table') }}
        select status, count(*) as n from {{ source('bronze', 'events') }} group by status
        """);
    write(dir, "models/silver/events_copy.sql", """
        {{ config(materialized='incremental', unique_key='id') }}
        select id, status from {{ source('bronze', 'events') }}
        {% if is_incremental() %} where id > (select max(id) from {{ this }}) {% endif %}
        """);
    write(dir, "models/gold/open_total.sql", """
        {{ config(materialized='table') }}
        select n from {{ ref('totals') }} where status = 'open'
        """);
    write(dir, "models/silver/totals.yml", """
        models:
          - name: totals
            columns:
              - name: status
                tests: [unique, not_null, {accepted_values: {values: [open, closed]}}]
        """);
    write(dir, "models/gold/not_yet.yml", """
        models:
          - name: not_yet
            columns:
              - name: id
                tests: [unique]
        """);
    write(dir, "models/gold/not_yet.sql", """
        {{ config(materialized='table') }}
        select * from bronze.arrives_later
        """);
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.events (id BIGINT, status STRING)", 0);
      engine.sql("INSERT INTO bronze.events VALUES (1, 'open'), (2, 'closed')", 0);
      ModelProject project = ModelProject.load(Project.load(dir));
      new ModelRunner(engine, project).run(Set.of("totals", "events_copy"), false);
      long totals = snapshot(engine, "silver.totals");
      long copy = snapshot(engine, "silver.events_copy");

      QueryWarmUp.Result result = QueryWarmUp.run(engine, project, () -> false);

      // open_total's table does not exist yet, but the table it reads does; not_yet reads a table that does not.
      assertThat(result.models()).isEqualTo(4);
      assertThat(result.planned()).isEqualTo(3);
      assertThat(result.notPlanned()).isEqualTo(1);
      // Four passes over totals' tests, in their two queries: over the whole table, and over rows a run wrote
      // (its unique test over their keys); not_yet's test reads a table that does not exist.
      assertThat(result.testQueries()).isEqualTo(4 * 2);
      assertThat(snapshot(engine, "silver.totals")).isEqualTo(totals);
      assertThat(snapshot(engine, "silver.events_copy")).isEqualTo(copy);
      assertThat(engine.icebergCatalog().tableExists(TableIdentifier.parse("gold.open_total"))).isFalse();

      QueryWarmUp.Result stopped = QueryWarmUp.run(engine, project, () -> true);
      assertThat(stopped.planned()).isZero();
      assertThat(stopped.testQueries()).isZero();
    }
  }

  private static long snapshot(FloeEngine engine, String table) {
    return engine.icebergCatalog().loadTable(TableIdentifier.parse(table)).currentSnapshot().snapshotId();
  }
}
