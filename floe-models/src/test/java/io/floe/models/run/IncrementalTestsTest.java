package io.floe.models.run;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.models.project.Model;
import io.floe.models.project.ModelProject;
import io.floe.models.project.TestProjects;
import io.floe.spark.FloeEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tests of an incremental model check what its run wrote: its row tests and relationships the
 * new rows, unique the keys they hold. Rows already published are not read again; {@code floe test}
 * (the runner on the whole table) still sees them.
 */
class IncrementalTestsTest {
  @TempDir Path dir;

  @Test
  void anIncrementalRunTestsTheRowsItWroteAndTheKeysTheyHold() {
    TestProjects.create(dir);
    write(dir, "models/silver/events.sql", """
        {{ config(materialized='incremental', unique_key='id') }}
        select id, seq, status, customer from {{ source('bronze', 'events') }}
        {% if is_incremental() %} where seq > (select max(seq) from {{ this }}) {% endif %}
        """);
    write(dir, "models/silver/customers.sql", """
        {{ config(materialized='table') }}
        select distinct customer from {{ source('bronze', 'events') }} where customer <> 'ghost'
        """);
    write(dir, "models/silver/events.yml", """
        models:
          - name: events
            columns:
              - name: id
                tests: [unique]
              - name: status
                tests:
                  - not_null
                  - accepted_values: {values: [open, closed]}
              - name: customer
                tests:
                  - relationships: {to: ref('customers'), field: customer}
        """);
    ModelProject models = ModelProject.load(Project.load(dir));
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.events (id BIGINT, seq INT, status STRING, customer STRING)", 0);
      engine.sql("INSERT INTO bronze.events VALUES (1, 1, 'open', 'a'), (2, 2, 'closed', 'b')", 0);
      RunReport first = new ModelRunner(engine, models).run(Set.of("events", "customers"), true);
      assertThat(first.published()).as(first.toString()).isTrue();

      // Rows published earlier that break every test (a write by hand, say): a duplicate id, a NULL
      // and an unknown status, a customer with no parent.
      engine.sql("INSERT INTO silver.events VALUES (2, 0, NULL, 'ghost'), (50, 0, 'lost', 'ghost')", 0);
      engine.sql("INSERT INTO bronze.events VALUES (100, 3, 'open', 'a')", 0);
      RunReport clean = new ModelRunner(engine, models).run(Set.of("events"), true);
      assertThat(statuses(clean)).as(clean.toString()).containsOnly(
          Map.entry("unique(events.id)", TestResult.Status.PASS),
          Map.entry("not_null(events.status)", TestResult.Status.PASS),
          Map.entry("accepted_values(events.status)", TestResult.Status.PASS),
          Map.entry("relationships(events.customer)", TestResult.Status.PASS));
      assertThat(clean.published()).isTrue();
      // The whole table, as floe test reads it, fails all four.
      List<TestResult> whole = new DataTestRunner(engine, models).run(Set.of("events"), Model::table);
      assertThat(whole).extracting(TestResult::status).containsOnly(TestResult.Status.FAIL);

      // New rows that break them fail the run, counted on the new rows alone; unique on a key they
      // hold (id 2, twice in the table since the write by hand: the merge updates both).
      engine.sql("INSERT INTO bronze.events VALUES (101, 4, NULL, 'ghost'), (2, 5, 'closed', 'b')", 0);
      RunReport broken = new ModelRunner(engine, models).run(Set.of("events"), true);
      Map<String, TestResult> byName = broken.tests().stream()
          .collect(Collectors.toMap(TestResult::name, Function.identity()));
      assertThat(byName.get("not_null(events.status)").failures()).isEqualTo(1);
      assertThat(byName.get("not_null(events.status)").sample()).singleElement().asString().contains("id=101");
      assertThat(byName.get("relationships(events.customer)").failures()).isEqualTo(1);
      assertThat(byName.get("unique(events.id)").failures()).isEqualTo(1);
      assertThat(byName.get("unique(events.id)").sample()).singleElement().asString().contains("id=2");
      assertThat(byName.get("accepted_values(events.status)").status()).isEqualTo(TestResult.Status.PASS);
      assertThat(broken.published()).isFalse();
    }
  }

  private static Map<String, TestResult.Status> statuses(RunReport report) {
    return report.tests().stream().collect(Collectors.toMap(TestResult::name, TestResult::status));
  }
}
