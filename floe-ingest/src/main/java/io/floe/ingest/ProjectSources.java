package io.floe.ingest;

import static java.util.Objects.requireNonNull;

import io.floe.core.config.ConfigDocument;
import io.floe.core.config.ConfigField;
import io.floe.core.config.ConfigParser;
import io.floe.core.error.DidYouMean;
import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.ingest.spi.Source;
import io.floe.ingest.spi.SourceConnector;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.ingest.spi.SourceSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The sources of a project, checked up front: every entry of {@code sources:} against the common
 * settings and its connector's, so that a typo fails before anything is read or written.
 */
public final class ProjectSources {
  private final Map<String, SourceDefinition> definitions;
  private final Map<String, SourceConnector> connectors;

  private ProjectSources(Map<String, SourceDefinition> definitions, Map<String, SourceConnector> connectors) {
    this.definitions = definitions;
    this.connectors = connectors;
  }

  /**
   * Reads and checks the project's sources with the connectors on the class path.
   *
   * @throws FloeException a one-line user error with file:line for any bad source setting
   */
  public static ProjectSources load(Project project) {
    Map<String, SourceConnector> connectors = new TreeMap<>();
    for (SourceConnector connector : ServiceLoader.load(SourceConnector.class)) {
      connector.types().forEach(type -> connectors.put(type, connector));
    }
    return load(project, connectors);
  }

  /** As {@link #load(Project)}, with the given connectors by type (for tests of a connector). */
  public static ProjectSources load(Project project, Map<String, SourceConnector> connectors) {
    String yaml = Project.configText(project.configFile());
    Map<String, ConfigDocument> documents = ConfigParser.parseEntries(project.configFile(), yaml, "sources",
        (name, entry) -> fieldsFor(connectors, entry));
    Map<String, SourceDefinition> definitions = new LinkedHashMap<>();
    documents.forEach((name, document) ->
        definitions.put(name, SourceDefinitionReader.read(name, document, project.root(), connectors.keySet())));
    // Create each source once now: a connector checks what the types cannot (globs, URLs) up front.
    definitions.values().forEach(definition -> connectors.get(definition.type()).create(definition));
    return new ProjectSources(definitions, Map.copyOf(connectors));
  }

  private static List<ConfigField> fieldsFor(Map<String, SourceConnector> connectors, Map<String, Object> entry) {
    Map<String, ConfigField> fields = new LinkedHashMap<>();
    SourceSettings.all().forEach(field -> fields.put(field.key(), field));
    if (entry.get("type") instanceof String type && connectors.containsKey(type)) {
      connectors.get(type).settings(type).forEach(field -> fields.putIfAbsent(field.key(), field));
    } else {
      // The reader reports an unknown or missing type with its line; until then any connector's key passes.
      connectors.forEach((type, connector) -> connector.settings(type).forEach(f -> fields.putIfAbsent(f.key(), f)));
    }
    return List.copyOf(fields.values());
  }

  /** Every source, in the order of floe.yaml. */
  public List<SourceDefinition> all() {
    return List.copyOf(definitions.values());
  }

  /**
   * The named sources in the order given, or all of them when {@code names} is empty.
   *
   * @throws FloeException a user error for a name that is not a source
   */
  public List<SourceDefinition> select(List<String> names) {
    if (names.isEmpty()) {
      return all();
    }
    List<SourceDefinition> selected = new ArrayList<>();
    for (String name : names) {
      SourceDefinition definition = definitions.get(name);
      if (definition == null) {
        throw FloeException.user("Cannot find source '%s' in floe.yaml.%s Sources: %s.", name,
            DidYouMean.hint(name, definitions.keySet()),
            definitions.isEmpty() ? "none" : String.join(", ", definitions.keySet()));
      }
      selected.add(definition);
    }
    return selected;
  }

  /** The connector's source for a definition. */
  public Source create(SourceDefinition definition) {
    requireNonNull(definition, "definition is null");
    return connectors.get(definition.type()).create(definition);
  }
}
