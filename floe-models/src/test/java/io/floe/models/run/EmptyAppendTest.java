package io.floe.models.run;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.models.project.ModelProject;
import io.floe.models.project.TestProjects;
import io.floe.models.run.ModelResult.Status;
import io.floe.spark.FloeEngine;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An incremental append that finds no new rows leaves its table as it was: no empty snapshot, so a
 * model reading only it is unchanged and does not run (a vault's bridge over hubs and links).
 */
class EmptyAppendTest {
  @TempDir Path dir;

  @Test
  void anAppendOfNoRowsCommitsNothingAndItsReadersStayUnchanged() {
    TestProjects.create(dir);
    write(dir, "models/silver/events.sql", """
        {{ config(materialized='incremental', incremental_strategy='append') }}
        select id, ts from {{ source('bronze', 'events') }}
        {% if is_incremental() %} where ts > {{ max_of(this, 'ts') }} {% endif %}
        """);
    write(dir, "models/gold/event_count.sql", "{{ config(materialized='table') }}\n"
        + "select count(*) as events from {{ ref('events') }}\n");
    ModelProject models = ModelProject.load(Project.load(dir));
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.events (id BIGINT, ts TIMESTAMP)", 0);
      engine.sql("INSERT INTO bronze.events VALUES (1, TIMESTAMP '2026-01-01 10:00:00'),"
          + " (2, TIMESTAMP '2026-01-01 11:00:00')", 0);
      assertThat(statuses(engine, models)).containsEntry("events", Status.SUCCESS)
          .containsEntry("event_count", Status.SUCCESS);
      long snapshots = snapshots(engine);

      // The source moves, but only behind the watermark: the append runs and finds nothing to add.
      engine.sql("INSERT INTO bronze.events VALUES (3, TIMESTAMP '2026-01-01 09:00:00')", 0);
      assertThat(statuses(engine, models)).containsEntry("events", Status.SUCCESS)
          .containsEntry("event_count", Status.UNCHANGED);
      assertThat(snapshots(engine)).isEqualTo(snapshots);

      // A new row is appended, in a snapshot of its own, and its reader runs again.
      engine.sql("INSERT INTO bronze.events VALUES (4, TIMESTAMP '2026-01-01 12:00:00')", 0);
      assertThat(statuses(engine, models)).containsEntry("events", Status.SUCCESS)
          .containsEntry("event_count", Status.SUCCESS);
      assertThat(snapshots(engine)).isEqualTo(snapshots + 1);
      assertThat(engine.sql("SELECT events FROM gold.event_count", 1).rows().get(0).get(0)).isEqualTo(3L);
    }
  }

  private static Map<String, Status> statuses(FloeEngine engine, ModelProject models) {
    RunReport report = new ModelRunner(engine, models).run(Set.of("events", "event_count"), false);
    assertThat(report.published()).as(report.toString()).isTrue();
    return report.models().stream().collect(Collectors.toMap(ModelResult::model, ModelResult::status));
  }

  private static long snapshots(FloeEngine engine) {
    return (Long) engine.sql("SELECT count(*) FROM silver.events.snapshots", 1).rows().get(0).get(0);
  }
}
