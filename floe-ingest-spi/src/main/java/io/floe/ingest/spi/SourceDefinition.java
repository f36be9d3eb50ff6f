package io.floe.ingest.spi;

import static java.util.Objects.requireNonNull;

import io.floe.core.config.ConfigDocument;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A source as floe.yaml declares it, checked: the common settings parsed, the connector's own
 * settings in {@link #settings()} (checked for type and unknown keys, read by the connector).
 *
 * @param name the source's name
 * @param type the {@code type:} value
 * @param target the table, {@code namespace.table}
 * @param primaryKey the key columns; not empty for {@link WriteMode#UPSERT}
 * @param partitionBy Iceberg partition transforms for a new table, e.g. {@code days(ts)}
 * @param sortBy sort order terms for a new table, e.g. {@code ts DESC}
 * @param schema the declared columns, or empty to infer them
 * @param projectRoot the project directory, against which relative paths resolve
 * @param settings the whole entry, with locations for errors
 */
public record SourceDefinition(
    String name,
    String type,
    String target,
    WriteMode mode,
    List<String> primaryKey,
    List<String> partitionBy,
    List<String> sortBy,
    RejectLimit maxRejects,
    boolean hash,
    Optional<List<SourceColumn>> schema,
    Path projectRoot,
    ConfigDocument settings) {
  public SourceDefinition {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    requireNonNull(target, "target is null");
    requireNonNull(mode, "mode is null");
    primaryKey = List.copyOf(requireNonNull(primaryKey, "primaryKey is null"));
    partitionBy = List.copyOf(requireNonNull(partitionBy, "partitionBy is null"));
    sortBy = List.copyOf(requireNonNull(sortBy, "sortBy is null"));
    requireNonNull(maxRejects, "maxRejects is null");
    schema = requireNonNull(schema, "schema is null").map(List::copyOf);
    requireNonNull(projectRoot, "projectRoot is null");
    requireNonNull(settings, "settings is null");
    if (mode == WriteMode.UPSERT && primaryKey.isEmpty()) {
      throw new IllegalArgumentException("Invalid source " + name + ": mode upsert needs a primary-key");
    }
  }

  /** The table rejected rows go to: {@code <target>__rejects}. */
  public String rejectsTable() {
    return target + "__rejects";
  }
}
