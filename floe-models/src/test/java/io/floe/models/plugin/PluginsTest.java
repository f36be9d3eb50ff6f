package io.floe.models.plugin;

import static io.floe.models.project.TestProjects.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.models.project.ModelProject;
import io.floe.models.project.ModelSettings;
import io.floe.models.project.TestProjects;
import io.floe.models.run.RunReport;
import io.floe.models.run.TestResult;
import io.floe.spark.FloeEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plug-in boundaries of models, as a third-party jar uses them: a materialization registered
 * by name and a provider of in-memory models, both found by ServiceLoader on the class path (this
 * test jar's META-INF/services), both run by the same runner as the built-in ones.
 */
class PluginsTest {
  @TempDir Path dir;

  @Test
  void aProvidedModelIsAModelLikeAFileOneAndAPluginMaterializationRunsByItsName() {
    TestProjects.create(dir);
    write(dir, "staging.list", "bronze.customers id\n");
    write(dir, "models/gold/known_customers.sql", """
        {{ config(materialized='insert_only', unique_key='id') }}
        select id, name from {{ ref('stg_customers') }}
        """);
    ModelProject models = ModelProject.load(Project.load(dir));

    assertThat(models.model("stg_customers").path()).isEqualTo("staging.list:1");
    assertThat(models.model("stg_customers").table()).isEqualTo("silver.stg_customers");
    assertThat(models.model("known_customers").refs()).containsExactly("stg_customers");
    assertThat(models.compile(models.model("stg_customers"), false, model -> model.table()))
        .isEqualTo("select * from bronze.customers");
    assertThat(ModelSettings.MATERIALIZED.allowedValues()).contains("view", "table", "insert_only");

    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.customers (id BIGINT, name STRING)", 0);
      engine.sql("INSERT INTO bronze.customers VALUES (1, 'Ada'), (2, 'Bo')", 0);
      RunReport first = new io.floe.models.run.ModelRunner(engine, models).run(
          java.util.Set.of("stg_customers", "known_customers"), true);
      assertThat(first.succeeded()).as(first.toString()).isTrue();
      assertThat(first.tests()).extracting(TestResult::name).containsExactly("not_null(stg_customers.id)");

      // insert_only keeps the first row of a key: a changed name is not taken, a new key is.
      engine.sql("INSERT INTO bronze.customers VALUES (1, 'Ada Lovelace'), (3, 'Cy')", 0);
      RunReport second = new io.floe.models.run.ModelRunner(engine, models).run(
          java.util.Set.of("stg_customers", "known_customers"), true);
      assertThat(second.succeeded()).as(second.toString()).isTrue();
      assertThat(rows(engine, "SELECT id, name FROM gold.known_customers ORDER BY id"))
          .containsExactly("1,Ada", "2,Bo", "3,Cy");
    }
  }

  @Test
  void aProvidedModelNamedLikeAFileOneAndAnUnknownMaterializationAreErrorsNamingWhere() {
    TestProjects.create(dir);
    write(dir, "staging.list", "bronze.customers id\n");
    write(dir, "models/stg_customers.sql", "select 1 as id\n");
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .isInstanceOf(FloeException.class)
        .hasMessage("staging.list:1: Cannot load model stg_customers from staging views (staging.list): "
            + "models/stg_customers.sql defines it too. Rename one.");

    write(dir, "staging.list", "bronze.customers id\n");
    write(dir, "models/stg_customers.sql", "{{ config(materialized='insert_onyl') }}\nselect 1 as id\n");
    assertThatThrownBy(() -> ModelProject.load(Project.load(dir)))
        .isInstanceOf(FloeException.class)
        .hasMessageStartingWith("models/stg_customers.sql:1: Invalid config materialized: expected one of [view, "
            + "table, incremental, scd2, ")
        .hasMessageContaining("insert_only")
        .hasMessageEndingWith("but was: insert_onyl. Did you mean 'insert_only'?");
  }

  private static List<String> rows(FloeEngine engine, String sql) {
    List<String> rows = new ArrayList<>();
    for (List<Object> row : engine.sql(sql, 100).rows()) {
      rows.add(row.get(0) + "," + row.get(1));
    }
    return rows;
  }
}
