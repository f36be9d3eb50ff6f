package io.floe.core.project;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectLoadTest {
  @TempDir Path dir;

  @Test
  void minimalProjectGetsEveryDefault() throws IOException {
    Project project = load("name: shop\n");

    ProjectConfig config = project.config();
    assertThat(project.root()).isEqualTo(dir.toAbsolutePath().normalize());
    assertThat(project.configFile()).isEqualTo(project.root().resolve("floe.yaml"));
    assertThat(config.name()).isEqualTo("shop");

    CatalogConfig catalog = config.catalog();
    assertThat(catalog.type()).isEqualTo("jdbc");
    assertThat(catalog.name()).isEqualTo("floe");
    assertThat(catalog.uri()).isNull();
    assertThat(catalog.user()).isNull();
    assertThat(catalog.password()).isNull();
    assertThat(catalog.warehouse().raw()).isEqualTo(".floe/warehouse");
    assertThat(catalog.credential()).isNull();
    assertThat(catalog.token()).isNull();

    StorageConfig storage = config.storage();
    assertThat(storage.type()).isEqualTo("local");
    assertThat(storage.endpoint()).isNull();
    assertThat(storage.region()).isNull();
    assertThat(storage.pathStyleAccess()).isFalse();
    assertThat(storage.accessKeyId()).isNull();
    assertThat(storage.secretAccessKey()).isNull();

    assertThat(config.engine()).isEqualTo(new EngineConfig("local[*]", null, null, 4, Map.of(), 4));
    assertThat(config.namespaces()).containsExactly("bronze", "silver", "gold");
    assertThat(config.modelsPath()).isEqualTo("models");
    assertThat(config.sources()).isEmpty();
    assertThat(config.vars()).isEmpty();
    assertThat(project.modelsDir()).isEqualTo(project.root().resolve("models"));
    assertThat(project.stateDir()).isEqualTo(project.root().resolve(".floe"));
  }

  @Test
  void fullProjectKeepsEveryValueAsWritten() throws IOException {
    Project project = load("""
        name: shop
        catalog:
          type: jdbc
          name: lake
          uri: jdbc:postgresql://${env:PGHOST}:5432/catalog
          user: floe
          password: ${env:PG_PASSWORD}
          warehouse: s3://bucket/warehouse
        storage:
          type: s3
          endpoint: http://localhost:9000
          region: eu-west-1
          path-style-access: true
          access-key-id: ${env:S3_KEY}
          secret-access-key: ${file:secrets/s3}
        engine:
          master: spark://spark:7077
          driver-memory: 2g
          executor-memory: 4g
          shuffle-partitions: 16
          conf:
            spark.sql.ansi.enabled: true
            spark.sql.session.timeZone: UTC
            spark.executor.cores: 2
        namespaces: [raw, curated]
        models:
          path: sql/models
        sources:
          pg:
            type: jdbc
            tables: [orders, customers]
            fetch-size: 1000
        vars:
          start_date: '2024-01-01'
          threshold: 0.5
          enabled: false
          nothing:
        """);

    ProjectConfig config = project.config();
    CatalogConfig catalog = config.catalog();
    assertThat(catalog.name()).isEqualTo("lake");
    assertThat(catalog.uri().raw()).isEqualTo("jdbc:postgresql://${env:PGHOST}:5432/catalog");
    assertThat(catalog.uri().location().line()).isEqualTo(5);
    assertThat(catalog.user().raw()).isEqualTo("floe");
    assertThat(catalog.password().raw()).isEqualTo("${env:PG_PASSWORD}");
    assertThat(catalog.password().isSecret()).isTrue();
    assertThat(catalog.password().location()).hasToString("floe.yaml:7");
    assertThat(catalog.uri().isSecret()).isFalse();

    StorageConfig storage = config.storage();
    assertThat(storage.type()).isEqualTo("s3");
    assertThat(storage.endpoint().raw()).isEqualTo("http://localhost:9000");
    assertThat(storage.region().raw()).isEqualTo("eu-west-1");
    assertThat(storage.pathStyleAccess()).isTrue();
    assertThat(storage.accessKeyId().raw()).isEqualTo("${env:S3_KEY}");
    assertThat(storage.secretAccessKey().raw()).isEqualTo("${file:secrets/s3}");

    EngineConfig engine = config.engine();
    assertThat(engine.master()).isEqualTo("spark://spark:7077");
    assertThat(engine.driverMemory()).isEqualTo("2g");
    assertThat(engine.executorMemory()).isEqualTo("4g");
    assertThat(engine.shufflePartitions()).isEqualTo(16);
    assertThat(engine.conf()).containsExactly(
        Map.entry("spark.sql.ansi.enabled", "true"),
        Map.entry("spark.sql.session.timeZone", "UTC"),
        Map.entry("spark.executor.cores", "2"));

    assertThat(config.namespaces()).containsExactly("raw", "curated");
    assertThat(project.modelsDir()).isEqualTo(project.root().resolve("sql/models"));
    assertThat(config.sources()).containsOnlyKeys("pg");
    assertThat(config.sources().get("pg")).isEqualTo(
        Map.of("type", "jdbc", "tables", List.of("orders", "customers"), "fetch-size", 1000));
    assertThat(config.vars().keySet()).containsExactly("start_date", "threshold", "enabled", "nothing");
    assertThat(config.vars().values()).containsExactly("2024-01-01", 0.5, false, null);
  }

  @Test
  void dottedKeysAreTheSameAsNestedOnes() throws IOException {
    Project project = load("""
        name: shop
        catalog.type: rest
        catalog.uri: http://localhost:8181
        engine:
          shuffle-partitions: 2
        """);

    assertThat(project.config().catalog().type()).isEqualTo("rest");
    assertThat(project.config().catalog().uri().raw()).isEqualTo("http://localhost:8181");
    assertThat(project.config().engine().shufflePartitions()).isEqualTo(2);
  }

  @Test
  void emptyValuesMeanTheDefault() throws IOException {
    Project project = load("""
        name: shop
        catalog:
          uri:
          warehouse: ''
        engine:
        """);

    assertThat(project.config().catalog().uri()).isNull();
    assertThat(project.config().catalog().warehouse().raw()).isEqualTo(".floe/warehouse");
    assertThat(project.config().engine().master()).isEqualTo("local[*]");
  }

  @Test
  void loadsFromARelativeDirectory() throws IOException {
    load("name: shop\n");
    Path relative = Path.of("").toAbsolutePath().relativize(dir.toAbsolutePath());

    assertThat(Project.load(relative).root()).isEqualTo(dir.toAbsolutePath().normalize());
  }

  private Project load(String yaml) throws IOException {
    Files.writeString(dir.resolve(Project.CONFIG_FILE), yaml);
    return Project.load(dir);
  }
}
