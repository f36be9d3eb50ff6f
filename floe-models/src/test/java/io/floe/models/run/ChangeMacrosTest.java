package io.floe.models.run;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.models.project.ModelProject;
import io.floe.models.project.TestProjects;
import io.floe.spark.FloeEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * latest_changes() and change_history() over a change table in the change-log convention: a
 * current-state table kept by merge (deletes remove keys, several changes of a key in one run
 * apply in log order) and an SCD2 history holding every version.
 */
class ChangeMacrosTest {
  private static final String CHANGES = "INSERT INTO bronze.changes VALUES ";

  @TempDir Path dir;

  @Test
  void currentStateAndHistoryFollowTheLogInOrder() {
    TestProjects.create(dir);
    write(dir, "models/silver/current.sql", """
        {{ config(materialized='incremental', unique_key='id', delete_condition="_op = 'd'") }}
        {% if is_incremental() %}{% set since = max_of(this, '_source_position') %}{% else %}{% set since = none %}{% endif %}
        select id, name, _op, _source_position from {{ latest_changes(source('bronze', 'changes'), 'id', since=since) }}
        """);
    write(dir, "models/silver/history.sql", """
        {{ config(materialized='table') }}
        select id, name, valid_from, valid_to, is_current from {{ change_history(source('bronze', 'changes'), 'id') }}
        """);
    ModelProject models = ModelProject.load(Project.load(dir));
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.changes (id INT, name STRING, _op STRING, _source_ts TIMESTAMP,"
          + " _source_position BIGINT, _source_lsn BIGINT)", 0);
      // Two keys read by a snapshot; key 1 changed twice in one transaction (the LSN orders them).
      engine.sql(CHANGES + "(1, 'a', 'r', TIMESTAMP '2026-01-01 00:00:00', 10, 10),"
          + " (2, 'b', 'r', TIMESTAMP '2026-01-01 00:00:00', 10, 10),"
          + " (1, 'a2', 'u', TIMESTAMP '2026-01-01 00:01:00', 20, 15),"
          + " (1, 'a3', 'u', TIMESTAMP '2026-01-01 00:01:00', 20, 17)", 0);
      assertThat(new ModelRunner(engine, models).run(Set.of("current", "history"), false).published()).isTrue();
      assertThat(rows(engine, "SELECT id, name FROM silver.current ORDER BY id")).containsExactly("1,a3", "2,b");

      // Key 2 deleted, key 3 created and deleted, key 1 changed: in one run.
      engine.sql(CHANGES + "(2, NULL, 'd', TIMESTAMP '2026-01-01 00:02:00', 30, 30),"
          + " (3, 'c', 'c', TIMESTAMP '2026-01-01 00:03:00', 40, 40),"
          + " (3, NULL, 'd', TIMESTAMP '2026-01-01 00:04:00', 50, 50),"
          + " (1, 'a4', 'u', TIMESTAMP '2026-01-01 00:05:00', 60, 60)", 0);
      assertThat(new ModelRunner(engine, models).run(Set.of("current", "history"), false).published()).isTrue();
      assertThat(rows(engine, "SELECT id, name FROM silver.current ORDER BY id")).containsExactly("1,a4");

      assertThat(rows(engine, "SELECT id, name, valid_from, valid_to, is_current FROM silver.history"
          + " ORDER BY id, valid_from, name")).containsExactly(
              "1,a,2026-01-01T00:00:00Z,2026-01-01T00:01:00Z,false",
              "1,a2,2026-01-01T00:01:00Z,2026-01-01T00:01:00Z,false",
              "1,a3,2026-01-01T00:01:00Z,2026-01-01T00:05:00Z,false",
              "1,a4,2026-01-01T00:05:00Z,null,true",
              "2,b,2026-01-01T00:00:00Z,2026-01-01T00:02:00Z,false",
              "3,c,2026-01-01T00:03:00Z,2026-01-01T00:04:00Z,false");
    }
  }

  /**
   * PostgreSQL leaves a large (TOAST) value out of an update that did not touch it: the typed change
   * row holds NULL and names the column in {@code _unchanged_toast}. The current state and every
   * version of the history take it from the key's last change that sent it, also across runs; a NULL
   * the source did send stays NULL.
   */
  @Test
  void aLargeValueTheLogLeftOutIsTakenFromTheKeysLastChangeThatSentIt() {
    TestProjects.create(dir);
    write(dir, "models/silver/current.sql", """
        {{ config(materialized='incremental', unique_key='id', delete_condition="_op = 'd'") }}
        {% if is_incremental() %}{% set since = max_of(this, '_source_position') %}{% else %}{% set since = none %}{% endif %}
        select id, name, note, _op, _source_position from {{ latest_changes(source('bronze', 'changes'), 'id', since=since) }}
        """);
    write(dir, "models/silver/history.sql", """
        {{ config(materialized='table') }}
        select id, name, note, valid_from from {{ change_history(source('bronze', 'changes'), 'id') }}
        """);
    ModelProject models = ModelProject.load(Project.load(dir));
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.changes (id INT, name STRING, note STRING, _op STRING, _source_ts TIMESTAMP,"
          + " _source_position BIGINT, _source_lsn BIGINT, _unchanged_toast STRING)", 0);
      engine.sql(CHANGES + "(1, 'a', 'big', 'r', TIMESTAMP '2026-01-01 00:00:00', 10, 10, NULL),"
          + " (2, 'b', 'big', 'r', TIMESTAMP '2026-01-01 00:00:00', 10, 10, NULL),"
          + " (1, 'a2', NULL, 'u', TIMESTAMP '2026-01-01 00:01:00', 20, 20, 'note'),"
          + " (2, 'b2', NULL, 'u', TIMESTAMP '2026-01-01 00:01:00', 20, 21, NULL),"
          + " (1, 'a3', NULL, 'u', TIMESTAMP '2026-01-01 00:02:00', 30, 30, 'note')", 0);
      assertThat(new ModelRunner(engine, models).run(Set.of("current", "history"), false).published()).isTrue();
      assertThat(rows(engine, "SELECT id, name, note FROM silver.current ORDER BY id"))
          .containsExactly("1,a3,big", "2,b2,null");
      assertThat(rows(engine, "SELECT id, name, note FROM silver.history ORDER BY id, valid_from"))
          .containsExactly("1,a,big", "1,a2,big", "1,a3,big", "2,b,big", "2,b2,null");

      // The next run reads only key 1's changes after the last position, and still finds its value.
      engine.sql(CHANGES + "(1, 'a4', NULL, 'u', TIMESTAMP '2026-01-01 00:03:00', 40, 40, 'note')", 0);
      assertThat(new ModelRunner(engine, models).run(Set.of("current"), false).published()).isTrue();
      assertThat(rows(engine, "SELECT id, name, note FROM silver.current ORDER BY id"))
          .containsExactly("1,a4,big", "2,b2,null");
    }
  }

  /**
   * Changes ordered by their own time, arriving out of order (an audit table's late events): a late
   * change never overwrites newer state, the history places it by its time, a delete is a version of
   * its own, and a key created again starts anew.
   */
  @Test
  void lateChangesNeverWinAndTheHistoryKeepsDeletesAsVersions() {
    TestProjects.create(dir);
    write(dir, "models/silver/current.sql", """
        {{ config(materialized='incremental', unique_key='id', delete_condition="_op = 'd'") }}
        {% if is_incremental() %}{% set since = max_of(this, '_source_position') %}{% else %}{% set since = none %}{% endif %}
        select id, name, _op, _source_position
        from {{ latest_changes(source('bronze', 'changes'), 'id', order_by='_source_ts, _source_position',
                               position='_source_position', since=since) }}
        """);
    write(dir, "models/silver/history.sql", """
        {{ config(materialized='incremental', unique_key=['id', '_source_position']) }}
        {% if is_incremental() %}{% set since = max_of(this, '_source_position') %}{% else %}{% set since = none %}{% endif %}
        select id, name, _source_position, valid_from, valid_to, is_current, is_deleted
        from {{ change_history(source('bronze', 'changes'), 'id', order_by='_source_ts, _source_position',
                               position='_source_position', since=since, keep_deletes=true) }}
        """);
    ModelProject models = ModelProject.load(Project.load(dir));
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.changes (id INT, name STRING, _op STRING, _source_ts TIMESTAMP,"
          + " _source_position BIGINT)", 0);
      engine.sql(CHANGES + "(1, 'a', 'c', TIMESTAMP '2026-01-01 01:00:00', 1),"
          + " (1, 'b', 'u', TIMESTAMP '2026-01-01 03:00:00', 2), (2, 'x', 'c', TIMESTAMP '2026-01-01 01:00:00', 3)", 0);
      assertThat(new ModelRunner(engine, models).run(Set.of("current", "history"), false).published()).isTrue();
      // A change from 02:00 arrives after the one from 03:00.
      engine.sql(CHANGES + "(1, 'late', 'u', TIMESTAMP '2026-01-01 02:00:00', 4)", 0);
      assertThat(new ModelRunner(engine, models).run(Set.of("current", "history"), false).published()).isTrue();
      assertThat(rows(engine, "SELECT id, name FROM silver.current ORDER BY id")).containsExactly("1,b", "2,x");
      // Deleted, then created again.
      engine.sql(CHANGES + "(1, NULL, 'd', TIMESTAMP '2026-01-01 04:00:00', 5),"
          + " (1, 'again', 'c', TIMESTAMP '2026-01-01 05:00:00', 6)", 0);
      assertThat(new ModelRunner(engine, models).run(Set.of("current", "history"), false).published()).isTrue();
      assertThat(rows(engine, "SELECT id, name FROM silver.current ORDER BY id")).containsExactly("1,again", "2,x");
      assertThat(rows(engine, "SELECT name, valid_from, valid_to, is_current, is_deleted FROM silver.history"
          + " WHERE id = 1 ORDER BY valid_from")).containsExactly(
              "a,2026-01-01T01:00:00Z,2026-01-01T02:00:00Z,false,false",
              "late,2026-01-01T02:00:00Z,2026-01-01T03:00:00Z,false,false",
              "b,2026-01-01T03:00:00Z,2026-01-01T04:00:00Z,false,false",
              "null,2026-01-01T04:00:00Z,2026-01-01T05:00:00Z,false,true",
              "again,2026-01-01T05:00:00Z,null,true,false");
      assertThat(rows(engine, "SELECT count(*) FROM silver.history WHERE id = 2")).containsExactly("1");
    }
  }

  private static List<String> rows(FloeEngine engine, String sql) {
    List<String> rows = new ArrayList<>();
    for (List<Object> row : engine.sql(sql, 100).rows()) {
      rows.add(String.join(",", row.stream().map(String::valueOf).toList()));
    }
    return rows;
  }
}
