package io.floe.models.run;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.models.project.ModelProject;
import io.floe.models.project.TestProjects;
import io.floe.spark.FloeEngine;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** max_of(this, 'col') on real tables: the watermark of an incremental model, found before its query. */
class MaxOfTest {
  @TempDir Path dir;

  @Test
  void anIncrementalModelReadsOnlyRowsAfterTheWatermarkAndEveryLiteralReadsBackAsItsValue() {
    TestProjects.create(dir);
    write(dir, "models/silver/events.sql", """
        {{ config(materialized='incremental', unique_key='id') }}
        select id, ts, note from {{ source('bronze', 'events') }}
        {% if is_incremental() %} where ts > {{ max_of(this, 'ts') }} {% endif %}
        """);
    ModelProject models = ModelProject.load(Project.load(dir));
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.events (id BIGINT, ts TIMESTAMP, note STRING)", 0);
      engine.sql("INSERT INTO bronze.events VALUES (1, TIMESTAMP '2026-01-01 10:00:00.000001', 'first'),"
          + " (2, TIMESTAMP '2026-01-01 10:00:00.000002', 'second')", 0);
      assertThat(new ModelRunner(engine, models).run(Set.of("events"), false).published()).isTrue();

      // A row at the watermark's exact microsecond is not new; one a microsecond later is. A row
      // changed behind the watermark is not read again: that is what a watermark means.
      engine.sql("INSERT INTO bronze.events VALUES (3, TIMESTAMP '2026-01-01 10:00:00.000003', 'third'),"
          + " (2, TIMESTAMP '2026-01-01 10:00:00.000002', 'again')", 0);
      engine.sql("UPDATE bronze.events SET note = 'changed' WHERE id = 1", 0);
      assertThat(new ModelRunner(engine, models).run(Set.of("events"), false).published()).isTrue();

      assertThat(rows(engine, "SELECT id, note FROM silver.events ORDER BY id"))
          .containsExactly("1,first", "2,second", "3,third");

      List<Object> values = Arrays.asList(Instant.parse("2026-11-23T04:18:16.123456Z"),
          LocalDateTime.parse("2026-11-23T04:18:16.000001"), LocalDate.parse("2024-02-29"),
          new BigDecimal("-12345.67"), 9_000_000_000L, 42, 2.5d, "it's a \\ test", true, null);
      for (Object value : values) {
        Object back = engine.sql("SELECT " + SqlLiterals.of(value, "a test value"), 1).rows().get(0).get(0);
        assertThat(back).as(String.valueOf(value)).isEqualTo(value);
      }
    }
  }

  @Test
  void theManifestsGiveAColumnsMaximumOnlyWhenItIsExactAndThenTheQuerysValue() {
    TestProjects.create(dir);
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.typed (i INT, l BIGINT, d DATE, ts TIMESTAMP, ntz TIMESTAMP_NTZ,"
          + " amount DECIMAL(12,3), s STRING, f DOUBLE, empty BIGINT) TBLPROPERTIES ('format-version'='2',"
          + " 'write.delete.mode'='merge-on-read')", 0);
      // One file holding both rows, so that deleting one of them needs a delete file.
      engine.sql("INSERT INTO bronze.typed SELECT /*+ COALESCE(1) */ * FROM VALUES (7, 9000000000, DATE '2024-02-29',"
          + " TIMESTAMP '2026-01-01 10:00:00.000007', TIMESTAMP_NTZ '2026-01-01 10:00:00.000007', 12.345,"
          + " 'zzzzzzzzzzzzzzzzzzzz-long', 2.5, NULL), (5, 1, DATE '2024-01-01', TIMESTAMP '2024-01-01 00:00:00',"
          + " TIMESTAMP_NTZ '2024-01-01 00:00:00', 1.000, 'b', 0.5, NULL)", 0);
      engine.sql("INSERT INTO bronze.typed VALUES (-3, -1, DATE '2025-03-01', TIMESTAMP '2025-01-01 00:00:00',"
          + " TIMESTAMP_NTZ '2027-01-01 00:00:00', 99.999, 'a', 1.0, NULL)", 0);
      for (String column : List.of("i", "l", "d", "ts", "ntz", "amount", "I")) {
        Object byQuery = engine.sql("SELECT max(" + column + ") FROM bronze.typed", 1).rows().get(0).get(0);
        assertThat(ColumnMaximum.of(engine, "bronze.typed", column)).as(column).contains(byQuery);
      }
      assertThat(ColumnMaximum.of(engine, "floe.bronze.typed", "l")).contains(9_000_000_000L);
      // Bounds that may be truncated or NaN, no value at all, and what is not a plain column of a table.
      for (String column : List.of("s", "f", "empty", "i + 1", "missing")) {
        assertThat(ColumnMaximum.of(engine, "bronze.typed", column)).as(column).isEmpty();
      }
      assertThat(ColumnMaximum.of(engine, "(SELECT 1 AS i)", "i")).isEmpty();

      // A row deleted by a delete file still has its value in its data file's bound: the query decides.
      engine.sql("DELETE FROM bronze.typed WHERE i = 7", 0);
      assertThat(engine.sql("SELECT max(i) FROM bronze.typed", 1).rows().get(0).get(0)).isEqualTo(5);
      assertThat(engine.sql("SELECT count(*) FROM bronze.typed.delete_files", 1).rows().get(0).get(0)).isEqualTo(1L);
      assertThat(ColumnMaximum.of(engine, "bronze.typed", "i")).isEmpty();
    }
  }

  private static List<String> rows(FloeEngine engine, String sql) {
    List<String> rows = new ArrayList<>();
    for (List<Object> row : engine.sql(sql, 100).rows()) {
      rows.add(row.get(0) + "," + row.get(1));
    }
    return rows;
  }
}
