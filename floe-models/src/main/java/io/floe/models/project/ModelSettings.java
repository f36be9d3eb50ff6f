package io.floe.models.project;

import io.floe.core.config.ConfigField;
import io.floe.core.config.ConfigType;
import io.floe.core.config.SettingsReference;
import io.floe.spark.materialize.Materializations;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every key of a model's config ({@code config(...)} or {@code config:} in a property file),
 * declared once with its type, default and description, dbt's names. {@link ModelConfig} checks a
 * config against these, and {@code floe config} prints them.
 */
public final class ModelSettings {
  public static final ConfigField MATERIALIZED = choice("materialized", Materializations.VIEW,
      List.copyOf(Materializations.names()),
      "How the result becomes a table: an Iceberg view, a table replaced on each run, an incremental table, an"
          + " SCD2 history of the SELECT's rows, or a plug-in materialization by its name.");
  public static final ConfigField SCHEMA = string("schema",
      "The namespace of the model's table; default: its first folder under models/ when that is a namespace, else"
          + " silver.");
  public static final ConfigField ALIAS = string("alias", "The table's name; default: the model's file name.");
  public static final ConfigField TAGS = list("tags", "Tags to select the model by (-s tag:NAME).");
  public static final ConfigField ENABLED = new ConfigField("enabled", ConfigType.BOOLEAN, true,
      "false leaves the model out of every run.", List.of(), false);
  public static final ConfigField DESCRIPTION = string("description", "What the model holds, for people.");
  public static final ConfigField UNIQUE_KEY = list("unique_key",
      "The key column or columns: needed by incremental merge and scd2.");
  public static final ConfigField INCREMENTAL_STRATEGY = choice("incremental_strategy", null,
      List.of("append", "merge", "insert_overwrite"),
      "How an incremental model writes its new rows; default: merge with a unique_key, else append.");
  public static final ConfigField DELETE_CONDITION = string("delete_condition",
      "Incremental merge: a condition on the new rows; a row that meets it deletes its key, e.g. op = 'D'.");
  public static final ConfigField PARTITION_BY = list("partition_by",
      "Partitioning of the table as Iceberg transforms, e.g. [days(ts), bucket(16, id)].");
  public static final ConfigField SORT_BY = list("sort_by", "Sort order of the table's files, e.g. [ts, id].");
  public static final ConfigField TBLPROPERTIES = new ConfigField("tblproperties", ConfigType.MAP, null,
      "Iceberg table properties, e.g. {write.merge.mode: merge-on-read}.", List.of(), false);
  public static final ConfigField ON_SCHEMA_CHANGE = choice("on_schema_change", "append_new_columns",
      List.of("append_new_columns", "sync", "fail"),
      "What a table does when the SELECT's columns change: add new ones, follow them, or fail.");
  public static final ConfigField STRATEGY = choice("strategy", null, List.of("timestamp", "check"),
      "scd2: how a changed row is found: a newer updated_at (timestamp), or different check_cols (check).");
  public static final ConfigField UPDATED_AT = string("updated_at", "scd2 timestamp strategy: the column that says"
      + " when a row changed.");
  public static final ConfigField CHECK_COLS = list("check_cols", "scd2 check strategy: the columns compared.");
  public static final ConfigField CONTRACT = new ConfigField("contract", ConfigType.MAP, null,
      "{enforced: true}: the SELECT must return exactly the declared columns with their data_types; add"
          + " allow_new_columns: true to let more columns follow them (schema evolution).", List.of(),
      false);

  public static final ConfigField PRE_HOOK = list("pre_hook",
      "SQL run before the model (pre-hook in dbt_project.yml), rendered like the model; {{ this }} is its table.");
  public static final ConfigField POST_HOOK = list("post_hook",
      "SQL run after the run has published the model (post-hook in dbt_project.yml), so it sees the new table.");
  public static final ConfigField PERSIST_DOCS = new ConfigField("persist_docs", ConfigType.MAP, null,
      "{relation: true, columns: true}: the model's and its columns' descriptions become the table's comment and"
          + " its columns' comments when the run publishes.", List.of(), false);
  public static final ConfigField FULL_REFRESH = new ConfigField("full_refresh", ConfigType.BOOLEAN, null,
      "false: --full-refresh leaves this incremental model as it is (dbt's full_refresh config).", List.of(),
      false);
  public static final ConfigField COLUMN_TYPES = new ConfigField("column_types", ConfigType.MAP, null,
      "Seeds: a column's SQL type, e.g. {zip: string}; other columns' types are inferred from the CSV.",
      List.of(), false);
  public static final ConfigField DELIMITER = string("delimiter", "Seeds: the CSV's field separator; default ,.");
  public static final ConfigField QUOTE_COLUMNS = new ConfigField("quote_columns", ConfigType.BOOLEAN, null,
      "Seeds: dbt's quoting of column names; accepted, columns are always quoted by Floe.", List.of(), false);
  public static final ConfigField GRANTS = accepted("grants", ConfigType.MAP, "Accepted and not applied: the"
      + " embedded catalog has no privileges (a warning says so once).");
  public static final ConfigField META = accepted("meta", ConfigType.MAP, "Free-form metadata, for people and tools.");
  public static final ConfigField DOCS = accepted("docs", ConfigType.MAP, "dbt docs' display settings; accepted.");
  public static final ConfigField DATABASE = accepted("database", ConfigType.STRING,
      "Accepted; a model's table is in floe.yaml's catalog.");
  public static final ConfigField GROUP = accepted("group", ConfigType.STRING, "dbt's model group; accepted.");
  public static final ConfigField ACCESS = accepted("access", ConfigType.STRING, "dbt's model access; accepted.");
  public static final ConfigField FILE_FORMAT = accepted("file_format", ConfigType.STRING,
      "dbt-spark's file format; accepted, every table is Iceberg.");
  public static final ConfigField LOCATION_ROOT = accepted("location_root", ConfigType.STRING,
      "dbt-spark's table location; accepted, tables live in floe.yaml's warehouse.");
  public static final ConfigField ON_CONFIGURATION_CHANGE = accepted("on_configuration_change", ConfigType.STRING,
      "dbt's materialized-view setting; accepted.");
  public static final ConfigField SQL_HEADER = accepted("sql_header", ConfigType.STRING, "Accepted; not run.");
  public static final ConfigField QUOTING = accepted("quoting", ConfigType.MAP, "Accepted; Floe quotes nothing.");
  public static final ConfigField LABELS = accepted("labels", ConfigType.MAP, "Accepted; BigQuery's labels.");

  private static final List<ConfigField> ALL = List.of(MATERIALIZED, SCHEMA, ALIAS, TAGS, ENABLED, DESCRIPTION,
      UNIQUE_KEY, INCREMENTAL_STRATEGY, DELETE_CONDITION, PARTITION_BY, SORT_BY, TBLPROPERTIES, ON_SCHEMA_CHANGE,
      STRATEGY, UPDATED_AT, CHECK_COLS, CONTRACT, PRE_HOOK, POST_HOOK, PERSIST_DOCS, FULL_REFRESH, COLUMN_TYPES,
      DELIMITER, QUOTE_COLUMNS, GRANTS, META, DOCS, DATABASE, GROUP, ACCESS, FILE_FORMAT, LOCATION_ROOT,
      ON_CONFIGURATION_CHANGE, SQL_HEADER, QUOTING, LABELS);
  private static final Map<String, ConfigField> BY_KEY =
      ALL.stream().collect(Collectors.toUnmodifiableMap(ConfigField::key, Function.identity()));

  private ModelSettings() {}

  /** Every model config key, in the order of the documentation. */
  public static List<ConfigField> all() {
    return ALL;
  }

  /** The declaration of {@code key}, or null when there is none. */
  public static ConfigField field(String key) {
    return BY_KEY.get(key);
  }

  /** The reference, as a Markdown section. */
  public static String referenceMarkdown() {
    return "\n## Model config\n\nIn a model's `{{ config(...) }}` (which wins) or under `config:` in a property file."
        + "\n\n" + SettingsReference.markdown(ALL);
  }

  private static ConfigField string(String key, String description) {
    return new ConfigField(key, ConfigType.STRING, null, description, List.of(), false);
  }

  private static ConfigField accepted(String key, ConfigType type, String description) {
    return new ConfigField(key, type, null, description, List.of(), false);
  }

  private static ConfigField list(String key, String description) {
    return new ConfigField(key, ConfigType.STRING_LIST, null, description, List.of(), false);
  }

  private static ConfigField choice(String key, String defaultValue, List<String> allowed, String description) {
    return new ConfigField(key, ConfigType.ENUM, defaultValue, description, allowed, false);
  }
}
