package io.floe.core.project;

import static io.floe.core.config.FloeSettings.*;

import io.floe.core.config.ConfigDocument;
import io.floe.core.config.ConfigField;
import io.floe.core.config.ConfigParser;
import io.floe.core.config.FloeSettings;
import io.floe.core.config.SourceLocation;
import io.floe.core.error.FloeException;
import io.floe.core.secret.ConfigValue;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds a {@link ProjectConfig} from floe.yaml: the parser checks keys and types, this class checks
 * what the types cannot say (identifiers, ranges) so that those errors carry a location too.
 */
final class ProjectConfigReader {
  // Names used unquoted in SQL: the catalog and namespaces appear in every table name.
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final String SPARK_PREFIX = "spark.";

  private final ConfigDocument document;

  private ProjectConfigReader(ConfigDocument document) {
    this.document = document;
  }

  /** floe.yaml's defaults, for a project named {@code name} that has no floe.yaml. */
  static ProjectConfig defaults(Path configFile, String name) {
    return new ProjectConfigReader(ConfigParser.parse(configFile, "name: " + name + "\n", FloeSettings.all())).read();
  }

  static ProjectConfig read(Path configFile) {
    return new ProjectConfigReader(ConfigParser.parse(configFile, FloeSettings.all())).read();
  }

  private ProjectConfig read() {
    String name = document.require(NAME, "my_project");
    return new ProjectConfig(name, catalog(), storage(), engine(), namespaces(), text(MODELS_PATH),
        document.map(SOURCES), document.map(VARS), vault(), bronzeColumns());
  }

  private BronzeColumns bronzeColumns() {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (ConfigField field : List.of(INGEST_INGESTED_AT, INGEST_SOURCE, INGEST_BATCH_ID, INGEST_HASH)) {
      String column = document.string(field);
      if (!IDENTIFIER.matcher(column).matches()) {
        throw document.invalid(field, "a column name (letters, digits and _) such as _ingest_time");
      }
      if (!seen.add(column)) {
        throw document.invalid(field, "a name no other ingest.columns.* setting has");
      }
    }
    return new BronzeColumns(document.string(INGEST_INGESTED_AT), document.string(INGEST_SOURCE),
        document.string(INGEST_BATCH_ID), document.string(INGEST_HASH));
  }

  private Map<String, ConfigValue> vault() {
    Map<String, ConfigValue> vault = new LinkedHashMap<>();
    for (ConfigField field : List.of(VAULT_ADDRESS, VAULT_TOKEN, VAULT_ROLE_ID, VAULT_SECRET_ID, VAULT_APPROLE_PATH,
        VAULT_NAMESPACE)) {
      ConfigValue value = value(field);
      if (value != null) {
        vault.put(field.key().substring("vault.".length()), value);
      }
    }
    return vault;
  }

  private CatalogConfig catalog() {
    String name = document.string(CATALOG_NAME);
    if (!IDENTIFIER.matcher(name).matches()) {
      throw document.invalid(CATALOG_NAME, "a SQL identifier (letters, digits and _) such as floe");
    }
    return new CatalogConfig(document.string(CATALOG_TYPE), name, value(CATALOG_URI), value(CATALOG_USER),
        referenceOnly(value(CATALOG_PASSWORD), "FLOE_CATALOG_PASSWORD"), value(CATALOG_WAREHOUSE),
        value(CATALOG_CREDENTIAL), value(CATALOG_TOKEN));
  }

  // floe.yaml is committed and shared with the project: a password written in it would leak with it.
  private static ConfigValue referenceOnly(ConfigValue value, String variable) {
    if (value != null && !value.hasReference()) {
      throw FloeException.user("%s: Cannot use %s as written: a password in floe.yaml is shared with everyone "
              + "who reads the project. Write a reference instead, e.g. %s: ${env:%s} (or ${file:PATH}, "
              + "${vault:PATH#KEY}), and set the value outside the file.", value.location(), value.key(),
          value.key().substring(value.key().lastIndexOf('.') + 1), variable);
    }
    return value;
  }

  private StorageConfig storage() {
    return new StorageConfig(document.string(STORAGE_TYPE), value(STORAGE_ENDPOINT), value(STORAGE_REGION),
        document.bool(STORAGE_PATH_STYLE_ACCESS), value(STORAGE_ACCESS_KEY_ID), value(STORAGE_SECRET_ACCESS_KEY),
        document.string(STORAGE_REQUEST_CHECKSUMS));
  }

  private EngineConfig engine() {
    int shufflePartitions = document.integer(ENGINE_SHUFFLE_PARTITIONS);
    if (shufflePartitions < 1) {
      throw document.invalid(ENGINE_SHUFFLE_PARTITIONS, "a positive integer");
    }
    int threads = document.integer(ENGINE_THREADS);
    if (threads < 1) {
      throw document.invalid(ENGINE_THREADS, "a positive integer");
    }
    return new EngineConfig(text(ENGINE_MASTER), text(ENGINE_DRIVER_MEMORY), text(ENGINE_EXECUTOR_MEMORY),
        shufflePartitions, sparkConf(), threads,
        document.string(ENGINE_LOCAL_SQL).equals("duckdb"));
  }

  private Map<String, String> sparkConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    SourceLocation at = document.location(ENGINE_CONF);
    document.map(ENGINE_CONF).forEach((key, value) -> {
      if (!key.startsWith(SPARK_PREFIX)) {
        throw FloeException.user("%s: Invalid key in %s: expected a Spark setting starting with '%s', but was '%s'.",
            at, ENGINE_CONF.key(), SPARK_PREFIX, key);
      }
      if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
        throw FloeException.user("%s: Invalid value for %s.%s: expected a string, number or boolean, but was %s.",
            at, ENGINE_CONF.key(), key, value == null ? "empty" : value instanceof Map ? "a mapping" : "a list");
      }
      conf.put(key, String.valueOf(value));
    });
    return conf;
  }

  private List<String> namespaces() {
    List<String> namespaces = document.stringList(NAMESPACES);
    Set<String> seen = new HashSet<>();
    for (String namespace : namespaces) {
      if (!IDENTIFIER.matcher(namespace).matches()) {
        throw FloeException.user("%s: Invalid value for %s: expected SQL identifiers (letters, digits and _), "
            + "but was '%s'.", document.location(NAMESPACES), NAMESPACES.key(), namespace);
      }
      if (!seen.add(namespace)) {
        throw FloeException.user("%s: Invalid value for %s: '%s' is listed twice.",
            document.location(NAMESPACES), NAMESPACES.key(), namespace);
      }
    }
    return namespaces;
  }

  /** The string value, or null when unset or blank (a blank value means "not set", not ""). */
  private String text(ConfigField field) {
    String value = document.string(field);
    if (value == null || value.isBlank()) {
      return field.defaultValue() instanceof String fallback ? fallback : null;
    }
    return value.strip();
  }

  /**
   * The value as written (a secret is not trimmed: spaces may belong to it) with its location, the
   * default located at the file, or null when neither is set.
   */
  private ConfigValue value(ConfigField field) {
    String written = document.string(field);
    if (written != null && !written.isBlank()) {
      return ConfigValue.of(field, written, document.location(field));
    }
    return field.defaultValue() instanceof String fallback
        ? ConfigValue.of(field, fallback, SourceLocation.of(document.file()))
        : null;
  }
}
