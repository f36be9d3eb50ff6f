package io.floe.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.ErrorCategory;
import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.spark.sql.QueryResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded engine on the default file-backed catalog: real Spark, real Iceberg on disk. */
class FloeEngineTest {
  @TempDir Path workspace;

  @Test
  void defaultProjectKeepsCatalogAndWarehouseInsideTheProject() throws IOException {
    Project project = project("alpha");
    try (FloeEngine engine = FloeEngine.open(project)) {
      engine.sql("CREATE TABLE bronze.t (id BIGINT, name STRING)", 0);
      engine.sql("INSERT INTO bronze.t VALUES (1, 'a'), (2, 'b')", 0);

      Table table = engine.table("bronze.t");
      assertThat(table.properties())
          .containsEntry("write.format.default", "parquet")
          .containsEntry("write.parquet.compression-codec", "zstd");
      assertThat(((org.apache.iceberg.HasTableOperations) table).operations().current().formatVersion())
          .isEqualTo(2);
      assertThat(engine.tables()).containsExactly(TableIdentifier.of("bronze", "t"));
    }
    assertThat(project.root().resolve(".floe/catalog.db")).isRegularFile();
    try (Stream<Path> files = Files.walk(project.root().resolve(".floe/warehouse"))) {
      assertThat(files.map(Path::toString).filter(f -> f.endsWith(".parquet"))).isNotEmpty();
    }
  }

  @Test
  void projectsInOneJvmHaveSeparateCatalogs() throws IOException {
    Project first = project("first");
    Project second = project("second");
    try (FloeEngine engine = FloeEngine.open(first)) {
      engine.sql("CREATE TABLE silver.only_here (id INT)", 0);
    }
    try (FloeEngine engine = FloeEngine.open(second)) {
      assertThat(engine.tables()).isEmpty();
      assertThat(engine.sql("SHOW NAMESPACES", 10).rows()).hasSize(3);
    }
  }

  @Test
  void queryResultsArePlainJavaValues() throws IOException {
    try (FloeEngine engine = FloeEngine.open(project("values"))) {
      QueryResult result =
          engine.sql(
              "SELECT 1 AS i, CAST(2.50 AS DECIMAL(5,2)) AS d, TIMESTAMP '2026-01-01 10:00:00' AS ts,"
                  + " array(1, 2) AS a, named_struct('k', 'v') AS s, CAST(NULL AS STRING) AS n",
              10);
      assertThat(result.columns()).containsExactly("i", "d", "ts", "a", "s", "n");
      List<Object> row = result.rows().get(0);
      assertThat(row.get(0)).isEqualTo(1);
      assertThat(row.get(1)).isEqualTo(new BigDecimal("2.50"));
      assertThat(row.get(2)).isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
      assertThat(row.get(3)).isEqualTo(List.of(1, 2));
      assertThat(row.get(4)).isEqualTo(java.util.Map.of("k", "v"));
      assertThat(row.get(5)).isNull();
    }
  }

  @Test
  void engineSettingsReachTheProjectsSession() throws IOException {
    Path root = workspace.resolve("tuned");
    Files.createDirectories(root);
    Files.writeString(
        root.resolve("floe.yaml"),
        "name: tuned\nengine:\n  shuffle-partitions: 7\n  conf:\n    spark.sql.ansi.enabled: false\n");
    try (FloeEngine engine = FloeEngine.open(Project.load(root))) {
      assertThat(engine.session().conf().get("spark.sql.shuffle.partitions")).isEqualTo("7");
      assertThat(engine.sql("SELECT CAST('x' AS INT) AS v", 1).rows().get(0).get(0)).isNull();
    }
  }

  @Test
  void resultsAreCappedAndFlaggedAsTruncated() throws IOException {
    try (FloeEngine engine = FloeEngine.open(project("cap"))) {
      QueryResult result = engine.sql("SELECT id FROM range(10)", 3);
      assertThat(result.rows()).hasSize(3);
      assertThat(result.truncated()).isTrue();
    }
  }

  @Test
  void badSqlIsAUserError() throws IOException {
    try (FloeEngine engine = FloeEngine.open(project("bad"))) {
      assertThatThrownBy(() -> engine.sql("SELECT * FROM bronze.missing", 10))
          .isInstanceOf(FloeException.class)
          .hasMessageStartingWith("Cannot run SQL: [TABLE_OR_VIEW_NOT_FOUND]")
          .satisfies(e -> assertThat(((FloeException) e).category()).isEqualTo(ErrorCategory.USER));
      assertThatThrownBy(() -> engine.table("missing"))
          .hasMessageContaining("expected namespace.table");
    }
  }

  private Project project(String name) throws IOException {
    Path root = workspace.resolve(name);
    Files.createDirectories(root);
    Files.writeString(root.resolve("floe.yaml"), "name: " + name + "\n");
    return Project.load(root);
  }
}
