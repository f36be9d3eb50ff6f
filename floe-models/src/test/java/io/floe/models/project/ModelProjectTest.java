package io.floe.models.project;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.FloeException;
import io.floe.core.graph.Node;
import io.floe.core.graph.Selector;
import io.floe.core.project.Project;
import io.floe.models.test.DataTestDefinition.Severity;
import io.floe.spark.materialize.MaterializeSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelProjectTest {
  @TempDir Path dir;

  @BeforeEach
  void project() {
    TestProjects.create(dir);
    write(dir, "macros/money.sql", "{% macro cents_to_units(col) %}({{ col }} / 100.0){% endmacro %}");
    write(dir, "models/staging/stg_orders.sql", """
        {{ config(materialized='table', tags=['daily']) }}
        select id, {{ cents_to_units('amount_cents') }} as amount
        from {{ source('shop', 'orders') }}
        where amount_cents >= {{ var('min_amount') }}
        """);
    write(dir, "models/gold/revenue.sql", """
        {{ config(materialized='incremental', unique_key='id', partition_by=['bucket(4, id)']) }}
        select id, amount from {{ ref('stg_orders') }}
        {% if is_incremental() %} where id > (select max(id) from {{ this }}) {% endif %}
        """);
    write(dir, "models/staging/schema.yml", """
        version: 2
        sources:
          - name: shop
            schema: bronze
            tables:
              - name: orders
        models:
          - name: stg_orders
            description: Orders in units
            config:
              schema: staging_ns
            columns:
              - name: id
                data_type: bigint
                tests:
                  - not_null
                  - unique:
                      config: {severity: warn}
        """);
  }

  @Test
  void rendersDbtFunctionsMacrosAndBuildsTheGraph() {
    ModelProject models = ModelProject.load(Project.load(dir));

    Model staging = models.model("stg_orders");
    assertThat(staging.table()).isEqualTo("staging_ns.stg_orders");
    assertThat(staging.tags()).containsExactly("daily");
    assertThat(staging.sources()).containsExactly("shop.orders");
    assertThat(staging.properties().orElseThrow().tests()).extracting(t -> t.kind() + ":" + t.severity())
        .containsExactly("not_null:ERROR", "unique:WARN");
    assertThat(models.compile(staging, false, Model::table))
        .contains("(amount_cents / 100.0) as amount", "from bronze.orders", "where amount_cents >= 5");

    Model revenue = models.model("revenue");
    assertThat(revenue.table()).isEqualTo("gold.revenue");
    MaterializeSpec spec = revenue.spec();
    assertThat(spec.materialized()).isEqualTo("incremental");
    assertThat(spec.strategy()).isEqualTo(MaterializeSpec.Strategy.MERGE);
    assertThat(spec.partitionBy()).containsExactly("bucket(4, id)");
    assertThat(models.compile(revenue, false, Model::table)).doesNotContain("max(id)");
    assertThat(models.compile(revenue, true, model -> model.table() + ".branch_run"))
        .contains("from staging_ns.stg_orders.branch_run", "from gold.revenue)");

    assertThat(models.graph().levels(Selector.select(models.graph(), List.of("revenue+"))))
        .extracting(level -> level.stream().map(Node::name).toList())
        .containsExactly(List.of("revenue"));
    assertThat(Selector.select(models.graph(), List.of("+revenue")))
        .containsExactlyInAnyOrder("revenue", "stg_orders", "shop.orders");
    assertThat(Selector.select(models.graph(), List.of("tag:daily"))).containsExactly("stg_orders");
    assertThat(Selector.select(models.graph(), List.of("path:models/gold"))).containsExactly("revenue");
  }

  @Test
  void maxOfRendersAsItsSubqueryWhereNoEngineFindsTheValue() {
    write(dir, "models/gold/latest.sql",
        "select * from {{ ref('stg_orders') }}\nwhere id > {{ max_of(this, 'id') }}");
    ModelProject models = ModelProject.load(Project.load(dir));
    assertThat(models.compile(models.model("latest"), false, Model::table))
        .endsWith("where id > (SELECT max(id) FROM gold.latest)");

    write(dir, "models/gold/latest.sql", "select 1 as id\nwhere 2 > {{ max_of(this) }}");
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("models/gold/latest.sql:2")
        .hasMessageContaining("expected max_of(relation, 'column')");
  }

  @Test
  void aCycleIsAnErrorThatNamesIt() {
    write(dir, "models/a.sql", "select * from {{ ref('b') }}");
    write(dir, "models/b.sql", "select * from {{ ref('a') }}");

    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("cycle a -> b -> a");
  }

  @Test
  void errorsNameTheFileAndLine() {
    write(dir, "models/bad.sql", "select 1\nfrom {{ unknown_thing }}\n");
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .hasMessageStartingWith("models/bad.sql:2: Cannot render model bad:");

    write(dir, "models/bad.sql", "select {{ var('nope') }}");
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .hasMessageContaining("models/bad.sql:1: Cannot render var('nope')");

    write(dir, "models/bad.sql", "{{ config(materialised='table') }} select 1");
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .hasMessage("models/bad.sql:1: Unknown config 'materialised'. Did you mean 'materialized'?");

    // insert_only is PluginsTest's plug-in, snapshot this module's.
    write(dir, "models/bad.sql", "select 1\n{{ config(materialized='incremantal') }}");
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .hasMessage("models/bad.sql:2: Invalid config materialized: expected one of [view, table, incremental, scd2,"
            + " ephemeral, insert_only, snapshot], but was: incremantal. Did you mean 'incremental'?");

    write(dir, "models/bad.sql", "{{ config(enabled='maybe', materialized='table') }} select 1");
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .hasMessage("models/bad.sql:1: Invalid config enabled: expected a boolean, but was: maybe.");

    write(dir, "models/bad.sql", "select * from {{ ref('stg_order') }}");
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .hasMessageContaining("depends on 'stg_order'").hasMessageContaining("Did you mean 'stg_orders'?");
  }

  @Test
  void propertyFileErrorsNameTheFileAndLine() {
    write(dir, "models/more.yml", "models:\n  - name: revenue\n    tests:\n      - not_null: [1, 2]\n");
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .hasMessageStartingWith("models/more.yml:4: Cannot read properties:");

    write(dir, "models/more.yml", "models:\n  - name: revenu\n");
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .hasMessage("models/more.yml:2: Cannot read properties: there is no model 'revenu'. Did you mean 'revenue'?");
  }

  @Test
  void singularTestsKnowTheirRefsAndSeverity() {
    write(dir, "tests/no_negative.sql", "{{ config(severity='warn') }} select * from {{ ref('revenue') }} where amount < 0");
    SingularTest test = ModelProject.load(Project.load(dir)).singularTests().get(0);
    assertThat(test.refs()).containsExactly("revenue");
    assertThat(test.severity()).isEqualTo(Severity.WARN);
  }
}
