package io.floe.ingest;

import static io.floe.ingest.spi.SourceSettings.*;

import io.floe.core.config.ConfigDocument;
import io.floe.core.error.DidYouMean;
import io.floe.core.error.FloeException;
import io.floe.ingest.spi.RejectLimit;
import io.floe.ingest.spi.SourceColumn;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.ingest.spi.WriteMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns a checked {@code sources.<name>} entry into a {@link SourceDefinition}, with located errors. */
final class SourceDefinitionReader {
  private static final Pattern SOURCE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*");

  private SourceDefinitionReader() {}

  static SourceDefinition read(String name, ConfigDocument document, Path projectRoot, Set<String> knownTypes) {
    String type = document.require(TYPE, "csv");
    if (!knownTypes.contains(type)) {
      throw FloeException.user("%s: Invalid value for sources.%s.type: expected one of %s, but was '%s'.%s",
          document.location(TYPE), name, knownTypes, type, DidYouMean.hint(type, knownTypes));
    }
    if (!SOURCE_NAME.matcher(name).matches()) {
      throw FloeException.user("%s: Invalid source name '%s': expected letters, digits and _, as in a table name.",
          document.location(TYPE), name);
    }
    String target = Optional.ofNullable(document.string(TARGET)).map(String::strip).orElse("bronze." + name);
    if (!TABLE_NAME.matcher(target).matches()) {
      throw document.invalid(TARGET, "namespace.table, e.g. bronze." + name);
    }
    WriteMode mode = WriteMode.valueOf(document.string(MODE).toUpperCase(Locale.ROOT));
    List<String> primaryKey = document.stringList(PRIMARY_KEY);
    if (mode == WriteMode.UPSERT && primaryKey.isEmpty()) {
      throw FloeException.user("%s: Missing primary-key for sources.%s: mode upsert needs the key columns, "
          + "e.g. primary-key: [id]", document.location(MODE), name);
    }
    return new SourceDefinition(name, type, target, mode, primaryKey, document.stringList(PARTITION_BY),
        document.stringList(SORT_BY), rejectLimit(document), document.bool(HASH), schema(name, document),
        projectRoot, document);
  }

  private static RejectLimit rejectLimit(ConfigDocument document) {
    String text = document.string(MAX_REJECTS);
    if (text == null || text.isBlank()) {
      return RejectLimit.NONE;
    }
    try {
      return RejectLimit.parse(text);
    } catch (IllegalArgumentException e) {
      throw document.invalid(MAX_REJECTS, "a count such as 100 or a ratio such as 0.01 or 1%");
    }
  }

  private static Optional<List<SourceColumn>> schema(String name, ConfigDocument document) {
    Map<String, Object> written = document.map(SCHEMA);
    if (written.isEmpty()) {
      return Optional.empty();
    }
    List<SourceColumn> columns = new ArrayList<>();
    written.forEach((column, type) -> {
      if (!(type instanceof String text)) {
        throw FloeException.user("%s: Invalid type for column '%s' in sources.%s.schema: expected a type name "
            + "such as bigint, but was %s.", document.location(SCHEMA), column, name, type);
      }
      try {
        columns.add(new SourceColumn(column, text));
      } catch (IllegalArgumentException e) {
        throw FloeException.user(e, "%s: %s (in sources.%s.schema).", document.location(SCHEMA), e.getMessage(),
            name);
      }
    });
    return Optional.of(columns);
  }
}
