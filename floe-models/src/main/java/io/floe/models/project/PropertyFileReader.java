package io.floe.models.project;

import io.floe.core.config.YamlFile;
import io.floe.core.error.FloeException;
import io.floe.models.test.DataTestDefinition;
import io.floe.models.test.DataTestDefinition.Severity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads one dbt-style property file: {@code models:} (name, description, config, columns with
 * tests and data_type, model-level tests) and {@code sources:} (name, schema, tables). Errors name
 * the file and line.
 */
final class PropertyFileReader {
  private static final List<String> TOP_LEVEL = List.of("version", "models", "sources");

  private final YamlFile yaml;
  private final Map<String, ModelProperties> models = new LinkedHashMap<>();
  private final Map<String, String> sources = new LinkedHashMap<>();

  private PropertyFileReader(YamlFile yaml) {
    this.yaml = yaml;
  }

  /** Models and source tables declared in the file. */
  record Contents(Map<String, ModelProperties> models, Map<String, String> sources) {}

  static Contents read(Path file, Path shownAs) {
    PropertyFileReader reader = new PropertyFileReader(YamlFile.read(file, shownAs));
    reader.readAll();
    return new Contents(Map.copyOf(reader.models), Map.copyOf(reader.sources));
  }

  private void readAll() {
    if (yaml.root().isEmpty()) {
      return;
    }
    Node root = yaml.root().get();
    if (!(root instanceof MappingNode mapping)) {
      throw error(root, "expected 'models:' or 'sources:' at the top level, but was %s", YamlFile.describe(root));
    }
    for (NodeTuple tuple : mapping.getValue()) {
      String key = yaml.keyName(tuple.getKeyNode(), "");
      switch (key) {
        case "models" -> items(tuple.getValueNode(), "models").forEach(this::model);
        case "sources" -> items(tuple.getValueNode(), "sources").forEach(this::source);
        case "version" -> { }
        default -> throw error(tuple.getKeyNode(), "unknown key '%s'.%s Expected one of %s", key,
            io.floe.core.error.DidYouMean.hint(key, TOP_LEVEL), TOP_LEVEL);
      }
    }
  }

  private void model(MappingNode node) {
    Map<String, Object> plain = plainMap(node, "models");
    String name = requiredName(node, plain, "model");
    String where = yaml.location(node).toString();
    if (models.containsKey(name)) {
      throw error(node, "model '%s' is described twice (first at %s). Merge the two entries", name,
          models.get(name).where());
    }
    List<ModelProperties.Column> columns = new ArrayList<>();
    List<DataTestDefinition> tests = new ArrayList<>();
    testsUnder(node, Optional.empty(), tests);
    Node columnsNode = child(node, "columns");
    if (columnsNode != null) {
      for (MappingNode column : items(columnsNode, "columns")) {
        Map<String, Object> col = plainMap(column, "columns");
        String columnName = requiredName(column, col, "column");
        columns.add(new ModelProperties.Column(columnName, text(col.get("description")),
            Optional.ofNullable(col.get("data_type")).map(Object::toString)));
        testsUnder(column, Optional.of(columnName), tests);
      }
    }
    Object config = plain.get("config");
    if (config != null && !(config instanceof Map)) {
      throw error(child(node, "config"), "config of model '%s' must be a mapping", name);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> configMap = config == null ? Map.of() : (Map<String, Object>) config;
    models.put(name, new ModelProperties(name, text(plain.get("description")), configMap, columns, tests, where));
  }

  private void source(MappingNode node) {
    Map<String, Object> plain = plainMap(node, "sources");
    String name = requiredName(node, plain, "source");
    String schema = plain.get("schema") == null ? name : plain.get("schema").toString();
    Node tables = child(node, "tables");
    if (tables == null) {
      return;
    }
    for (MappingNode table : items(tables, "tables")) {
      String tableName = requiredName(table, plainMap(table, "tables"), "table");
      Object identifier = plainMap(table, "tables").get("identifier");
      sources.put(name + "." + tableName, schema + "." + (identifier == null ? tableName : identifier));
    }
  }

  // Tests are written "tests:" or (dbt 1.8+) "data_tests:"; each item is a name or a one-key mapping.
  private void testsUnder(MappingNode owner, Optional<String> column, List<DataTestDefinition> into) {
    for (String key : List.of("tests", "data_tests")) {
      Node list = child(owner, key);
      if (list == null) {
        continue;
      }
      if (!(list instanceof SequenceNode sequence)) {
        throw error(list, "%s must be a list, but was %s", key, YamlFile.describe(list));
      }
      for (Node item : sequence.getValue()) {
        into.add(test(item, column));
      }
    }
  }

  private DataTestDefinition test(Node item, Optional<String> column) {
    String where = yaml.location(item).toString();
    if (item instanceof ScalarNode scalar) {
      return new DataTestDefinition(scalar.getValue(), column, Map.of(), Severity.ERROR, where);
    }
    Object plain = yaml.plain(item, "tests");
    if (!(plain instanceof Map<?, ?> map) || map.size() != 1) {
      throw error(item, "a test is a name (- not_null) or one name with arguments"
          + " (- accepted_values: {values: [a, b]}), but was %s", YamlFile.describe(item));
    }
    Map.Entry<?, ?> entry = map.entrySet().iterator().next();
    Map<String, Object> arguments = new LinkedHashMap<>();
    if (entry.getValue() instanceof Map<?, ?> args) {
      args.forEach((key, value) -> arguments.put(String.valueOf(key), value));
    } else if (entry.getValue() instanceof List<?>) {
      throw error(item, "the arguments of test '%s' must be a mapping ({values: [a, b]}), but was a list",
          entry.getKey());
    } else if (entry.getValue() != null) {
      arguments.put("expression", entry.getValue());
    }
    Object severity = arguments.remove("severity");
    if (arguments.remove("config") instanceof Map<?, ?> config && config.get("severity") != null) {
      severity = config.get("severity");
    }
    if (severity == null && arguments.containsKey("warn_after") && !arguments.containsKey("error_after")) {
      severity = "warn"; // freshness: warn_after alone warns, as in dbt
    }
    return new DataTestDefinition(String.valueOf(entry.getKey()), column, arguments, severity(item, severity), where);
  }

  private Severity severity(Node item, Object value) {
    if (value == null) {
      return Severity.ERROR;
    }
    try {
      return Severity.valueOf(value.toString().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw FloeException.user(e, "%s: Cannot read test: severity must be warn or error, but was '%s'.",
          yaml.location(item), value);
    }
  }

  private List<MappingNode> items(Node node, String key) {
    if (!(node instanceof SequenceNode sequence)) {
      throw error(node, "%s must be a list of entries (- name: ...), but was %s", key, YamlFile.describe(node));
    }
    List<MappingNode> items = new ArrayList<>();
    for (Node item : sequence.getValue()) {
      if (!(item instanceof MappingNode mapping)) {
        throw error(item, "each entry of %s must be a mapping with a name, but was %s", key, YamlFile.describe(item));
      }
      items.add(mapping);
    }
    return items;
  }

  private Node child(MappingNode node, String key) {
    for (NodeTuple tuple : node.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().equals(key)) {
        return tuple.getValueNode();
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> plainMap(MappingNode node, String path) {
    return (Map<String, Object>) yaml.plain(node, path);
  }

  private String requiredName(Node node, Map<String, Object> plain, String what) {
    Object name = plain.get("name");
    if (name == null || name.toString().isBlank()) {
      throw error(node, "a %s entry needs a name (- name: ...)", what);
    }
    return name.toString();
  }

  private static String text(Object value) {
    return value == null ? "" : value.toString().strip();
  }

  private FloeException error(Node node, String format, Object... args) {
    return FloeException.user("%s: Cannot read properties: %s.", yaml.location(node), String.format(format, args));
  }
}
