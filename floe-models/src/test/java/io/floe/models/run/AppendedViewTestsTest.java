package io.floe.models.run;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.models.project.ModelProject;
import io.floe.models.project.TestProjects;
import io.floe.spark.FloeEngine;
import io.floe.spark.sql.RowWiseQueries;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tests of a view that maps one source row by row read the rows the source gained since they
 * last passed; anything else about the view or its source, and they read all of its rows again.
 */
class AppendedViewTestsTest {
  @TempDir Path dir;

  @Test
  void aRowByRowViewTestsTheRowsItsSourceGainedSinceItsTestsLastPassed() {
    TestProjects.create(dir);
    write(dir, "models/silver/events.sql", """
        {{ config(materialized='view') }}
        select id, lower(status) as status from {{ source('bronze', 'events') }} where id > 0
        """);
    // Not row by row: each row's rank depends on the others.
    write(dir, "models/silver/ranked.sql", """
        {{ config(materialized='view') }}
        select id, status, row_number() over (order by id) as position from {{ source('bronze', 'events') }}
        """);
    // Row by row, but over a catalog view: no snapshot to stamp or to read new rows from.
    write(dir, "models/silver/echo.sql", """
        {{ config(materialized='view') }}
        select id, status from {{ source('bronze', 'events_view') }}
        """);
    String tests = """
        models:
          - name: events
            columns:
              - name: id
                tests: [{unique: {config: {severity: warn}}}]
              - name: status
                tests: [{not_null: {config: {severity: warn}}}%s]
          - name: ranked
            columns:
              - name: status
                tests: [{not_null: {config: {severity: warn}}}]
          - name: echo
            columns:
              - name: status
                tests: [{not_null: {config: {severity: warn}}}]
        """;
    write(dir, "models/silver/events.yml", tests.formatted(""));
    Set<String> views = Set.of("events", "ranked", "echo");
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.events (id BIGINT, status STRING)", 0);
      engine.sql("INSERT INTO bronze.events VALUES (1, 'open'), (2, NULL), (-1, NULL)", 0);
      engine.sql("CREATE VIEW bronze.events_view AS SELECT * FROM bronze.events", 0);
      ModelProject models = ModelProject.load(Project.load(dir));
      Map<String, TestResult> first = byName(new ModelRunner(engine, models, true, false).run(views, true));
      assertThat(first.get("not_null(events.status)").failures()).isEqualTo(1);
      assertThat(first.get("not_null(ranked.status)").failures()).isEqualTo(2);
      // A view over a catalog view publishes and is tested as before: there is no snapshot to stamp.
      assertThat(first.get("not_null(echo.status)").failures()).isEqualTo(2);

      // Appended rows: the row-by-row view's tests count the new rows alone, the other view's all rows.
      engine.sql("INSERT INTO bronze.events VALUES (3, 'open'), (4, NULL), (-2, NULL)", 0);
      Map<String, TestResult> appended = byName(new ModelRunner(engine, models, true, false).run(views, true));
      assertThat(appended.get("not_null(events.status)").failures()).isEqualTo(1);
      assertThat(appended.get("not_null(events.status)").sample()).singleElement().asString().contains("id=4");
      assertThat(appended.get("not_null(ranked.status)").failures()).isEqualTo(4);
      assertThat(appended.get("unique(events.id)").status()).isEqualTo(TestResult.Status.PASS);

      // unique checks the keys the new rows hold against all rows.
      engine.sql("INSERT INTO bronze.events VALUES (1, 'closed')", 0);
      Map<String, TestResult> duplicate = byName(new ModelRunner(engine, models, true, false).run(views, true));
      assertThat(duplicate.get("unique(events.id)").status()).isEqualTo(TestResult.Status.WARN);
      assertThat(duplicate.get("unique(events.id)").sample()).singleElement().asString().contains("id=1");
      assertThat(duplicate.get("not_null(events.status)").status()).isEqualTo(TestResult.Status.PASS);

      // The range of the new keys comes from the bounds of the files the source gained: the view's
      // columns that are the table's as they are, renamed or not, have one; computed ones do not.
      assertThat(RowWiseQueries.tableColumns(engine.session().sql(
          "SELECT id AS key, id, lower(status) AS status, CAST(id AS INT) AS small FROM bronze.events WHERE id > 0")))
          .containsExactlyInAnyOrderEntriesOf(Map.of("key", "id", "id", "id"));
      assertThat(RowWiseQueries.tableColumns(
          engine.session().sql("SELECT id, count(*) FROM bronze.events GROUP BY id"))).isEmpty();

      // A source changed other than by appends: all rows again (ids 2 and 4, and 5).
      engine.sql("DELETE FROM bronze.events WHERE id = 3", 0);
      engine.sql("INSERT INTO bronze.events VALUES (5, NULL)", 0);
      Map<String, TestResult> deleted = byName(new ModelRunner(engine, models, true, false).run(views, true));
      assertThat(deleted.get("not_null(events.status)").failures()).isEqualTo(3);

      // A changed test: all rows again, though the source only gained a row.
      write(dir, "models/silver/events.yml", tests.formatted(
          ", {accepted_values: {values: [open, closed], config: {severity: warn}}}"));
      engine.sql("INSERT INTO bronze.events VALUES (6, 'open')", 0);
      ModelProject changed = ModelProject.load(Project.load(dir));
      Map<String, TestResult> retested = byName(new ModelRunner(engine, changed, true, false).run(views, true));
      assertThat(retested.get("not_null(events.status)").failures()).isEqualTo(3);

      // A run without tests keeps what the tests last saw: the next build tests every row since.
      engine.sql("INSERT INTO bronze.events VALUES (7, NULL)", 0);
      assertThat(new ModelRunner(engine, changed).run(views, false).published()).isTrue();
      engine.sql("INSERT INTO bronze.events VALUES (8, NULL)", 0);
      Map<String, TestResult> afterRun = byName(new ModelRunner(engine, changed, true, false).run(views, true));
      assertThat(afterRun.get("not_null(events.status)").failures()).isEqualTo(2);
    }
  }

  private static Map<String, TestResult> byName(RunReport report) {
    assertThat(report.published()).as(report.toString()).isTrue();
    return report.tests().stream().collect(Collectors.toMap(TestResult::name, Function.identity()));
  }
}
