package io.floe.models.test;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.project.Project;
import io.floe.models.project.DescribedResource;
import io.floe.models.project.Model;
import io.floe.models.project.ModelProject;
import io.floe.models.project.ModelProperties;
import io.floe.models.project.NodeProperties;
import io.floe.models.project.SourceTable;
import io.floe.models.project.TestProjects;
import io.floe.models.project.UnitTestDefinition;
import io.floe.models.test.DataTestDefinition.Severity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dbt's property-file forms of data tests and the sections dbt projects carry, read without an engine. */
class DbtPropertiesTest {
  @TempDir Path dir;

  @Test
  void theArgumentsFormAndTheOlderFormReadAsTheSameTest() {
    TestProjects.create(dir);
    write(dir, "models/silver/orders.sql", "select 1 as id, 'paid' as status");
    write(dir, "models/silver/orders.yml", """
        models:
          - name: orders
            columns:
              - name: status
                data_tests:
                  - accepted_values:
                      arguments: {values: [paid, open]}
                      config: {where: "id > 0", severity: warn, warn_if: ">10", error_if: ">100", limit: 5,
                               store_failures: true, tags: [nightly]}
                  - accepted_values:
                      values: [paid, open]
                      where: "id > 0"
                      severity: warn
                      warn_if: ">10"
                      error_if: ">100"
                      limit: 5
                      store_failures: true
                      tags: nightly
                  - not_null: {config: {enabled: false}}
                  - dbt_utils.not_empty_string: {name: status_is_set}
        """);

    List<DataTestDefinition> tests = tests(ModelProject.load(Project.load(dir)), "orders");

    assertThat(tests).hasSize(3); // the disabled one is left out
    DataTestDefinition newer = tests.get(0);
    DataTestDefinition older = tests.get(1);
    assertThat(newer.arguments()).isEqualTo(Map.of("values", List.of("paid", "open"))).isEqualTo(older.arguments());
    assertThat(newer.severity()).isEqualTo(Severity.WARN).isEqualTo(older.severity());
    assertThat(newer.config()).isEqualTo(older.config());
    assertThat(newer.config().where()).contains("id > 0");
    assertThat(newer.config().warnIf()).isEqualTo(">10");
    assertThat(newer.config().errorIf()).isEqualTo(">100");
    assertThat(newer.config().limit()).hasValue(5);
    assertThat(newer.config().storesFailures()).isTrue();
    assertThat(newer.config().tags()).containsExactly("nightly");
    assertThat(newer.where()).isEqualTo("models/silver/orders.yml:6");
    assertThat(tests.get(2).baseKind()).isEqualTo("not_empty_string");
    assertThat(tests.get(2).config().name()).contains("status_is_set");
  }

  @Test
  void dbtProjectTestConfigsApplyByFolderUnlessTheTestSetsItsOwn() {
    TestProjects.create(dir);
    write(dir, "dbt_project.yml", """
        name: shop
        data_tests:
          +severity: warn
          shop:
            silver:
              +store_failures: true
        """);
    write(dir, "models/silver/orders.sql", "select 1 as id");
    write(dir, "models/silver/orders.yml", """
        models:
          - name: orders
            columns:
              - name: id
                tests:
                  - not_null
                  - unique: {config: {severity: error, store_failures: false}}
        """);
    write(dir, "models/gold/revenue.sql", "select 1 as id");
    write(dir, "models/gold/revenue.yml", "models: [{name: revenue, columns: [{name: id, tests: [not_null]}]}]\n");

    ModelProject project = ModelProject.load(Project.load(dir));

    List<DataTestDefinition> orders = tests(project, "orders");
    assertThat(orders.get(0).severity()).isEqualTo(Severity.WARN);
    assertThat(orders.get(0).config().storesFailures()).isTrue();
    assertThat(orders.get(1).severity()).isEqualTo(Severity.ERROR);
    assertThat(orders.get(1).config().storesFailures()).isFalse();
    DataTestDefinition revenue = tests(project, "revenue").get(0);
    assertThat(revenue.severity()).isEqualTo(Severity.WARN);
    assertThat(revenue.config().storesFailures()).isFalse();
  }

  @Test
  void sectionsDbtProjectsCarryAreReadAndKept() {
    TestProjects.create(dir);
    write(dir, "models/silver/orders.sql", "select * from {{ source('shop', 'orders') }}");
    write(dir, "models/silver/schema.yml", """
        version: 2
        sources:
          - name: shop
            schema: bronze
            loaded_at_field: _loaded_at
            freshness: {warn_after: {count: 12, period: hour}}
            tables:
              - name: orders
                freshness: {warn_after: {count: 1, period: hour}, error_after: {count: 1, period: day}}
                tests:
                  - dbt_utils.at_least_one: {column_name: id}
                columns:
                  - name: id
                    tests: [unique, not_null]
              - name: customers
                identifier: raw_customers
              - name: refunds
                freshness: null
        seeds:
          - name: raw_customers
            config: {delimiter: ";"}
            columns:
              - name: id
                tests: [unique]
        snapshots:
          - name: orders_snapshot
            config: {strategy: timestamp}
        semantic_models:
          - name: orders_semantic
            description: Orders as a semantic model
            model: ref('orders')
        metrics:
          - name: revenue
            type: simple
            label: Revenue
        saved_queries:
          - name: revenue_by_day
        exposures:
          - name: weekly_report
            type: dashboard
            owner: {name: Finance}
        unit_tests:
          - name: keeps_paid_orders
            model: orders
            given:
              - input: source('shop', 'orders')
                rows:
                  - {id: 1, status: paid}
              - input: ref('customers')
                format: csv
                rows: |
                  id,name
                  1,Ann
            expect:
              rows:
                - {id: 1}
        macros:
          - name: cents_to_dollars
            description: converts
        analyses:
          - name: adhoc
        groups:
          - name: finance
            owner: {name: Finance}
        """);

    ModelProject project = ModelProject.load(Project.load(dir));

    List<SourceTable> tables = project.declarations().sourceTables();
    assertThat(tables).extracting(SourceTable::key).containsExactly("shop.orders", "shop.customers", "shop.refunds");
    SourceTable orders = tables.get(0);
    assertThat(orders.relation()).isEqualTo("bronze.orders");
    assertThat(orders.tests()).extracting(DataTestDefinition::kind)
        .containsExactly("dbt_utils.at_least_one", "unique", "not_null");
    assertThat(orders.freshness()).hasValueSatisfying(freshness -> {
      assertThat(freshness.loadedAtField()).isEqualTo("_loaded_at");
      assertThat(freshness.warnAfter()).contains(new SourceTable.Age(1, "hour"));
      assertThat(freshness.errorAfter()).contains(new SourceTable.Age(1, "day"));
    });
    // The source's freshness is inherited; freshness: null turns it off.
    assertThat(tables.get(1).relation()).isEqualTo("bronze.raw_customers");
    assertThat(tables.get(1).freshness()).hasValueSatisfying(freshness ->
        assertThat(freshness.warnAfter()).contains(new SourceTable.Age(12, "hour")));
    assertThat(tables.get(2).freshness()).isEmpty();

    assertThat(project.declarations().nodes("seed")).singleElement().satisfies(seed -> {
      assertThat(seed.config()).containsEntry("delimiter", ";");
      assertThat(seed.tests()).extracting(DataTestDefinition::kind).containsExactly("unique");
    });
    assertThat(project.declarations().nodes("snapshot")).extracting(NodeProperties::name)
        .containsExactly("orders_snapshot");
    assertThat(project.declarations().described()).containsExactly(
        new DescribedResource("semantic_model", "orders_semantic", "", "Orders as a semantic model",
            "models/silver/schema.yml:29"),
        new DescribedResource("metric", "revenue", "simple", "Revenue", "models/silver/schema.yml:33"),
        new DescribedResource("saved_query", "revenue_by_day", "", "", "models/silver/schema.yml:37"),
        new DescribedResource("exposure", "weekly_report", "dashboard", "", "models/silver/schema.yml:39"));
    assertThat(project.declarations().unitTests()).singleElement().satisfies(unit -> {
      assertThat(unit.model()).isEqualTo("orders");
      assertThat(unit.given()).extracting(UnitTestDefinition.Given::input)
          .containsExactly("source('shop', 'orders')", "ref('customers')");
      assertThat(unit.given().get(0).rows().dict()).containsExactly(Map.of("id", 1, "status", "paid"));
      assertThat(unit.given().get(1).rows().text()).contains("id,name\n1,Ann\n");
      assertThat(unit.expect().dict()).containsExactly(Map.of("id", 1));
    });
  }

  @Test
  void anUnknownSectionNamesTheFileWithItsFolderAndLine() {
    TestProjects.create(dir);
    write(dir, "models/staging/stg.sql", "select 1 as id");
    write(dir, "models/staging/schema.yml", "version: 2\nsemantic_model:\n  - name: x\n");

    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .hasMessageStartingWith("models/staging/schema.yml:2: Cannot read properties: unknown key 'semantic_model'."
            + " Did you mean 'semantic_models'?");
  }

  @Test
  void anUnknownTestIsAnErrorAtItsLineThatListsTheKnownOnes() {
    TestProjects.create(dir);
    write(dir, "macros/checks.sql", "{% test is_positive(model, column_name) %}select 1{% endtest %}");
    write(dir, "models/silver/orders.sql", "select 1 as id");
    write(dir, "models/silver/orders.yml", """
        models:
          - name: orders
            columns:
              - name: id
                tests: [is_positve]
        """);

    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .hasMessageStartingWith("models/silver/orders.yml:5: Cannot load test 'is_positve': there is no such generic"
            + " test. Did you mean 'is_positive'?")
        .hasMessageContaining("accepted_range");

    write(dir, "models/silver/orders.yml", """
        models:
          - name: orders
            columns:
              - name: id
                tests: [dbt_expectations.expect_column_to_exist]
        """);
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .hasMessageStartingWith("models/silver/orders.yml:5: Cannot load test 'dbt_expectations.expect_column_to_exist':"
            + " it comes from the package dbt_expectations, which Floe does not ship");
  }

  @Test
  void aGenericTestBlockIsAMacroAndRendersWithTheRelationTheColumnAndTheArguments() {
    TestProjects.create(dir);
    write(dir, "macros/cents.sql", """
        {% macro cents(column) %}{{ column }} * 100{% endmacro %}

        {%- test below(model, column_name, limit_value, also='') -%}
        select * from {{ model }} where {{ column_name }} >= {{ limit_value }}{% if also %} or {{ also }}{% endif %}
        {%- endtest %}
        """);
    write(dir, "tests/generic/in_table.sql", """
        {% test in_table(model, column_name, to, field) %}
        select * from {{ model }} where {{ column_name }} not in (select {{ field }} from {{ to }})
        {% endtest %}
        """);
    write(dir, "tests/no_negative.sql", "select * from {{ ref('orders') }} where {{ cents('amount') }} < 0");
    write(dir, "models/silver/orders.sql", "select {{ cents('amount') }} as amount_cents, 1 as id from x");
    write(dir, "models/silver/orders.yml", """
        models:
          - name: orders
            columns:
              - name: amount_cents
                tests:
                  - below: {limit_value: 1000, also: "id = 'it''s'"}
              - name: id
                tests:
                  - in_table: {arguments: {to: "ref('orders')", field: id}}
        """);

    ModelProject project = ModelProject.load(Project.load(dir));

    assertThat(project.genericTests()).containsExactlyInAnyOrder("below", "in_table");
    // tests/generic/ holds generic tests; only tests/*.sql beside it are singular tests.
    assertThat(project.singularTests()).extracting(test -> test.name()).containsExactly("no_negative");
    List<DataTestDefinition> tests = tests(project, "orders");
    assertThat(project.compileGenericTest(tests.get(0), "silver.orders", Model::table).sql())
        .isEqualTo("select * from silver.orders where amount_cents >= 1000 or id = 'it''s'");
    assertThat(project.compileGenericTest(tests.get(1), "(SELECT * FROM silver.orders WHERE id > 0)", Model::table)
        .sql()).isEqualTo("select * from (SELECT * FROM silver.orders WHERE id > 0) where id not in"
        + " (select id from silver.orders)");
  }

  private static List<DataTestDefinition> tests(ModelProject project, String model) {
    Optional<ModelProperties> properties = project.model(model).properties();
    return properties.orElseThrow().tests();
  }
}
