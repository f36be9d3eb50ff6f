package io.floe.ingest.spi;

import io.floe.core.config.ConfigField;
import io.floe.core.config.ConfigType;
import java.util.List;

/** The settings every source takes, whatever its type; a connector adds its own (see {@link SourceConnector}). */
public final class SourceSettings {
  public static final ConfigField TYPE = new ConfigField("type", ConfigType.STRING, null,
      "The kind of source: csv, json or parquet for files; other connectors add theirs.", List.of(), true);
  public static final ConfigField TARGET = new ConfigField("target", ConfigType.STRING, null,
      "The bronze table, namespace.table; default bronze.<source name>.", List.of(), false);
  public static final ConfigField MODE = new ConfigField("mode", ConfigType.ENUM, "append",
      "How batches are written: append, or upsert by primary-key (the last row of a key wins).",
      List.of("append", "upsert"), false);
  public static final ConfigField PRIMARY_KEY = new ConfigField("primary-key", ConfigType.STRING_LIST, null,
      "The key columns for mode: upsert.", List.of(), false);
  public static final ConfigField PARTITION_BY = new ConfigField("partition-by", ConfigType.STRING_LIST, null,
      "Partitioning of a new table as Iceberg transforms, e.g. [days(ts), bucket(16, id)].", List.of(), false);
  public static final ConfigField SORT_BY = new ConfigField("sort-by", ConfigType.STRING_LIST, null,
      "Sort order of a new table, e.g. [ts, id DESC].", List.of(), false);
  public static final ConfigField MAX_REJECTS = new ConfigField("max-rejects", ConfigType.STRING, null,
      "Rejected rows allowed per run: a count (100) or a ratio (0.01 or 1%); more fails the run and commits "
          + "nothing. Default: no limit (rejects go to <table>__rejects and are reported).", List.of(), false);
  public static final ConfigField HASH = new ConfigField("hash", ConfigType.BOOLEAN, false,
      "Add _hash, a SHA-256 of the source columns, to each row.", List.of(), false);
  public static final ConfigField SCHEMA = new ConfigField("schema", ConfigType.MAP, null,
      "Columns and types (column: type, e.g. id: bigint); default: inferred from the data.", List.of(), false);

  private static final List<ConfigField> ALL =
      List.of(TYPE, TARGET, MODE, PRIMARY_KEY, PARTITION_BY, SORT_BY, MAX_REJECTS, HASH, SCHEMA);

  private SourceSettings() {}

  /** The common settings, in documentation order. */
  public static List<ConfigField> all() {
    return ALL;
  }
}
