package io.floe.core.project;

import static java.util.Objects.requireNonNull;

import io.floe.core.config.FloeSettings;
import io.floe.core.config.SourceLocation;
import io.floe.core.error.FloeException;
import io.floe.core.secret.ConfigValue;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The Iceberg catalog properties of a project (without any engine prefix), with secrets resolved.
 * The result holds secret values: never log it.
 */
public final class CatalogProperties {
  static final String SQLITE_FILE = "catalog.db";
  private static final String S3_FILE_IO = "org.apache.iceberg.aws.s3.S3FileIO";
  private static final Pattern URI_WITH_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://.*");
  private static final Pattern S3_URI = Pattern.compile("s3[an]?://.*");

  private final Project project;
  private final Function<String, String> env;
  private final Map<String, String> properties = new LinkedHashMap<>();

  private CatalogProperties(Project project, Function<String, String> env) {
    this.project = requireNonNull(project, "project is null");
    this.env = requireNonNull(env, "env is null");
  }

  /**
   * The catalog properties for the project, reading secrets from the process environment. Creates the
   * local state and warehouse directories when the catalog uses them.
   *
   * @throws FloeException a user error naming floe.yaml and the key when the configuration cannot
   *     work or a secret cannot be resolved
   */
  public static Map<String, String> icebergProperties(Project project) {
    return icebergProperties(project, System::getenv);
  }

  /** As {@link #icebergProperties(Project)}, reading environment variables from {@code env}. */
  public static Map<String, String> icebergProperties(Project project, Function<String, String> env) {
    return new CatalogProperties(project, env).build();
  }

  private Map<String, String> build() {
    CatalogConfig catalog = project.config().catalog();
    if (catalog.isRest()) {
      putRest(catalog);
    } else {
      putJdbc(catalog);
    }
    properties.put("table-default.format-version", "2");
    properties.put("table-default.write.format.default", "parquet");
    properties.put("table-default.write.parquet.compression-codec", "zstd");
    StorageConfig storage = project.config().storage();
    if (storage.isS3()) {
      properties.put("io-impl", S3_FILE_IO);
      putIfSet("s3.endpoint", storage.endpoint());
      putIfSet("client.region", storage.region());
      properties.put("s3.path-style-access", String.valueOf(storage.pathStyleAccess()));
      putIfSet("s3.access-key-id", storage.accessKeyId());
      putIfSet("s3.secret-access-key", storage.secretAccessKey());
    }
    return Collections.unmodifiableMap(properties);
  }

  private void putJdbc(CatalogConfig catalog) {
    properties.put("type", CatalogConfig.JDBC);
    properties.put("uri", catalog.uri() != null
        ? resolve(catalog.uri())
        : "jdbc:sqlite:" + createDirectory(project.stateDir()).resolve(SQLITE_FILE));
    putIfSet("jdbc.user", catalog.user());
    putIfSet("jdbc.password", catalog.password());
    // V1 adds view support; new catalogs are created with it.
    properties.put("jdbc.schema-version", "V1");
    properties.put("warehouse", jdbcWarehouse(catalog.warehouse()));
  }

  private void putRest(CatalogConfig catalog) {
    if (catalog.uri() == null) {
      throw FloeException.user("%s: Cannot configure catalog '%s': %s is required when %s is rest. "
              + "Add the server URL, e.g. uri: http://localhost:8181/api/catalog under catalog:",
          SourceLocation.of(project.configFile()), catalog.name(), FloeSettings.CATALOG_URI.key(),
          FloeSettings.CATALOG_TYPE.key());
    }
    properties.put("type", CatalogConfig.REST);
    properties.put("uri", resolve(catalog.uri()));
    // For a REST catalog the warehouse is a name the server knows, not a path.
    properties.put("warehouse", resolve(catalog.warehouse()));
    putIfSet("credential", catalog.credential());
    putIfSet("token", catalog.token());
  }

  /**
   * An object-store URI as written, or a local directory (created if missing) as a file:/// URI: Iceberg
   * records table locations under the warehouse as given, and engines with their own file systems
   * (Trino's) refuse a location without a scheme.
   */
  private String jdbcWarehouse(ConfigValue warehouse) {
    String value = resolve(warehouse);
    boolean s3Storage = project.config().storage().isS3();
    boolean s3Location = S3_URI.matcher(value).matches();
    if (s3Storage && !s3Location) {
      throw FloeException.user("%s: Cannot use %s '%s' with storage.type s3: expected an s3:// location "
          + "such as s3://bucket/warehouse.", warehouse.location(), warehouse.key(), warehouse);
    }
    if (!s3Storage && s3Location) {
      throw FloeException.user("%s: Cannot use %s '%s' with storage.type local: set storage.type: s3 "
          + "to keep tables in S3, or use a local path.", warehouse.location(), warehouse.key(), warehouse);
    }
    if (s3Location || (URI_WITH_SCHEME.matcher(value).matches() && !value.startsWith("file:"))) {
      return value;
    }
    return Locations.uri(createDirectory(localPath(warehouse, value)));
  }

  private Path localPath(ConfigValue warehouse, String value) {
    if (!value.startsWith("file:")) {
      return project.root().resolve(value).toAbsolutePath().normalize();
    }
    try {
      return Path.of(URI.create(value));
    } catch (IllegalArgumentException e) {
      throw FloeException.user(e, "%s: Cannot use %s '%s': expected a path or a file:/// URI.",
          warehouse.location(), warehouse.key(), warehouse);
    }
  }

  private Path createDirectory(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw FloeException.external(e, "Cannot create directory %s: %s", dir, e);
    }
  }

  private void putIfSet(String property, ConfigValue value) {
    if (value != null) {
      properties.put(property, resolve(value));
    }
  }

  private String resolve(ConfigValue value) {
    return value.resolve(project.root(), env);
  }
}
