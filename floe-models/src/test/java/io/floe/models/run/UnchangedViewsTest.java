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
 * A view without tests is created again only when its definition changes (its SQL, config, or the
 * schema of a table it reads); new rows in its tables reach its readers through it as it is.
 */
class UnchangedViewsTest {
  @TempDir Path dir;

  @Test
  void aViewIsCreatedAgainOnlyWhenItsSqlOrItsInputsSchemaChanges() {
    TestProjects.create(dir);
    write(dir, "models/silver/recent.sql", "{{ config(materialized='view') }}\n"
        + "select * from {{ source('bronze', 'events') }} where id > 0\n");
    write(dir, "models/gold/event_count.sql", "{{ config(materialized='table') }}\n"
        + "select count(*) as events from {{ ref('recent') }}\n");
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.events (id BIGINT, ts TIMESTAMP)", 0);
      engine.sql("INSERT INTO bronze.events VALUES (1, TIMESTAMP '2026-01-01 10:00:00')", 0);
      assertThat(run(engine)).containsEntry("recent", Status.SUCCESS).containsEntry("event_count", Status.SUCCESS);

      // New rows: the view stays as published, its reader runs and counts them.
      engine.sql("INSERT INTO bronze.events VALUES (2, TIMESTAMP '2026-01-01 11:00:00')", 0);
      assertThat(run(engine)).containsEntry("recent", Status.UNCHANGED).containsEntry("event_count", Status.SUCCESS);
      assertThat(value(engine, "SELECT events FROM gold.event_count")).isEqualTo(2L);

      // A new column in its table: the view is created again, and shows it.
      engine.sql("ALTER TABLE bronze.events ADD COLUMN note STRING", 0);
      assertThat(run(engine)).containsEntry("recent", Status.SUCCESS);
      assertThat(engine.session().table("silver.recent").columns()).containsExactly("id", "ts", "note");

      // Its SQL edited: created again.
      write(dir, "models/silver/recent.sql", "{{ config(materialized='view') }}\n"
          + "select * from {{ source('bronze', 'events') }} where id > 1\n");
      assertThat(run(engine)).containsEntry("recent", Status.SUCCESS).containsEntry("event_count", Status.SUCCESS);
      assertThat(value(engine, "SELECT events FROM gold.event_count")).isEqualTo(1L);
    }
  }

  private Map<String, Status> run(FloeEngine engine) {
    ModelProject models = ModelProject.load(Project.load(dir));
    RunReport report = new ModelRunner(engine, models).run(Set.of("recent", "event_count"), false);
    assertThat(report.published()).as(report.toString()).isTrue();
    return report.models().stream().collect(Collectors.toMap(ModelResult::model, ModelResult::status));
  }

  private static Object value(FloeEngine engine, String sql) {
    return engine.sql(sql, 1).rows().get(0).get(0);
  }
}
