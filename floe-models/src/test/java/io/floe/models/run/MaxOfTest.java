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

  private static List<String> rows(FloeEngine engine, String sql) {
    List<String> rows = new ArrayList<>();
    for (List<Object> row : engine.sql(sql, 100).rows()) {
      rows.add(row.get(0) + "," + row.get(1));
    }
    return rows;
  }
}
