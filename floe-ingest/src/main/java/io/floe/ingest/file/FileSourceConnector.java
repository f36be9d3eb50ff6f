package io.floe.ingest.file;

import static io.floe.ingest.file.FileSettings.*;

import io.floe.core.config.ConfigDocument;
import io.floe.core.config.ConfigField;
import io.floe.core.error.FloeException;
import io.floe.ingest.spi.FileFormat;
import io.floe.ingest.spi.Source;
import io.floe.ingest.spi.SourceConnector;
import io.floe.ingest.spi.SourceDefinition;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.List;
import java.util.Set;

/** CSV, JSON lines and Parquet files: a file, a directory or a glob, each file loaded once. */
public final class FileSourceConnector implements SourceConnector {
  @Override
  public Set<String> types() {
    return Set.of("csv", "json", "parquet");
  }

  @Override
  public List<ConfigField> settings(String type) {
    return FileSettings.forType(type);
  }

  @Override
  public Source create(SourceDefinition definition) {
    ConfigDocument settings = definition.settings();
    String path = settings.require(PATH, "data/" + definition.name() + "_*.csv");
    positive(settings, BATCH_MAX_FILES);
    positive(settings, BATCH_MAX_MB);
    FileFormat format = switch (definition.type()) {
      case "csv" -> csv(definition);
      case "json" -> new FileFormat.JsonLines();
      case "parquet" -> new FileFormat.Parquet();
      default -> throw new IllegalArgumentException("Unknown file source type: " + definition.type());
    };
    FileMatcher matcher = FileMatcher.of(definition.projectRoot(), path.strip(), settings.location(PATH));
    return new FileSource(definition, format, matcher, settings.integer(BATCH_MAX_FILES),
        settings.integer(BATCH_MAX_MB) * 1024L * 1024L);
  }

  private static FileFormat.Csv csv(SourceDefinition definition) {
    ConfigDocument settings = definition.settings();
    boolean header = settings.bool(CSV_HEADER);
    if (!header && definition.schema().isEmpty()) {
      throw FloeException.user("%s: Missing schema for sources.%s: without a header, declare the columns, "
          + "e.g. schema: {id: bigint, name: string}", settings.location(CSV_HEADER), definition.name());
    }
    return new FileFormat.Csv(header, character(settings, CSV_DELIMITER), character(settings, CSV_QUOTE),
        character(settings, CSV_ESCAPE), encoding(settings), settings.stringList(CSV_NULL_VALUES));
  }

  private static String character(ConfigDocument settings, ConfigField field) {
    String value = settings.string(field);
    String unescaped = "\\t".equals(value) ? "\t" : value;
    if (unescaped == null || unescaped.length() != 1) {
      throw settings.invalid(field, "one character");
    }
    return unescaped;
  }

  private static String encoding(ConfigDocument settings) {
    String name = settings.string(ENCODING).strip();
    try {
      return Charset.forName(name).name();
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      throw settings.invalid(ENCODING, "a character set such as UTF-8 or ISO-8859-1");
    }
  }

  private static void positive(ConfigDocument settings, ConfigField field) {
    if (settings.integer(field) < 1) {
      throw settings.invalid(field, "a positive integer");
    }
  }
}
