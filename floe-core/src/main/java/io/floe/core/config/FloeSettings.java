package io.floe.core.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every key of {@code floe.yaml}, declared once. The loader checks a file against these
 * declarations, and {@code floe config} and the reference docs print them.
 */
public final class FloeSettings {
  public static final ConfigField NAME = required("name", "Project name; identifies the project in logs and messages.");

  public static final ConfigField CATALOG_TYPE = choice("catalog.type", "jdbc", List.of("jdbc", "rest"),
      "Iceberg catalog kind: jdbc (a SQLite or PostgreSQL database) or rest (an Iceberg REST catalog server).");
  public static final ConfigField CATALOG_NAME = string("catalog.name", "floe",
      "Name of the catalog in SQL, as in floe.silver.orders; for jdbc also the catalog_name of its rows, which "
          + "another engine must use to see the tables (Trino: iceberg.jdbc-catalog.catalog-name).");
  public static final ConfigField CATALOG_URI = string("catalog.uri", null,
      "JDBC URL for jdbc (default: SQLite in .floe/catalog.db); the server URL for rest, where it is required.");
  public static final ConfigField CATALOG_USER = string("catalog.user", null, "JDBC catalog database user.");
  public static final ConfigField CATALOG_PASSWORD = secret("catalog.password", "JDBC catalog database password.");
  public static final ConfigField CATALOG_WAREHOUSE = string("catalog.warehouse", ".floe/warehouse",
      "Where table files go: a path relative to the project or an s3:// URI for jdbc; the warehouse name for rest.");
  public static final ConfigField CATALOG_CREDENTIAL = secret("catalog.credential",
      "REST catalog OAuth2 client credential, written id:secret.");
  public static final ConfigField CATALOG_TOKEN = secret("catalog.token", "REST catalog bearer token.");

  public static final ConfigField STORAGE_TYPE = choice("storage.type", "local", List.of("local", "s3"),
      "Where table files are stored: the local file system, or s3 (AWS S3 or an S3-compatible store).");
  public static final ConfigField STORAGE_ENDPOINT = string("storage.endpoint", null,
      "S3 endpoint URL for S3-compatible stores such as MinIO; unset for AWS.");
  public static final ConfigField STORAGE_REGION = string("storage.region", null, "S3 region, e.g. us-east-1.");
  public static final ConfigField STORAGE_PATH_STYLE_ACCESS = new ConfigField("storage.path-style-access",
      ConfigType.BOOLEAN, false, "Address buckets in the URL path, as most S3-compatible stores need.",
      List.of(), false);
  public static final ConfigField STORAGE_ACCESS_KEY_ID = secret("storage.access-key-id",
      "S3 access key id; unset to use the default AWS credential chain.");
  public static final ConfigField STORAGE_SECRET_ACCESS_KEY = secret("storage.secret-access-key",
      "S3 secret access key.");
  public static final ConfigField STORAGE_REQUEST_CHECKSUMS = choice("storage.request-checksums", "when-required",
      List.of("when-required", "when-supported"),
      "When the S3 client adds checksums to uploads: when-required (what S3-compatible stores such as S3Proxy, "
          + "Ceph and older MinIO accept) or when-supported (the AWS SDK's default since 2.30, for AWS S3).");

  public static final ConfigField ENGINE_MASTER = string("engine.master", "local[*]",
      "Spark master URL; local[*] runs Spark inside the Floe process on every core.");
  public static final ConfigField ENGINE_DRIVER_MEMORY = string("engine.driver-memory", null,
      "Spark driver memory, e.g. 4g; unset for Spark's default.");
  public static final ConfigField ENGINE_EXECUTOR_MEMORY = string("engine.executor-memory", null,
      "Spark executor memory on a cluster, e.g. 8g; unset for Spark's default.");
  public static final ConfigField ENGINE_SHUFFLE_PARTITIONS = new ConfigField("engine.shuffle-partitions",
      ConfigType.INT, 4, "Partitions Spark uses for joins and aggregations (spark.sql.shuffle.partitions).",
      List.of(), false);
  public static final ConfigField ENGINE_THREADS = new ConfigField("engine.threads",
      ConfigType.INT, 4, "How many independent models a run executes at once, like dbt's"
          + " threads, and how many sources an ingest loads at once.", List.of(), false);
  public static final ConfigField ENGINE_LOCAL_SQL = choice("engine.local-sql", "duckdb", List.of("duckdb", "spark"),
      "On a local engine, who runs the SELECT of table models (and of incremental ones' first loads) and the"
          + " data tests' counts: duckdb (in-process, when Floe can run the query there with Spark's exact result;"
          + " Spark runs the rest) or spark (always). Ignored on a cluster.");
  public static final ConfigField ENGINE_CONF = map("engine.conf",
      "Extra Spark settings passed through as they are, e.g. spark.sql.ansi.enabled: true.");

  public static final ConfigField NAMESPACES = new ConfigField("namespaces", ConfigType.STRING_LIST,
      List.of("bronze", "silver", "gold"), "Namespaces (schemas) Floe creates in the catalog for the project's tables.",
      List.of(), false);
  public static final ConfigField MODELS_PATH = string("models.path", "models",
      "Directory of the model SQL files, relative to the project directory.");
  public static final ConfigField CONNECTIONS = map("connections", "Database connections by name (url, user,"
      + " password), declared once; a source says connection: NAME instead of repeating them.");
  public static final ConfigField SOURCES = map("sources", "Systems to ingest from, by source name.");
  public static final ConfigField INGEST_INGESTED_AT = string("ingest.columns.ingested-at", "_ingested_at",
      "The bronze column holding when a row's batch was written.");
  public static final ConfigField INGEST_SOURCE = string("ingest.columns.source", "_source",
      "The bronze column holding the source's name.");
  public static final ConfigField INGEST_BATCH_ID = string("ingest.columns.batch-id", "_batch_id",
      "The bronze column holding the batch's id.");
  public static final ConfigField INGEST_HASH = string("ingest.columns.hash", "_hash",
      "The bronze column holding a row's SHA-256 (sources with hash: true).");
  public static final ConfigField SCHEDULES = map("schedules", "When to run what, by schedule name (cron, sources,"
      + " select, retries ...), for floe serve; checked by every command.");
  public static final ConfigField MAINTENANCE_AUTO = bool("maintenance.auto", true,
      "Maintain a table right after a run commits to it, when one of its policies is due (decided from Iceberg"
          + " metadata, so a run that commits nothing pays nothing); false leaves it to floe maintain.");
  public static final ConfigField MAINTENANCE_COMPACT_ENABLED = bool("maintenance.compact.enabled", true,
      "Compact small data files into larger ones (bin-pack, or sorted by the table's sort order if it has one).");
  public static final ConfigField MAINTENANCE_COMPACT_MIN_FILES = integer("maintenance.compact.min-files", 10,
      "Compact a partition once it holds at least this many files smaller than the target size.");
  public static final ConfigField MAINTENANCE_COMPACT_DELETED_PERCENT = integer(
      "maintenance.compact.deleted-rows-percent", 30, "Rewrite a data file without its deleted rows once this"
          + " percentage of its rows is deleted (by the merges, updates and deletes of a merge-on-read table: every read skips them one by one).");
  public static final ConfigField MAINTENANCE_COMPACT_TARGET_FILE_SIZE = string("maintenance.compact.target-file-size",
      "128MB", "The size compaction writes files at, e.g. 64MB or 512MB; files under 3/4 of it count as small.");
  public static final ConfigField MAINTENANCE_EXPIRE_ENABLED = bool("maintenance.expire-snapshots.enabled", true,
      "Expire old snapshots (and delete the files only they used). A snapshot a tag or branch points to, and the"
          + " history a source's position is read from, are never expired.");
  public static final ConfigField MAINTENANCE_EXPIRE_OLDER_THAN = string("maintenance.expire-snapshots.older-than",
      "7d", "Expire snapshots older than this (time travel reaches back this far at least).");
  public static final ConfigField MAINTENANCE_EXPIRE_RETAIN_LAST = integer("maintenance.expire-snapshots.retain-last",
      5, "Keep at least this many of the newest snapshots of each branch, however old.");
  public static final ConfigField MAINTENANCE_ORPHANS_ENABLED = bool("maintenance.remove-orphans.enabled", true,
      "Delete files under the table's location that no snapshot references (left by killed or failed runs).");
  public static final ConfigField MAINTENANCE_ORPHANS_OLDER_THAN = string("maintenance.remove-orphans.older-than",
      "3d", "Only delete orphan files older than this: far above any run's duration, so a running write's files are"
          + " safe.");
  public static final ConfigField MAINTENANCE_ORPHANS_INTERVAL = string("maintenance.remove-orphans.interval", "1d",
      "Automatic maintenance lists a table's files for orphans at most this often (listing costs a Spark job).");
  public static final ConfigField MAINTENANCE_MANIFESTS_ENABLED = bool("maintenance.rewrite-manifests.enabled", true,
      "Rewrite a table's manifests into fewer, larger ones, which speeds up query planning.");
  public static final ConfigField MAINTENANCE_MANIFESTS_MIN = integer("maintenance.rewrite-manifests.min-manifests",
      50, "Rewrite the manifests once the current snapshot has at least this many.");
  public static final ConfigField MAINTENANCE_TABLES = map("maintenance.tables", "Per-table overrides by"
      + " namespace.table, with the keys above without 'maintenance.', e.g. bronze.events: {compact: {min-files: 4}}.");
  public static final ConfigField VARS = map("vars", "Variables that models can refer to, by name.");
  public static final ConfigField VAULT_ADDRESS = string("vault.address", "${env:VAULT_ADDR}",
      "HashiCorp Vault's address for ${vault:PATH#KEY} references, e.g. https://vault:8200.");
  public static final ConfigField VAULT_TOKEN = new ConfigField("vault.token", ConfigType.SECRET, null,
      "Vault token (token auth): write ${env:VAULT_TOKEN} or ${file:PATH}; unset reads VAULT_TOKEN, then"
          + " ~/.vault-token.", List.of(), false);
  public static final ConfigField VAULT_ROLE_ID = string("vault.role-id", null,
      "AppRole role id; when set, Floe logs in with AppRole instead of a token.");
  public static final ConfigField VAULT_SECRET_ID = new ConfigField("vault.secret-id", ConfigType.SECRET, null,
      "AppRole secret id: write ${env:NAME} or ${file:PATH}.", List.of(), false);
  public static final ConfigField VAULT_APPROLE_PATH = string("vault.approle-path", "approle",
      "Where the AppRole auth method is mounted.");
  public static final ConfigField VAULT_NAMESPACE = string("vault.namespace", null,
      "Vault Enterprise namespace (X-Vault-Namespace), if any.");

  private static final List<ConfigField> ALL = List.of(
      NAME,
      CATALOG_TYPE, CATALOG_NAME, CATALOG_URI, CATALOG_USER, CATALOG_PASSWORD, CATALOG_WAREHOUSE,
      CATALOG_CREDENTIAL, CATALOG_TOKEN,
      STORAGE_TYPE, STORAGE_ENDPOINT, STORAGE_REGION, STORAGE_PATH_STYLE_ACCESS, STORAGE_ACCESS_KEY_ID,
      STORAGE_SECRET_ACCESS_KEY, STORAGE_REQUEST_CHECKSUMS,
      ENGINE_MASTER, ENGINE_DRIVER_MEMORY, ENGINE_EXECUTOR_MEMORY, ENGINE_SHUFFLE_PARTITIONS, ENGINE_THREADS, ENGINE_LOCAL_SQL,
      ENGINE_CONF,
      NAMESPACES, MODELS_PATH, CONNECTIONS, SOURCES, INGEST_INGESTED_AT, INGEST_SOURCE, INGEST_BATCH_ID,
      INGEST_HASH, SCHEDULES,
      MAINTENANCE_AUTO, MAINTENANCE_COMPACT_ENABLED, MAINTENANCE_COMPACT_MIN_FILES,
      MAINTENANCE_COMPACT_DELETED_PERCENT, MAINTENANCE_COMPACT_TARGET_FILE_SIZE, MAINTENANCE_EXPIRE_ENABLED,
      MAINTENANCE_EXPIRE_OLDER_THAN,
      MAINTENANCE_EXPIRE_RETAIN_LAST, MAINTENANCE_ORPHANS_ENABLED, MAINTENANCE_ORPHANS_OLDER_THAN,
      MAINTENANCE_ORPHANS_INTERVAL, MAINTENANCE_MANIFESTS_ENABLED, MAINTENANCE_MANIFESTS_MIN, MAINTENANCE_TABLES,
      VARS,
      VAULT_ADDRESS, VAULT_TOKEN, VAULT_ROLE_ID, VAULT_SECRET_ID, VAULT_APPROLE_PATH, VAULT_NAMESPACE);

  private static final Map<String, ConfigField> BY_KEY =
      ALL.stream().collect(Collectors.toUnmodifiableMap(ConfigField::key, Function.identity()));

  private FloeSettings() {}

  /** Every setting, in the order of the documentation. */
  public static List<ConfigField> all() {
    return ALL;
  }

  /** The setting with the given dotted key. */
  public static Optional<ConfigField> find(String key) {
    return Optional.ofNullable(BY_KEY.get(key));
  }

  /**
   * The sections that group settings: {@code catalog}, {@code storage}, {@code engine}, {@code models},
   * {@code vault}.
   */
  public static Set<String> sections() {
    Set<String> sections = new LinkedHashSet<>();
    for (ConfigField field : ALL) {
      if (!field.section().isEmpty()) {
        sections.add(field.section());
      }
    }
    return Set.copyOf(sections);
  }

  /** A Markdown table of every setting: key, type, default and description. */
  public static String referenceMarkdown() {
    return SettingsReference.markdown(ALL);
  }

  private static ConfigField required(String key, String description) {
    return new ConfigField(key, ConfigType.STRING, null, description, List.of(), true);
  }

  private static ConfigField string(String key, String defaultValue, String description) {
    return new ConfigField(key, ConfigType.STRING, defaultValue, description, List.of(), false);
  }

  private static ConfigField bool(String key, boolean defaultValue, String description) {
    return new ConfigField(key, ConfigType.BOOLEAN, defaultValue, description, List.of(), false);
  }

  private static ConfigField integer(String key, int defaultValue, String description) {
    return new ConfigField(key, ConfigType.INT, defaultValue, description, List.of(), false);
  }

  private static ConfigField secret(String key, String description) {
    return new ConfigField(key, ConfigType.SECRET, null, description, List.of(), false);
  }

  private static ConfigField choice(String key, String defaultValue, List<String> allowed, String description) {
    return new ConfigField(key, ConfigType.ENUM, defaultValue, description, allowed, false);
  }

  private static ConfigField map(String key, String description) {
    return new ConfigField(key, ConfigType.MAP, null, description, List.of(), false);
  }
}
