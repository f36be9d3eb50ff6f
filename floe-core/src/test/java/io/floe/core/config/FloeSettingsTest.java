package io.floe.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FloeSettingsTest {
  @Test
  void declaresEveryKeyOnceWithItsDefault() {
    Map<String, Object> defaults = new LinkedHashMap<>();
    FloeSettings.all().forEach(field -> defaults.put(field.key(), field.defaultValue()));

    assertThat(defaults).containsOnlyKeys(
        "name", "catalog.type", "catalog.name", "catalog.uri", "catalog.user", "catalog.password",
        "catalog.warehouse", "catalog.credential", "catalog.token", "storage.type", "storage.endpoint",
        "storage.region", "storage.path-style-access", "storage.access-key-id", "storage.secret-access-key",
        "storage.request-checksums", "engine.master", "engine.driver-memory", "engine.executor-memory", "engine.shuffle-partitions",
        "engine.threads", "engine.local-sql", "engine.conf", "namespaces", "models.path", "connections", "sources",
        "ingest.columns.ingested-at", "ingest.columns.source", "ingest.columns.batch-id", "ingest.columns.hash",
        "schedules", "maintenance.auto", "maintenance.compact.enabled", "maintenance.compact.min-files",
        "maintenance.compact.deleted-rows-percent", "maintenance.compact.target-file-size",
        "maintenance.expire-snapshots.enabled",
        "maintenance.expire-snapshots.older-than", "maintenance.expire-snapshots.retain-last",
        "maintenance.remove-orphans.enabled", "maintenance.remove-orphans.older-than",
        "maintenance.remove-orphans.interval", "maintenance.rewrite-manifests.enabled",
        "maintenance.rewrite-manifests.min-manifests", "maintenance.tables", "vars",
        "vault.address", "vault.token", "vault.role-id", "vault.secret-id", "vault.approle-path", "vault.namespace");
    assertThat(defaults).containsEntry("catalog.type", "jdbc")
        .containsEntry("catalog.name", "floe")
        .containsEntry("catalog.warehouse", ".floe/warehouse")
        .containsEntry("storage.type", "local")
        .containsEntry("storage.path-style-access", false)
        .containsEntry("storage.request-checksums", "when-required")
        .containsEntry("engine.master", "local[*]")
        .containsEntry("engine.shuffle-partitions", 4)
        .containsEntry("engine.threads", 4)
        .containsEntry("engine.local-sql", "duckdb")
        .containsEntry("namespaces", List.of("bronze", "silver", "gold"))
        .containsEntry("models.path", "models")
        .containsEntry("maintenance.compact.min-files", 10)
        .containsEntry("maintenance.compact.deleted-rows-percent", 30)
        .containsEntry("maintenance.expire-snapshots.older-than", "7d")
        .containsEntry("maintenance.remove-orphans.older-than", "3d");
    assertThat(FloeSettings.all()).filteredOn(ConfigField::required).containsExactly(FloeSettings.NAME);
    assertThat(FloeSettings.sections()).containsExactlyInAnyOrder("catalog", "storage", "engine", "models", "vault",
        "ingest.columns", "maintenance", "maintenance.compact", "maintenance.expire-snapshots",
        "maintenance.remove-orphans", "maintenance.rewrite-manifests");
  }

  @Test
  void secretsAreTheCredentialFields() {
    assertThat(FloeSettings.all()).filteredOn(field -> field.type() == ConfigType.SECRET)
        .extracting(ConfigField::key)
        .containsExactly("catalog.password", "catalog.credential", "catalog.token", "storage.access-key-id",
            "storage.secret-access-key", "vault.token", "vault.secret-id");
  }

  @Test
  void referenceHasARowPerSetting() {
    String markdown = FloeSettings.referenceMarkdown();

    assertThat(markdown.lines()).hasSize(FloeSettings.all().size() + 2);
    assertThat(markdown).startsWith("| Key | Type | Default | Description |\n")
        .contains("| `name` | string | required | ")
        .contains("| `catalog.type` | jdbc or rest | `jdbc` | ")
        .contains("| `engine.shuffle-partitions` | integer | `4` | ")
        .contains("| `namespaces` | list of strings | `[bronze, silver, gold]` | ")
        .contains("| `catalog.uri` | string |  | ")
        .contains("| `catalog.password` | secret |  | JDBC catalog database password. Write a `${env:NAME}`");
  }

  @Test
  void findsFieldsByKey() {
    assertThat(FloeSettings.find("catalog.uri")).contains(FloeSettings.CATALOG_URI);
    assertThat(FloeSettings.find("catalog")).isEmpty();
  }

  @Test
  void fieldDeclarationsAreChecked() {
    assertThatThrownBy(() -> new ConfigField("Catalog URI", ConfigType.STRING, null, "x", List.of(), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lower-case words");
    assertThatThrownBy(() -> new ConfigField("a.b", ConfigType.INT, "4", "x", List.of(), false))
        .hasMessage("Invalid config field a.b: the default does not match the type INT");
    assertThatThrownBy(() -> new ConfigField("a.b", ConfigType.ENUM, "c", "x", List.of("a", "b"), false))
        .hasMessage("Invalid config field a.b: the default is not one of the allowed values");
    assertThatThrownBy(() -> new ConfigField("a.b", ConfigType.STRING, null, "x", List.of("a"), false))
        .hasMessageContaining("allowed values are needed for an enum, and only for an enum");
    assertThatThrownBy(() -> new ConfigField("a", ConfigType.STRING, "x", "x", List.of(), true))
        .hasMessageContaining("a required field cannot have a default");
  }

  @Test
  void fieldKnowsItsSection() {
    assertThat(FloeSettings.STORAGE_PATH_STYLE_ACCESS.section()).isEqualTo("storage");
    assertThat(FloeSettings.STORAGE_PATH_STYLE_ACCESS.name()).isEqualTo("path-style-access");
    assertThat(FloeSettings.NAME.section()).isEmpty();
  }
}
