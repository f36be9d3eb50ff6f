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
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.catalog.ViewCatalog;
import org.apache.iceberg.view.View;
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

  @Test
  void aViewWithTestsRunsOnNewRowsAndKeepsItsSqlUntilItsDefinitionChanges() {
    TestProjects.create(dir);
    write(dir, "models/silver/recent.sql", "{{ config(materialized='view') }}\n"
        + "select * from {{ source('bronze', 'events') }} where id > 0\n");
    write(dir, "models/silver/recent.yml", "models: [{name: recent, columns: [{name: ts, tests: [not_null]}]}]\n");
    write(dir, "models/gold/event_count.sql", "{{ config(materialized='table') }}\n"
        + "select count(*) as events from {{ ref('recent') }}\n");
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.events (id BIGINT, ts TIMESTAMP)", 0);
      engine.sql("INSERT INTO bronze.events VALUES (1, TIMESTAMP '2026-01-01 10:00:00')", 0);
      assertThat(runWithTests(engine)).containsEntry("recent", Status.SUCCESS);
      // Read now: a loaded view shows later commits.
      int firstVersion = view(engine).currentVersion().versionId();
      int firstHistory = view(engine).history().size();
      String firstFingerprint = view(engine).properties().get(Fingerprints.PROPERTY);

      // New rows: its tests run on them, so it runs; its SQL stays as published, its fingerprint moves.
      engine.sql("INSERT INTO bronze.events VALUES (2, TIMESTAMP '2026-01-01 11:00:00')", 0);
      assertThat(runWithTests(engine)).containsEntry("recent", Status.SUCCESS)
          .containsEntry("event_count", Status.SUCCESS);
      assertThat(view(engine).currentVersion().versionId()).isEqualTo(firstVersion);
      assertThat(view(engine).history()).hasSize(firstHistory);
      assertThat(view(engine).properties().get(Fingerprints.PROPERTY)).isNotEqualTo(firstFingerprint);
      assertThat(value(engine, "SELECT events FROM gold.event_count")).isEqualTo(2L);

      // Nothing new: the fingerprint it was published with is this run's, so nothing runs.
      assertThat(runWithTests(engine)).containsEntry("recent", Status.UNCHANGED)
          .containsEntry("event_count", Status.UNCHANGED);

      // New rows and a new column in its table: its definition changed, so it is created again and shows it.
      engine.sql("ALTER TABLE bronze.events ADD COLUMN note STRING", 0);
      engine.sql("INSERT INTO bronze.events VALUES (3, TIMESTAMP '2026-01-01 12:00:00', 'late')", 0);
      assertThat(runWithTests(engine)).containsEntry("recent", Status.SUCCESS);
      assertThat(view(engine).currentVersion().versionId()).isGreaterThan(firstVersion);
      assertThat(engine.session().table("silver.recent").columns()).containsExactly("id", "ts", "note");

      // Its SQL edited: created again, and its reader counts what it now shows.
      int edited = view(engine).currentVersion().versionId();
      write(dir, "models/silver/recent.sql", "{{ config(materialized='view') }}\n"
          + "select * from {{ source('bronze', 'events') }} where id > 1\n");
      assertThat(runWithTests(engine)).containsEntry("recent", Status.SUCCESS);
      assertThat(view(engine).currentVersion().versionId()).isGreaterThan(edited);
      assertThat(value(engine, "SELECT events FROM gold.event_count")).isEqualTo(2L);

      // A new row its test rejects, read as published: the run stops before publishing, main as it was.
      engine.sql("INSERT INTO bronze.events VALUES (4, CAST(NULL AS TIMESTAMP), 'x')", 0);
      RunReport blocked = new ModelRunner(engine, ModelProject.load(Project.load(dir)))
          .run(Set.of("recent", "event_count"), true);
      assertThat(blocked.published()).isFalse();
      assertThat(blocked.tests()).anySatisfy(test -> {
        assertThat(test.name()).isEqualTo("not_null(recent.ts)");
        assertThat(test.failures()).isEqualTo(1);
      });
      assertThat(value(engine, "SELECT events FROM gold.event_count")).isEqualTo(2L);
    }
  }

  private static View view(FloeEngine engine) {
    return ((ViewCatalog) engine.icebergCatalog()).loadView(TableIdentifier.parse("silver.recent"));
  }

  private Map<String, Status> runWithTests(FloeEngine engine) {
    ModelProject models = ModelProject.load(Project.load(dir));
    RunReport report = new ModelRunner(engine, models).run(Set.of("recent", "event_count"), true);
    assertThat(report.published()).as(report.toString()).isTrue();
    return report.models().stream().collect(Collectors.toMap(ModelResult::model, ModelResult::status));
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
