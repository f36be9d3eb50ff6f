package io.floe.ingest.postgres;

import io.floe.core.config.ConfigField;
import io.floe.core.config.ConfigType;
import java.util.List;

/** The settings of a {@code type: postgres} source, relative to the source entry. */
public final class PostgresSettings {
  public static final ConfigField URL = new ConfigField("url", ConfigType.STRING, null,
      "JDBC URL, e.g. jdbc:postgresql://db:5432/meters; may hold ${env:...} references.", List.of(), true);
  public static final ConfigField USER = new ConfigField("user", ConfigType.STRING, null,
      "Database user.", List.of(), false);
  public static final ConfigField PASSWORD = new ConfigField("password", ConfigType.SECRET, null,
      "Database password: write ${env:NAME} or ${file:PATH}.", List.of(), false);
  static final ConfigField TABLE = new ConfigField("table", ConfigType.STRING, null,
      "The table to read, table or schema.table.", List.of(), true);
  static final ConfigField WATERMARK = new ConfigField("watermark", ConfigType.STRING, null,
      "Column an incremental load follows (a timestamp or an increasing id); unset for a full load.",
      List.of(), false);
  static final ConfigField LOOK_BACK = new ConfigField("look-back", ConfigType.STRING, null,
      "Re-read this far behind the watermark for late rows, e.g. '2 hours' (or a count for ids);"
          + " needs mode: upsert.", List.of(), false);
  static final ConfigField BATCH_ROWS = new ConfigField("batch.max-rows", ConfigType.INT, 1_000_000,
      "Most rows per batch of an incremental load; each batch is committed on its own.", List.of(), false);
  static final ConfigField PARALLELISM = new ConfigField("parallelism", ConfigType.INT, 4,
      "Key ranges read at once (split on an integer primary key).", List.of(), false);
  static final ConfigField FETCH_SIZE = new ConfigField("fetch-size", ConfigType.INT, 10_000,
      "Rows fetched per round trip.", List.of(), false);

  static final List<ConfigField> ALL =
      List.of(URL, USER, PASSWORD, TABLE, WATERMARK, LOOK_BACK, BATCH_ROWS, PARALLELISM, FETCH_SIZE);

  private PostgresSettings() {}
}
