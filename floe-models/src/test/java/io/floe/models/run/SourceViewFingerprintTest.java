package io.floe.models.run;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.models.project.ModelProject;
import io.floe.models.project.TestProjects;
import io.floe.spark.FloeEngine;
import io.floe.spark.sql.TablesRead;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model that reads a view is unchanged only while the tables under the view are: a view's rows
 * follow its tables, though the view itself stays the same.
 */
class SourceViewFingerprintTest {
  @TempDir Path dir;

  @Test
  void aModelOverAViewRunsAgainWhenATableUnderTheViewChanges() {
    TestProjects.create(dir);
    write(dir, "models/silver/open_events.sql", """
        {{ config(materialized='table') }}
        select count(*) as n from {{ source('bronze', 'open_events') }}
        """);
    Set<String> models = Set.of("open_events");
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.events (id BIGINT, status STRING)", 0);
      engine.sql("INSERT INTO bronze.events VALUES (1, 'open'), (2, 'closed')", 0);
      engine.sql("CREATE VIEW bronze.open_events AS SELECT * FROM bronze.events WHERE status = 'open'", 0);
      assertThat(TablesRead.of(engine.session().table("bronze.open_events")).orElseThrow())
          .containsOnlyKeys(engine.catalogName() + ".bronze.events");
      // Rows with no snapshot to tell their state by: unknown, so a model over them always runs.
      Path files = dir.resolve("files");
      engine.session().range(3).write().parquet(files.toString());
      assertThat(TablesRead.of(engine.session().read().parquet(files.toString()))).isEmpty();
      ModelProject project = ModelProject.load(Project.load(dir));

      Map<String, ModelResult> first = byName(new ModelRunner(engine, project).run(models, false));
      assertThat(first.get("open_events").status()).isEqualTo(ModelResult.Status.SUCCESS);
      assertThat(count(engine, "silver.open_events")).isEqualTo(1);

      // The table under the view is as it was: unchanged.
      Map<String, ModelResult> again = byName(new ModelRunner(engine, project).run(models, false));
      assertThat(again.get("open_events").status()).isEqualTo(ModelResult.Status.UNCHANGED);

      // A new row under the view: the model runs and sees it.
      engine.sql("INSERT INTO bronze.events VALUES (3, 'open')", 0);
      Map<String, ModelResult> grown = byName(new ModelRunner(engine, project).run(models, false));
      assertThat(grown.get("open_events").status()).isEqualTo(ModelResult.Status.SUCCESS);
      assertThat(count(engine, "silver.open_events")).isEqualTo(2);
    }
  }

  @Test
  void aCompactionOfASourceOrOfTheModelsTableLeavesTheModelUnchanged() {
    TestProjects.create(dir);
    write(dir, "models/silver/totals.sql", """
        {{ config(materialized='table') }}
        select status, count(*) as n from {{ source('bronze', 'events') }} group by status
        """);
    write(dir, "models/gold/open_total.sql", """
        {{ config(materialized='table') }}
        select n from {{ ref('totals') }} where status = 'open'
        """);
    Set<String> models = Set.of("totals", "open_total");
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.events (id BIGINT, status STRING)", 0);
      engine.sql("INSERT INTO bronze.events VALUES (1, 'open'), (2, 'closed')", 0);
      engine.sql("INSERT INTO bronze.events VALUES (3, 'open')", 0);
      ModelProject project = ModelProject.load(Project.load(dir));
      assertThat(byName(new ModelRunner(engine, project).run(models, false)).get("open_total").status())
          .isEqualTo(ModelResult.Status.SUCCESS);

      // Compactions only replace files ("replace" snapshots): the rows, and so the models, are as they were.
      compact(engine, "bronze.events");
      rewriteManifests(engine, "silver.totals");
      Map<String, ModelResult> again = byName(new ModelRunner(engine, project).run(models, false));
      assertThat(again.get("totals").status()).isEqualTo(ModelResult.Status.UNCHANGED);
      assertThat(again.get("open_total").status()).isEqualTo(ModelResult.Status.UNCHANGED);

      // A new row after the compaction: both run and see it.
      engine.sql("INSERT INTO bronze.events VALUES (4, 'open')", 0);
      Map<String, ModelResult> grown = byName(new ModelRunner(engine, project).run(models, false));
      assertThat(grown.get("open_total").status()).isEqualTo(ModelResult.Status.SUCCESS);
      assertThat(count(engine, "gold.open_total")).isEqualTo(3);
    }
  }

  private static void compact(FloeEngine engine, String table) {
    org.apache.iceberg.Table iceberg = engine.table(table);
    String before = iceberg.currentSnapshot().operation();
    engine.sql("CALL " + engine.catalogName() + ".system.rewrite_data_files(table => '" + table
        + "', options => map('min-input-files', '2'))", 0);
    iceberg.refresh();
    assertThat(iceberg.currentSnapshot().operation()).as("compacted, after a " + before).isEqualTo("replace");
  }

  // The model's table holds one file: its manifests rewritten, a replace snapshot too.
  private static void rewriteManifests(FloeEngine engine, String table) {
    org.apache.iceberg.Table iceberg = engine.table(table);
    iceberg.rewriteManifests().rewriteIf(manifest -> true).commit();
    iceberg.refresh();
    assertThat(iceberg.currentSnapshot().operation()).isEqualTo("replace");
  }

  private static long count(FloeEngine engine, String table) {
    return ((Number) engine.session().table(table).first().get(0)).longValue();
  }

  private static Map<String, ModelResult> byName(RunReport report) {
    assertThat(report.published()).as(report.toString()).isTrue();
    return report.models().stream().collect(Collectors.toMap(ModelResult::model, Function.identity()));
  }
}
