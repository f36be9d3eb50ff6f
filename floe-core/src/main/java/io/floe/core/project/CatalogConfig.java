package io.floe.core.project;

import static java.util.Objects.requireNonNull;

import io.floe.core.config.FloeSettings;
import io.floe.core.secret.ConfigValue;

/**
 * The Iceberg catalog that holds the project's tables ({@code catalog.*} in floe.yaml). Optional
 * values are null when absent; secrets stay unresolved until {@link CatalogProperties} needs them.
 *
 * @param type {@value #JDBC} or {@value #REST}
 * @param name the catalog's name in SQL
 * @param uri the JDBC URL or REST server URL; null means the project's SQLite file for jdbc
 * @param warehouse where table files go (jdbc), or the warehouse name on the server (rest)
 * @param credential the REST OAuth2 client credential, {@code id:secret}
 * @param token the REST bearer token
 */
public record CatalogConfig(
    String type,
    String name,
    ConfigValue uri,
    ConfigValue user,
    ConfigValue password,
    ConfigValue warehouse,
    ConfigValue credential,
    ConfigValue token) {
  public static final String JDBC = "jdbc";
  public static final String REST = "rest";

  public CatalogConfig {
    requireNonNull(type, "type is null");
    requireNonNull(name, "name is null");
    requireNonNull(warehouse, "warehouse is null");
    if (!FloeSettings.CATALOG_TYPE.allowedValues().contains(type)) {
      throw new IllegalArgumentException("Invalid catalog type: expected one of "
          + FloeSettings.CATALOG_TYPE.allowedValues() + ", but was: " + type);
    }
    if (name.isBlank()) {
      throw new IllegalArgumentException("Invalid catalog name: the name is blank");
    }
  }

  public boolean isJdbc() {
    return type.equals(JDBC);
  }

  public boolean isRest() {
    return type.equals(REST);
  }
}
