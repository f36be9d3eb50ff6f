package io.floe.ingest.file;

import io.floe.core.config.ConfigField;
import io.floe.core.config.ConfigType;
import java.util.List;

/** The settings of csv, json and parquet sources, relative to the source entry. */
final class FileSettings {
  static final ConfigField PATH = new ConfigField("path", ConfigType.STRING, null,
      "A file, a directory or a glob such as data/orders_*.csv.gz, relative to the project.", List.of(), true);
  static final ConfigField BATCH_MAX_FILES = new ConfigField("batch.max-files", ConfigType.INT, 100,
      "Most files per batch; each batch is committed on its own, so a failed run keeps the batches before it.",
      List.of(), false);
  static final ConfigField BATCH_MAX_MB = new ConfigField("batch.max-mb", ConfigType.INT, 1024,
      "Most megabytes per batch (a single larger file is a batch of its own).", List.of(), false);
  static final ConfigField ENCODING = new ConfigField("encoding", ConfigType.STRING, "UTF-8",
      "Character set of csv files, e.g. UTF-8 or ISO-8859-1 (json lines are UTF-8).", List.of(), false);

  static final ConfigField CSV_HEADER = new ConfigField("csv.header", ConfigType.BOOLEAN, true,
      "Whether the first line names the columns; without a header, declare the schema.", List.of(), false);
  static final ConfigField CSV_DELIMITER = new ConfigField("csv.delimiter", ConfigType.STRING, ",",
      "Field separator, one character; write \"\\t\" for tab.", List.of(), false);
  static final ConfigField CSV_QUOTE = new ConfigField("csv.quote", ConfigType.STRING, "\"",
      "Quote character.", List.of(), false);
  static final ConfigField CSV_ESCAPE = new ConfigField("csv.escape", ConfigType.STRING, "\"",
      "Character that escapes a quote inside quotes; \" (doubled quotes, RFC 4180) or \\.", List.of(), false);
  static final ConfigField CSV_NULL_VALUES = new ConfigField("csv.null-values", ConfigType.STRING_LIST, List.of(""),
      "Texts that mean NULL, e.g. ['', NA, \\N].", List.of(), false);

  private FileSettings() {}

  static List<ConfigField> forType(String type) {
    return switch (type) {
      case "csv" -> List.of(PATH, BATCH_MAX_FILES, BATCH_MAX_MB, ENCODING, CSV_HEADER, CSV_DELIMITER, CSV_QUOTE,
          CSV_ESCAPE, CSV_NULL_VALUES);
      case "json" -> List.of(PATH, BATCH_MAX_FILES, BATCH_MAX_MB);
      case "parquet" -> List.of(PATH, BATCH_MAX_FILES, BATCH_MAX_MB);
      default -> throw new IllegalArgumentException("Unknown file source type: " + type);
    };
  }
}
