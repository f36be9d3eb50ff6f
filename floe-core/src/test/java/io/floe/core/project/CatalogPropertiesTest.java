package io.floe.core.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.floe.core.error.FloeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogPropertiesTest {
  private static final Function<String, String> ENV = Map.of(
      "PG_PASSWORD", "pg-secret",
      "REST_CREDENTIAL", "client:rest-secret",
      "S3_KEY", "minio",
      "S3_SECRET", "minio-secret")::get;

  @TempDir Path dir;

  @Test
  void defaultIsSqliteInTheProjectWithALocalWarehouse() throws IOException {
    Project project = load("name: shop\n");
    Path root = project.root();

    Map<String, String> properties = CatalogProperties.icebergProperties(project, ENV);

    assertThat(properties).containsExactly(
        entry("type", "jdbc"),
        entry("uri", "jdbc:sqlite:" + root.resolve(".floe/catalog.db")),
        entry("jdbc.schema-version", "V1"),
        entry("warehouse", "file://" + root.resolve(".floe/warehouse")),
        entry("table-default.format-version", "2"),
        entry("table-default.write.format.default", "parquet"),
        entry("table-default.write.parquet.compression-codec", "zstd"));
    assertThat(project.stateDir()).isDirectory();
    assertThat(root.resolve(".floe/warehouse")).isDirectory();
  }

  @Test
  void postgresCatalogResolvesItsPasswordReference() throws IOException {
    Path warehouse = dir.resolve("elsewhere/warehouse").toAbsolutePath();
    Project project = load("""
        name: shop
        catalog:
          uri: jdbc:postgresql://localhost:5432/catalog
          user: floe
          password: ${env:PG_PASSWORD}
          warehouse: %s
        """.formatted(warehouse));

    Map<String, String> properties = CatalogProperties.icebergProperties(project, ENV);

    assertThat(properties)
        .contains(
            entry("type", "jdbc"),
            entry("uri", "jdbc:postgresql://localhost:5432/catalog"),
            entry("jdbc.user", "floe"),
            entry("jdbc.password", "pg-secret"),
            entry("warehouse", "file://" + warehouse))
        .doesNotContainKey("io-impl");
    assertThat(warehouse).isDirectory();
  }

  @Test
  void missingPasswordVariableFailsWithTheLineOfThePassword() throws IOException {
    Project project = load("""
        name: shop
        catalog:
          uri: jdbc:postgresql://localhost:5432/catalog
          password: ${env:PG_PASSWORD}
        """);

    assertThatThrownBy(() -> CatalogProperties.icebergProperties(project, name -> null))
        .isInstanceOf(FloeException.class)
        .hasMessage("floe.yaml:4: Cannot resolve catalog.password: environment variable PG_PASSWORD is not set "
            + "(referenced as ${env:PG_PASSWORD}). Set it or change the reference.");
  }

  @Test
  void restCatalogPassesUriWarehouseNameAndCredentials() throws IOException {
    Project project = load("""
        name: shop
        catalog:
          type: rest
          uri: http://localhost:8181/api/catalog
          warehouse: lake
          credential: ${env:REST_CREDENTIAL}
          token: abc
        """);

    assertThat(CatalogProperties.icebergProperties(project, ENV)).containsExactly(
        entry("type", "rest"),
        entry("uri", "http://localhost:8181/api/catalog"),
        entry("warehouse", "lake"),
        entry("credential", "client:rest-secret"),
        entry("token", "abc"),
        entry("table-default.format-version", "2"),
        entry("table-default.write.format.default", "parquet"),
        entry("table-default.write.parquet.compression-codec", "zstd"));
    assertThat(project.stateDir()).doesNotExist();
  }

  @Test
  void restCatalogWithoutUriNamesTheKeyAndTheFile() throws IOException {
    Project project = load("""
        name: shop
        catalog:
          type: rest
        """);

    assertThatThrownBy(() -> CatalogProperties.icebergProperties(project, ENV))
        .isInstanceOf(FloeException.class)
        .hasMessage("floe.yaml: Cannot configure catalog 'floe': catalog.uri is required when catalog.type is rest. "
            + "Add the server URL, e.g. uri: http://localhost:8181/api/catalog under catalog:");
  }

  @Test
  void s3StorageUsesS3FileIo() throws IOException {
    Project project = load("""
        name: shop
        catalog:
          warehouse: s3://lake/warehouse
        storage:
          type: s3
          endpoint: http://localhost:9000
          region: us-east-1
          path-style-access: true
          access-key-id: ${env:S3_KEY}
          secret-access-key: ${env:S3_SECRET}
        """);

    assertThat(CatalogProperties.icebergProperties(project, ENV)).contains(
        entry("warehouse", "s3://lake/warehouse"),
        entry("io-impl", "org.apache.iceberg.aws.s3.S3FileIO"),
        entry("s3.endpoint", "http://localhost:9000"),
        entry("client.region", "us-east-1"),
        entry("s3.path-style-access", "true"),
        entry("s3.access-key-id", "minio"),
        entry("s3.secret-access-key", "minio-secret"));
    assertThat(dir.resolve(".floe/warehouse")).doesNotExist();
  }

  @Test
  void s3StorageWithTheDefaultLocalWarehouseIsAnError() throws IOException {
    Project project = load("""
        name: shop
        storage:
          type: s3
        """);

    assertThatThrownBy(() -> CatalogProperties.icebergProperties(project, ENV))
        .isInstanceOf(FloeException.class)
        .hasMessage("floe.yaml: Cannot use catalog.warehouse '.floe/warehouse' with storage.type s3: "
            + "expected an s3:// location such as s3://bucket/warehouse.");
  }

  @Test
  void s3WarehouseWithLocalStorageIsAnError() throws IOException {
    Project project = load("""
        name: shop
        catalog:
          warehouse: s3://lake/warehouse
        """);

    assertThatThrownBy(() -> CatalogProperties.icebergProperties(project, ENV))
        .isInstanceOf(FloeException.class)
        .hasMessage("floe.yaml:3: Cannot use catalog.warehouse 's3://lake/warehouse' with storage.type local: "
            + "set storage.type: s3 to keep tables in S3, or use a local path.");
  }

  private Project load(String yaml) throws IOException {
    Files.writeString(dir.resolve(Project.CONFIG_FILE), yaml);
    return Project.load(dir);
  }
}
