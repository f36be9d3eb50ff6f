package io.floe.models.run;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.models.project.ModelProject;
import io.floe.models.project.TestProjects;
import io.floe.spark.FloeEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An enforced contract checked in a run: a SELECT whose columns differ stops its model before anything
 * is written; one that meets it is written as the contract says, also after a pre_hook that changes what
 * the SELECT reads (the write analyzes it again after the hook).
 */
class ContractRunTest {
  @TempDir Path dir;

  @Test
  void aModelThatBreaksItsContractWritesNothingAndOneThatMeetsItIsWrittenAfterItsPreHook() {
    TestProjects.create(dir);
    write(dir, "models/silver/totals.sql", """
        {{ config(materialized='table',
                  pre_hook="insert into bronze.orders values (9, 'late', 100)") }}
        select customer, sum(amount) as total from {{ source('bronze', 'orders') }} group by customer
        """);
    write(dir, "models/silver/names.sql", """
        {{ config(materialized='table') }}
        select id, customer as name from {{ source('bronze', 'orders') }}
        """);
    write(dir, "models/silver/models.yml", """
        models:
          - name: totals
            config:
              contract: {enforced: true}
            columns:
              - {name: customer, data_type: string}
              - {name: total, data_type: bigint}
          - name: names
            config:
              contract: {enforced: true}
            columns:
              - {name: id, data_type: bigint}
              - {name: name, data_type: int}
        """);
    ModelProject models = ModelProject.load(Project.load(dir));
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.orders (id BIGINT, customer STRING, amount BIGINT)", 0);
      engine.sql("INSERT INTO bronze.orders VALUES (1, 'a', 10), (2, 'b', 20), (3, 'a', 5)", 0);

      RunReport broken = new ModelRunner(engine, models).run(Set.of("names"), false);
      assertThat(broken.succeeded()).isFalse();
      assertThat(broken.models()).singleElement().satisfies(result -> {
        assertThat(result.status()).isEqualTo(ModelResult.Status.ERROR);
        assertThat(result.message()).contains("contract is not met").contains("name");
      });
      assertThat(engine.icebergCatalog().tableExists(TableIdentifier.of("silver", "names"))).isFalse();

      RunReport met = new ModelRunner(engine, models).run(Set.of("totals"), false);
      assertThat(met.succeeded()).as(met.toString()).isTrue();
      // The row the pre_hook inserted is in the table: the write read the source after the hook.
      assertThat(engine.query("SELECT customer, total FROM silver.totals ORDER BY customer", 10, "totals").rows())
          .isEqualTo(List.of(List.of("a", 15L), List.of("b", 20L), List.of("late", 100L)));
    }
  }
}
