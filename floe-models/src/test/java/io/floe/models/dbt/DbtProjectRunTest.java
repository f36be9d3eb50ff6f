package io.floe.models.dbt;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.models.project.ModelProject;
import io.floe.models.run.ModelRunner;
import io.floe.models.run.RunReport;
import io.floe.spark.FloeEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dbt project without a floe.yaml runs as it is: dbt_project.yml's paths, folder configs and vars,
 * seeds read with ref(), ephemeral models inlined, views reading views published in graph order,
 * hooks, descriptions persisted as comments, and a model turned from a view into a table and back.
 */
class DbtProjectRunTest {
  @TempDir Path dir;

  @Test
  void folderConfigsVarsAndPathsComeFromDbtProjectYml() {
    jaffle(dir);
    // A dbt materialization in the macros is left out (said in the log), not a render error.
    write(dir, "macros/merge_delete.sql", """
        {% materialization merge_delete, adapter='default' %}
          {{ return({'relations': [this]}) }}
        {% endmaterialization %}
        """);
    ModelProject models = ModelProject.load(Project.load(dir));

    assertThat(models.project().config().name()).isEqualTo("jaffle");
    // +materialized and +schema from the folders, config() in the file over them.
    assertThat(models.model("stg_customers").spec().materialized()).isEqualTo("view");
    assertThat(models.model("stg_customers").table()).isEqualTo("staging.stg_customers");
    assertThat(models.model("customers").spec().materialized()).isEqualTo("table");
    assertThat(models.model("customers").table()).isEqualTo("marts.customers");
    assertThat(models.model("orders_enriched").spec().materialized()).isEqualTo("ephemeral");
    // Seeds are models too, typed and selectable by tag.
    assertThat(models.model("raw_customers").tags()).contains("seed");
    assertThat(models.model("raw_customers").table()).isEqualTo("bronze.raw_customers");
    // Jinja in dbt_project.yml's configs is rendered with the vars, --vars over them.
    assertThat(models.models()).doesNotContainKey("extra");
    assertThat(ModelProject.load(Project.load(dir).withVars(java.util.Map.of("load_extras", true))).models())
        .containsKey("extra");
    // dbt_project.yml's var (project-scoped) reaches the model.
    assertThat(models.compile(models.model("customers"), false, model -> model.table())).contains("> 1");
  }

  @Test
  void aGenerateSchemaNameOverrideNamesTheSchemasAsDbtWould() {
    jaffle(dir);
    write(dir, "macros/generate_schema_name.sql", """
        {% macro generate_schema_name(custom_schema_name, node) -%}
          {%- if node.resource_type == 'seed' -%} seeds_{{ custom_schema_name | trim }}
          {%- elif custom_schema_name is none -%} {{ target.schema }}
          {%- else -%} {{ target.schema }}_{{ custom_schema_name | trim }}
          {%- endif -%}
        {%- endmacro %}
        """);
    write(dir, "models/plain.sql", "select 1 as one");

    ModelProject models = ModelProject.load(Project.load(dir));

    assertThat(models.model("stg_customers").table()).isEqualTo("silver_staging.stg_customers");
    assertThat(models.model("raw_customers").table()).isEqualTo("seeds_bronze.raw_customers");
    assertThat(models.model("plain").table()).isEqualTo("silver.plain");
  }

  @Test
  void anUnknownKeyInAFolderConfigNamesDbtProjectYmlAndItsLine() {
    jaffle(dir);
    write(dir, "dbt_project.yml", """
        name: jaffle
        vars: {min_orders: 1}
        models:
          jaffle:
            staging:
              +materialised: view
        """);

    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("dbt_project.yml:6")
        .hasMessageContaining("materialised")
        .hasMessageContaining("materialized");
  }

  @Test
  void theProjectBuildsWithSeedsEphemeralViewsOnViewsHooksAndDocsAndAModelChangesKind() {
    jaffle(dir);
    Project project = Project.load(dir);
    try (FloeEngine engine = FloeEngine.open(project)) {
      ModelProject models = ModelProject.load(project);
      RunReport first = new ModelRunner(engine, models).run(models.models().keySet(), true);
      assertThat(first.published()).as(first.toString()).isTrue();

      List<Row> customers = engine.session().sql("SELECT customer_id, first_name, number_of_orders FROM"
          + " marts.customers ORDER BY customer_id").collectAsList();
      assertThat(customers).extracting(Object::toString).containsExactly("[1,Michael,2]", "[3,Kathleen,3]");
      // Seeds are typed as dbt infers them.
      assertThat(engine.session().table("bronze.raw_orders").schema().apply("order_date").dataType().simpleString())
          .isEqualTo("date");
      // A view reading a view, both published.
      assertThat(engine.session().sql("SELECT count(*) FROM staging.stg_orders_paid").first().getLong(0))
          .isEqualTo(5);
      // The ephemeral model made no table.
      assertThat(engine.session().catalog().tableExists("silver.orders_enriched")).isFalse();
      // Hooks ran: on-run-start made the audit table, the post-hook wrote to it after publish.
      assertThat(engine.session().sql("SELECT model FROM marts.audit").collectAsList())
          .extracting(row -> row.getString(0)).containsExactly("marts.customers");
      // persist_docs: the description is the table's comment, a column's its comment.
      assertThat(engine.icebergCatalog().loadTable(org.apache.iceberg.catalog.TableIdentifier.parse(
          "marts.customers")).properties()).containsEntry("comment", "One row per customer.");
      assertThat(engine.session().table("marts.customers").schema().apply("first_name").getComment().get())
          .isEqualTo("Given name.");

      // --full-refresh leaves a model with full_refresh=false as it is.
      Object seen = engine.session().sql("SELECT max(seen_at) FROM marts.order_log").first().get(0);
      RunReport refreshed = new ModelRunner(engine, models, false, true).run(Set.of("order_log"), false);
      assertThat(refreshed.published()).as(refreshed.toString()).isTrue();
      Row after = engine.session().sql("SELECT max(seen_at), count(*) FROM marts.order_log").first();
      assertThat(after.get(0)).isEqualTo(seen);
      assertThat(after.getLong(1)).isEqualTo(6L);

      // The view becomes a table, and the table a view: each run replaces the other kind.
      write(dir, "models/staging/stg_orders_paid.sql",
          "{{ config(materialized='table') }}\nselect * from {{ ref('stg_orders') }} where status <> 'returned'");
      write(dir, "models/marts/customers.sql", CUSTOMERS.replace("materialized='table'", "materialized='view'"));
      ModelProject changed = ModelProject.load(Project.load(dir));
      RunReport second = new ModelRunner(engine, changed).run(changed.models().keySet(), true);
      assertThat(second.published()).as(second.toString()).isTrue();
      assertThat(engine.icebergCatalog().tableExists(
          org.apache.iceberg.catalog.TableIdentifier.parse("staging.stg_orders_paid"))).isTrue();
      assertThat(engine.icebergCatalog().tableExists(
          org.apache.iceberg.catalog.TableIdentifier.parse("marts.customers"))).isFalse();
      assertThat(engine.session().sql("SELECT count(*) FROM marts.customers").first().getLong(0)).isEqualTo(2);
    }
  }

  private static final String CUSTOMERS = """
      {{ config(materialized='table', post_hook="insert into marts.audit values ('{{ this }}')") }}
      select c.customer_id, c.first_name, count(o.order_id) as number_of_orders
      from {{ ref('stg_customers') }} c join {{ ref('orders_enriched') }} o on o.customer_id = c.customer_id
      group by c.customer_id, c.first_name
      having count(o.order_id) > {{ var('min_orders') }}
      """;

  static void jaffle(Path dir) {
    write(dir, "dbt_project.yml", """
        name: jaffle
        version: '1.0.0'
        config-version: 2
        profile: jaffle
        model-paths: [models]
        seed-paths: [seeds]
        vars:
          jaffle:
            min_orders: 1
        on-run-start:
          - "create table if not exists marts.audit (model string)"
        models:
          jaffle:
            +persist_docs: {relation: true, columns: true}
            staging:
              +materialized: view
              +schema: staging
            marts:
              +materialized: table
              +schema: marts
            intermediate:
              materialized: ephemeral
            extras:
              +enabled: "{{ var('load_extras', false) }}"
        seeds:
          jaffle:
            raw_orders:
              +column_types: {status: string}
        """);
    write(dir, "seeds/raw_customers.csv", "id,first_name,last_name\n1,Michael,P.\n2,Shawn,M.\n3,Kathleen,P.\n");
    write(dir, "seeds/raw_orders.csv", """
        id,user_id,order_date,status
        1,1,2018-01-01,returned
        2,3,2018-01-02,completed
        3,1,2018-01-04,completed
        4,3,2018-01-05,completed
        5,3,2018-01-05,shipped
        6,1,2018-01-07,placed
        """);
    // A seed read as a source, as dbt projects often declare them: it is loaded first, in the same run.
    write(dir, "models/staging/sources.yml", "sources:\n  - name: shop\n    schema: bronze\n    tables:\n"
        + "      - name: raw_customers\n");
    write(dir, "models/staging/stg_customers.sql",
        "select id as customer_id, first_name, last_name from {{ source('shop', 'raw_customers') }}");
    write(dir, "models/staging/stg_orders.sql",
        "select id as order_id, user_id as customer_id, order_date, status from {{ ref('raw_orders') }}");
    write(dir, "models/staging/stg_orders_paid.sql",
        "select * from {{ ref('stg_orders') }} where status <> 'returned'");
    write(dir, "models/intermediate/orders_enriched.sql",
        "select o.*, year(o.order_date) as order_year from {{ ref('stg_orders_paid') }} o -- trailing comment");
    write(dir, "models/marts/customers.sql", CUSTOMERS);
    write(dir, "models/extras/extra.sql", "select 1 as one");
    write(dir, "models/marts/order_log.sql", """
        {{ config(materialized='incremental', full_refresh=false) }}
        select order_id, current_timestamp() as seen_at from {{ ref('stg_orders') }}
        {% if is_incremental() %} where order_id > (select max(order_id) from {{ this }}) {% endif %}
        """);
    write(dir, "models/marts/schema.yml", """
        version: 2
        models:
          - name: customers
            description: One row per customer.
            columns:
              - name: customer_id
                tests: [unique, not_null]
              - name: first_name
                description: Given name.
        """);
  }
}
