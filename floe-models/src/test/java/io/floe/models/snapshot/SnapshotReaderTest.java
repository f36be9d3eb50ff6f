package io.floe.models.snapshot;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.models.project.Model;
import io.floe.models.project.ModelProject;
import io.floe.models.project.TestProjects;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dbt snapshots read from snapshots/ into models, without an engine: names, tables, graph and errors. */
class SnapshotReaderTest {
  @TempDir Path dir;

  @Test
  void blocksAndYamlEntriesBecomeModelsInTheirSchemaThatOtherModelsRef() {
    TestProjects.create(dir);
    write(dir, "models/silver/stg_orders.sql", "select 1 as id, current_timestamp() as updated_at");
    write(dir, "models/gold/open_orders.sql", """
        select * from {{ ref('orders_snapshot') }} where dbt_valid_to is null
        """);
    write(dir, "snapshots/orders.sql", """
        {% snapshot orders_snapshot %}
        {{
            config(
              target_schema='snapshots',
              unique_key='id',
              strategy='timestamp',
              updated_at='updated_at',
              invalidate_hard_deletes=True
            )
        }}
        select * from {{ ref('stg_orders') }}
        {% endsnapshot %}

        {% snapshot order_status_history %}
        {{ config(schema='gold', unique_key=['id'], strategy='check', check_cols=['status'],
                  hard_deletes='new_record') }}
        select id, 'open' as status from {{ ref('stg_orders') }} where id > {{ var('min_amount') }}
        {% endsnapshot %}
        """);
    write(dir, "snapshots/customers.yml", """
        snapshots:
          - name: customers_snapshot
            relation: source('bronze', 'customers')
            description: Every version of a customer.
            config:
              unique_key: id
              strategy: check
              check_cols: all
              database: analytics
          - name: orders_snapshot
            config:
              dbt_valid_to_current: "timestamp'9999-12-31 00:00:00'"
        """);

    ModelProject models = ModelProject.load(Project.load(dir));

    Model orders = models.model("orders_snapshot");
    assertThat(orders.path()).isEqualTo("snapshots/orders.sql:1");
    assertThat(orders.table()).isEqualTo("snapshots.orders_snapshot");
    assertThat(orders.refs()).containsExactly("stg_orders");
    assertThat(orders.spec().materialized()).isEqualTo("snapshot");
    assertThat(orders.spec().uniqueKey()).containsExactly("id");
    // The YAML entry configures the block of the same name; the block's config() is taken out of its SQL.
    assertThat(SnapshotSettings.fromProperties(orders.spec().properties())).hasValueSatisfying(settings -> {
      assertThat(settings.strategy()).isEqualTo(SnapshotSettings.Strategy.TIMESTAMP);
      assertThat(settings.updatedAt()).contains("updated_at");
      assertThat(settings.hardDeletes()).isEqualTo(SnapshotSettings.HardDeletes.INVALIDATE);
      assertThat(settings.validToCurrent()).contains("timestamp'9999-12-31 00:00:00'");
    });
    assertThat(models.compile(orders, false, Model::table)).isEqualTo("select * from silver.stg_orders");

    Model history = models.model("order_status_history");
    assertThat(history.path()).isEqualTo("snapshots/orders.sql:14");
    assertThat(history.table()).isEqualTo("gold.order_status_history");
    assertThat(models.compile(history, false, Model::table))
        .isEqualTo("select id, 'open' as status from silver.stg_orders where id > 5");
    assertThat(SnapshotSettings.fromProperties(history.spec().properties())).hasValueSatisfying(settings -> {
      assertThat(settings.checkCols()).containsExactly("status");
      assertThat(settings.hardDeletes()).isEqualTo(SnapshotSettings.HardDeletes.NEW_RECORD);
    });

    Model customers = models.model("customers_snapshot");
    assertThat(customers.path()).isEqualTo("snapshots/customers.yml:2");
    assertThat(customers.table()).isEqualTo("snapshots.customers_snapshot");
    assertThat(customers.sources()).containsExactly("bronze.customers");
    assertThat(customers.description()).isEqualTo("Every version of a customer.");
    assertThat(models.compile(customers, false, Model::table)).isEqualTo("select * from bronze.customers");
    assertThat(SnapshotSettings.fromProperties(customers.spec().properties()))
        .hasValueSatisfying(settings -> assertThat(settings.checkAll()).isTrue());

    assertThat(models.graph().node("open_orders").dependsOn()).containsExactly("orders_snapshot");
  }

  @Test
  void dbtProjectYmlGivesTheSnapshotPathsAndTheirFolderConfigs() {
    TestProjects.create(dir);
    write(dir, "dbt_project.yml", """
        name: shop
        snapshot-paths: ["history"]
        snapshots:
          shop:
            +target_schema: gold
            +unique_key: id
            orders:
              +strategy: timestamp
              +updated_at: updated_at
        """);
    write(dir, "history/orders/orders.sql", """
        {% snapshot orders_snapshot %}
        select 1 as id, current_timestamp() as updated_at
        {% endsnapshot %}
        """);

    Model orders = ModelProject.load(Project.load(dir)).model("orders_snapshot");

    assertThat(orders.path()).isEqualTo("history/orders/orders.sql:1");
    assertThat(orders.table()).isEqualTo("gold.orders_snapshot");
    assertThat(SnapshotSettings.fromProperties(orders.spec().properties())).hasValueSatisfying(settings ->
        assertThat(settings.updatedAt()).contains("updated_at"));
  }

  @Test
  void aSnapshotThatMissesWhatItsStrategyNeedsIsAnErrorAtItsFileAndLine() {
    TestProjects.create(dir);
    write(dir, "snapshots/orders.sql", """
        -- history of orders

        {% snapshot orders_snapshot %}
        {{ config(unique_key='id', strategy='timestamp') }}
        select 1 as id
        {% endsnapshot %}
        """);
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .isInstanceOf(FloeException.class)
        .hasMessage("snapshots/orders.sql:3: Cannot read snapshot orders_snapshot: its config has no updated_at."
            + " Add updated_at='updated_at' (the column that says when a row changed).");

    write(dir, "snapshots/orders.sql", """
        {% snapshot orders_snapshot %}
        {{ config(strategy='check', check_cols='all') }}
        select 1 as id
        {% endsnapshot %}
        """);
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .hasMessage("snapshots/orders.sql:1: Cannot read snapshot orders_snapshot: its config has no unique_key."
            + " Add unique_key='id' (or a list of columns).");

    write(dir, "snapshots/orders.sql", "{% snapshot orders_snapshot %}\nselect 1 as id\n");
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .hasMessage("snapshots/orders.sql:1: Cannot read snapshot orders_snapshot: no {% endsnapshot %} closes its"
            + " block. Add it after the SELECT.");

    write(dir, "snapshots/orders.sql", """
        {% snapshot orders_snapshot %}
        {{ config(unique_key='id', strategy='check', check_cols=['id'], hard_deletes='invalidated') }}
        select 1 as id
        {% endsnapshot %}
        """);
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .hasMessageStartingWith("snapshots/orders.sql:1: Cannot read snapshot orders_snapshot: hard_deletes must be"
            + " one of [ignore, invalidate, new_record], but was 'invalidated'.");

    write(dir, "snapshots/orders.sql", "{% snapshot orders_snapshot %}\n{{ config(unique_key='id', strategy='check',"
        + " check_cols='all') }}\nselect 1 as id from {{ ref('nowhere') }}\n{% endsnapshot %}\n");
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .hasMessageContaining("nowhere");

    write(dir, "snapshots/orders.sql", "{% snapshot orders_snapshot %}\n{{ config(unique_key='id', strategy='check',"
        + " check_cols='all') }}\nselect 1 as id\n{% endsnapshot %}\n");
    write(dir, "snapshots/more.yml", """
        version: 2
        snapshots:
          - name: customers_snapshot
            config:
              unique_key: id
              strategy: check
        """);
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .hasMessage("snapshots/more.yml:3: Cannot read snapshot customers_snapshot: it has no relation and no"
            + " {% snapshot customers_snapshot %} block in snapshots/*.sql. Add relation: ref('model') or relation:"
            + " source('source', 'table').");

    write(dir, "snapshots/more.yml", """
        snapshots:
          - name: customers_snapshot
            relation: source('bronze', 'customers')
            config: {unique_key: id, strategy: check}
        """);
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .hasMessage("snapshots/more.yml:2: Cannot read snapshot customers_snapshot: its config has no check_cols."
            + " Add check_cols=['status', 'amount'] or check_cols='all'.");
  }

  @Test
  void aModelCannotAskForTheSnapshotMaterializationItself() {
    TestProjects.create(dir);
    write(dir, "models/history.sql", """
        {{ config(materialized='snapshot', unique_key='id', strategy='check', check_cols=['id']) }}
        select 1 as id
        """);
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .isInstanceOf(FloeException.class)
        .hasMessageStartingWith("Cannot materialize model history as snapshot: a snapshot is declared in snapshots/");
  }
}
