package io.floe.models.snapshot;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.models.project.ModelProject;
import io.floe.models.project.TestProjects;
import io.floe.models.run.ModelResult;
import io.floe.models.run.ModelRunner;
import io.floe.models.run.RunReport;
import io.floe.spark.FloeEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dbt snapshots run by the model runner on real Iceberg tables: the history each strategy keeps over
 * inserts, updates and deletes, dbt's meta columns, a rerun that adds nothing, a full refresh that
 * keeps the history, and a model that reads the snapshot's current rows.
 */
class SnapshotRunTest {
  private static final Set<String> ALL = Set.of("orders_snapshot", "status_snapshot", "current_orders");
  private static final String HISTORY = "SELECT id, status, CAST(updated_at AS STRING),"
      + " CAST(dbt_valid_from AS STRING), CAST(dbt_valid_to AS STRING), dbt_scd_id FROM snapshots.orders_snapshot"
      + " ORDER BY id, dbt_valid_from";

  @TempDir Path dir;

  @Test
  void snapshotsKeepEveryVersionAsDbtDoesAndARerunAddsNothing() throws Exception {
    TestProjects.create(dir);
    write(dir, "snapshots/orders.sql", """
        {% snapshot orders_snapshot %}
        {{ config(target_schema='snapshots', unique_key='id', strategy='timestamp', updated_at='updated_at',
                  invalidate_hard_deletes=True) }}
        select id, status, amount, updated_at from {{ source('bronze', 'orders') }}
        {% endsnapshot %}
        """);
    write(dir, "snapshots/status.yml", """
        snapshots:
          - name: status_snapshot
            relation: source('bronze', 'orders')
            config:
              unique_key: [id]
              strategy: check
              check_cols: [status]
              hard_deletes: new_record
        """);
    write(dir, "models/gold/current_orders.sql", """
        {{ config(materialized='table') }}
        select id, status from {{ ref('orders_snapshot') }} where dbt_valid_to is null
        """);
    ModelProject models = ModelProject.load(Project.load(dir));
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.orders (id INT, status STRING, amount INT, updated_at TIMESTAMP)", 0);
      engine.sql("INSERT INTO bronze.orders VALUES (1, 'open', 10, TIMESTAMP '2024-01-01 00:00:00'),"
          + " (2, 'open', 20, TIMESTAMP '2024-01-01 00:00:00'), (3, 'open', 30, TIMESTAMP '2024-01-01 00:00:00')", 0);
      run(engine, models, false);
      assertThat(rows(engine, HISTORY)).containsExactly(
          "1,open,2024-01-01 00:00:00,2024-01-01 00:00:00,null," + md5("1|2024-01-01 00:00:00"),
          "2,open,2024-01-01 00:00:00,2024-01-01 00:00:00,null," + md5("2|2024-01-01 00:00:00"),
          "3,open,2024-01-01 00:00:00,2024-01-01 00:00:00,null," + md5("3|2024-01-01 00:00:00"));
      // The check strategy's versions start at the run's time, which is also their dbt_updated_at.
      assertThat(rows(engine, "SELECT id, dbt_is_deleted FROM snapshots.status_snapshot WHERE dbt_valid_to IS NULL"
          + " AND dbt_valid_from = dbt_updated_at AND dbt_valid_from > TIMESTAMP '2024-01-02' ORDER BY id"))
          .containsExactly("1,False", "2,False", "3,False");

      // Order 1 is paid, order 2 deleted; order 3's amount changes, which neither snapshot looks at.
      engine.sql("UPDATE bronze.orders SET status = 'paid', updated_at = TIMESTAMP '2024-01-02 00:00:00' WHERE id = 1",
          0);
      engine.sql("UPDATE bronze.orders SET amount = 35 WHERE id = 3", 0);
      engine.sql("DELETE FROM bronze.orders WHERE id = 2", 0);
      run(engine, models, false);
      assertThat(rows(engine, HISTORY)).filteredOn(row -> !row.startsWith("2,")).containsExactly(
          "1,open,2024-01-01 00:00:00,2024-01-01 00:00:00,2024-01-02 00:00:00," + md5("1|2024-01-01 00:00:00"),
          "1,paid,2024-01-02 00:00:00,2024-01-02 00:00:00,null," + md5("1|2024-01-02 00:00:00"),
          "3,open,2024-01-01 00:00:00,2024-01-01 00:00:00,null," + md5("3|2024-01-01 00:00:00"));
      // invalidate: the deleted key's version ends at the run's time.
      assertThat(rows(engine, "SELECT id, status, dbt_valid_to > TIMESTAMP '2024-01-02' FROM"
          + " snapshots.orders_snapshot WHERE id = 2")).containsExactly("2,open,true");
      // new_record: it ends where a deletion record starts, which is current.
      assertThat(rows(engine, "SELECT id, status, dbt_is_deleted, dbt_valid_to IS NULL FROM snapshots.status_snapshot"
          + " ORDER BY id, dbt_valid_from")).containsExactly("1,open,False,false", "1,paid,False,true",
          "2,open,False,false", "2,open,True,true", "3,open,False,true");
      assertThat(rows(engine, "SELECT count(*) FROM snapshots.status_snapshot s JOIN snapshots.status_snapshot d"
          + " ON s.id = d.id AND s.dbt_valid_to = d.dbt_valid_from AND d.dbt_is_deleted = 'True'"))
          .containsExactly("1");
      assertThat(rows(engine, "SELECT id, status FROM gold.current_orders ORDER BY id"))
          .containsExactly("1,paid", "3,open");

      // The same source again, run with --full-refresh: nothing is added, no history is lost.
      List<String> orders = rows(engine, "SELECT * FROM snapshots.orders_snapshot ORDER BY id, dbt_valid_from");
      List<String> statuses = rows(engine, "SELECT * FROM snapshots.status_snapshot ORDER BY id, dbt_valid_from");
      long commits = snapshotCount(engine, "snapshots.orders_snapshot");
      RunReport rerun = run(engine, models, true);
      assertThat(rerun.models()).filteredOn(model -> !model.model().equals("current_orders"))
          .allSatisfy(model -> assertThat(model.rowsWritten()).isZero());
      assertThat(rows(engine, "SELECT * FROM snapshots.orders_snapshot ORDER BY id, dbt_valid_from"))
          .isEqualTo(orders);
      assertThat(rows(engine, "SELECT * FROM snapshots.status_snapshot ORDER BY id, dbt_valid_from"))
          .isEqualTo(statuses);
      assertThat(snapshotCount(engine, "snapshots.orders_snapshot")).isEqualTo(commits);

      // Order 2 comes back: a new version in both, and the deletion record ends.
      engine.sql("INSERT INTO bronze.orders VALUES (2, 'open', 25, TIMESTAMP '2024-01-03 00:00:00')", 0);
      run(engine, models, false);
      assertThat(rows(engine, HISTORY)).filteredOn(row -> row.startsWith("2,")).hasSize(2)
          .last().isEqualTo("2,open,2024-01-03 00:00:00,2024-01-03 00:00:00,null," + md5("2|2024-01-03 00:00:00"));
      assertThat(rows(engine, "SELECT dbt_is_deleted, dbt_valid_to IS NULL FROM snapshots.status_snapshot"
          + " WHERE id = 2 ORDER BY dbt_valid_from")).containsExactly("False,false", "True,false", "False,true");
      assertThat(rows(engine, "SELECT id, status FROM gold.current_orders ORDER BY id"))
          .containsExactly("1,paid", "2,open", "3,open");

      // Two rows of one key: the run fails naming the key, and publishes nothing.
      engine.sql("INSERT INTO bronze.orders VALUES (3, 'paid', 30, TIMESTAMP '2024-01-04 00:00:00')", 0);
      RunReport failed = new ModelRunner(engine, models).run(Set.of("orders_snapshot"), false);
      assertThat(failed.published()).isFalse();
      assertThat(failed.models()).singleElement().extracting(ModelResult::message).asString().endsWith(
          "Cannot snapshot snapshots.orders_snapshot: unique_key (id) is not unique in the SELECT: 2 rows have (3)."
              + " Make the SELECT return one row per key.");
      assertThat(rows(engine, "SELECT count(*) FROM snapshots.orders_snapshot")).containsExactly("5");
    }
  }

  private static RunReport run(FloeEngine engine, ModelProject models, boolean fullRefresh) {
    RunReport report = new ModelRunner(engine, models, false, fullRefresh).run(ALL, false);
    assertThat(report.published()).as(report.toString()).isTrue();
    return report;
  }

  private static long snapshotCount(FloeEngine engine, String table) {
    return Long.parseLong(rows(engine, "SELECT count(*) FROM " + table + ".snapshots").get(0));
  }

  private static String md5(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<String> rows(FloeEngine engine, String sql) {
    List<String> rows = new ArrayList<>();
    for (List<Object> row : engine.sql(sql, 100).rows()) {
      List<String> cells = new ArrayList<>();
      row.forEach(cell -> cells.add(String.valueOf(cell)));
      rows.add(String.join(",", cells));
    }
    return rows;
  }
}
