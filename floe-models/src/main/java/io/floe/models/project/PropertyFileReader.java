package io.floe.models.project;

import io.floe.core.config.YamlFile;
import io.floe.core.error.FloeException;
import io.floe.models.test.DataTestDefinition;
import io.floe.models.test.DataTestDefinition.Severity;
import io.floe.models.test.TestConfig;
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
 * tests and data_type, model-level tests), {@code sources:} (name, schema, tables with their tests
 * and freshness), {@code seeds:} and {@code snapshots:} (kept, not run), {@code unit_tests:},
 * {@code semantic_models:}, {@code metrics:}, {@code saved_queries:} and {@code exposures:}
 * (listed, not run); {@code macros:}, {@code analyses:} and {@code groups:} are accepted and
 * ignored. Errors name the file, with its folder, and the line.
 */
final class PropertyFileReader {
  private static final List<String> TOP_LEVEL = List.of("version", "models", "sources", "seeds", "snapshots",
      "unit_tests", "semantic_models", "metrics", "saved_queries", "exposures", "macros", "analyses", "groups",
      "data_tests");
  private static final Map<String, String> DESCRIBED = Map.of("semantic_models", "semantic_model", "metrics", "metric",
      "saved_queries", "saved_query", "exposures", "exposure");

  private final YamlFile yaml;
  private final Map<String, Object> testDefaults;
  private final Map<String, ModelProperties> models = new LinkedHashMap<>();
  private final Map<String, String> sources = new LinkedHashMap<>();
  private final List<SourceTable> sourceTables = new ArrayList<>();
  private final List<NodeProperties> nodes = new ArrayList<>();
  private final List<DescribedResource> described = new ArrayList<>();
  private final List<UnitTestDefinition> unitTests = new ArrayList<>();

  private PropertyFileReader(YamlFile yaml, Map<String, Object> testDefaults) {
    this.yaml = yaml;
    this.testDefaults = testDefaults;
  }

  /**
   * What one property file declares.
   *
   * @param models the models described, by name
   * @param sources each source table ({@code source.table}) to the relation it reads
   * @param sourceTables the source tables, with their tests and freshness
   * @param nodes the seeds and snapshots described
   * @param described the semantic models, metrics, saved queries and exposures
   * @param unitTests the unit tests
   */
  record Contents(Map<String, ModelProperties> models, Map<String, String> sources, List<SourceTable> sourceTables,
      List<NodeProperties> nodes, List<DescribedResource> described, List<UnitTestDefinition> unitTests) {}

  static Contents read(Path file, Path shownAs) {
    return read(file, shownAs, Map.of());
  }

  /**
   * @param testDefaults the configs of the file's data tests unless a test sets them (dbt_project.yml's
   *     {@code data_tests:} configs for the file's folder)
   */
  static Contents read(Path file, Path shownAs, Map<String, Object> testDefaults) {
    PropertyFileReader reader = new PropertyFileReader(YamlFile.read(file, shownAs), testDefaults);
    reader.readAll();
    return new Contents(Map.copyOf(reader.models), Map.copyOf(reader.sources), List.copyOf(reader.sourceTables),
        List.copyOf(reader.nodes), List.copyOf(reader.described), List.copyOf(reader.unitTests));
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
        case "seeds" -> items(tuple.getValueNode(), "seeds").forEach(item -> node(item, "seed"));
        case "snapshots" -> items(tuple.getValueNode(), "snapshots").forEach(item -> node(item, "snapshot"));
        case "unit_tests" -> items(tuple.getValueNode(), "unit_tests").forEach(this::unitTest);
        case "semantic_models", "metrics", "saved_queries", "exposures" ->
            items(tuple.getValueNode(), key).forEach(item -> described(item, key));
        // Singular tests' properties (data_tests:), macros' and analyses' docs and groups: nothing to run.
        case "version", "macros", "analyses", "groups", "data_tests" -> { }
        default -> throw error(tuple.getKeyNode(), "unknown key '%s'.%s Expected one of %s", key,
            io.floe.core.error.DidYouMean.hint(key, TOP_LEVEL), TOP_LEVEL);
      }
    }
  }

  private void model(MappingNode node) {
    Map<String, Object> plain = plainMap(node, "models");
    String name = requiredName(node, plain, "model");
    String where = at(node);
    if (models.containsKey(name)) {
      throw error(node, "model '%s' is described twice (first at %s). Merge the two entries", name,
          models.get(name).where());
    }
    List<ModelProperties.Column> columns = new ArrayList<>();
    List<DataTestDefinition> tests = new ArrayList<>();
    columnsAndTests(node, columns, tests);
    models.put(name, new ModelProperties(name, text(plain.get("description")), config(node, plain, name), columns,
        tests, where));
  }

  private void columnsAndTests(MappingNode node, List<ModelProperties.Column> columns, List<DataTestDefinition> tests) {
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
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> config(MappingNode node, Map<String, Object> plain, String name) {
    Object config = plain.get("config");
    if (config != null && !(config instanceof Map)) {
      throw error(child(node, "config"), "config of '%s' must be a mapping", name);
    }
    return config == null ? Map.of() : (Map<String, Object>) config;
  }

  private void node(MappingNode node, String kind) {
    Map<String, Object> plain = plainMap(node, kind + "s");
    String name = requiredName(node, plain, kind);
    List<ModelProperties.Column> columns = new ArrayList<>();
    List<DataTestDefinition> tests = new ArrayList<>();
    columnsAndTests(node, columns, tests);
    nodes.add(new NodeProperties(kind, name, text(plain.get("description")), config(node, plain, name), columns,
        tests, at(node)));
  }

  private void described(MappingNode node, String key) {
    Map<String, Object> plain = plainMap(node, key);
    String kind = DESCRIBED.get(key);
    String name = requiredName(node, plain, kind);
    Object description = plain.getOrDefault("description", plain.get("label"));
    described.add(new DescribedResource(kind, name, text(plain.get("type")), text(description), at(node)));
  }

  private void source(MappingNode node) {
    Map<String, Object> plain = plainMap(node, "sources");
    String name = requiredName(node, plain, "source");
    String schema = plain.get("schema") == null ? name : plain.get("schema").toString();
    Map<String, Object> sourceConfig = config(node, plain, name);
    Object sourceFreshness = setting(plain, sourceConfig, "freshness");
    Object sourceLoadedAt = setting(plain, sourceConfig, "loaded_at_field");
    Node tables = child(node, "tables");
    if (tables == null) {
      return;
    }
    for (MappingNode table : items(tables, "tables")) {
      Map<String, Object> tablePlain = plainMap(table, "tables");
      String tableName = requiredName(table, tablePlain, "table");
      Object identifier = tablePlain.get("identifier");
      String relation = schema + "." + (identifier == null ? tableName : identifier);
      sources.put(name + "." + tableName, relation);
      Map<String, Object> tableConfig = config(table, tablePlain, tableName);
      // A table's freshness replaces its source's; freshness: null turns it off, as in dbt.
      boolean ownFreshness = tablePlain.containsKey("freshness") || tableConfig.containsKey("freshness");
      Object freshness = ownFreshness ? setting(tablePlain, tableConfig, "freshness") : sourceFreshness;
      Object loadedAt = Optional.ofNullable(setting(tablePlain, tableConfig, "loaded_at_field")).orElse(sourceLoadedAt);
      List<DataTestDefinition> tests = new ArrayList<>();
      columnsAndTests(table, new ArrayList<>(), tests);
      sourceTables.add(new SourceTable(name, tableName, relation, tests,
          freshness(table, name + "." + tableName, freshness, loadedAt), at(table)));
    }
  }

  private static Object setting(Map<String, Object> plain, Map<String, Object> config, String key) {
    return config.containsKey(key) ? config.get(key) : plain.get(key);
  }

  private Optional<SourceTable.Freshness> freshness(Node table, String key, Object freshness, Object loadedAt) {
    if (!(freshness instanceof Map<?, ?> map)) {
      return Optional.empty();
    }
    Optional<SourceTable.Age> warn = age(table, key, map.get("warn_after"), "warn_after");
    Optional<SourceTable.Age> error = age(table, key, map.get("error_after"), "error_after");
    if (warn.isEmpty() && error.isEmpty()) {
      return Optional.empty();
    }
    if (loadedAt == null) {
      throw error(table, "source %s declares freshness but no loaded_at_field. Name the column that holds when"
          + " each row was loaded: loaded_at_field: _loaded_at", key);
    }
    return Optional.of(new SourceTable.Freshness(loadedAt.toString(), warn, error,
        Optional.ofNullable(map.get("filter")).map(Object::toString)));
  }

  private Optional<SourceTable.Age> age(Node table, String key, Object value, String what) {
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Map<?, ?> age) || age.get("count") == null || age.get("period") == null) {
      throw error(table, "%s of source %s must be {count: 12, period: hour}", what, key);
    }
    String period = age.get("period").toString().toLowerCase(Locale.ROOT);
    if (!List.of("minute", "hour", "day").contains(period)) {
      throw error(table, "%s of source %s: period must be minute, hour or day, but was '%s'", what, key,
          age.get("period"));
    }
    try {
      return Optional.of(new SourceTable.Age(Long.parseLong(age.get("count").toString()), period));
    } catch (NumberFormatException e) {
      throw error(table, "%s of source %s: count must be a whole number, but was '%s'", what, key, age.get("count"));
    }
  }

  private void unitTest(MappingNode node) {
    Map<String, Object> plain = plainMap(node, "unit_tests");
    String name = requiredName(node, plain, "unit test");
    Object model = plain.get("model");
    if (model == null) {
      throw error(node, "unit test '%s' needs the model it tests (model: my_model)", name);
    }
    List<UnitTestDefinition.Given> given = new ArrayList<>();
    if (plain.get("given") instanceof List<?> inputs) {
      for (Object input : inputs) {
        if (!(input instanceof Map<?, ?> map) || map.get("input") == null) {
          throw error(node, "each given of unit test '%s' needs an input: {input: ref('x'), rows: [...]}", name);
        }
        given.add(new UnitTestDefinition.Given(map.get("input").toString(), rows(node, name, map)));
      }
    } else if (plain.get("given") != null) {
      throw error(node, "given of unit test '%s' must be a list of inputs", name);
    }
    if (!(plain.get("expect") instanceof Map<?, ?> expect)) {
      throw error(node, "unit test '%s' needs expect: {rows: [...]}", name);
    }
    boolean incremental = plain.get("overrides") instanceof Map<?, ?> overrides
        && overrides.get("macros") instanceof Map<?, ?> macros && Boolean.TRUE.equals(macros.get("is_incremental"));
    unitTests.add(new UnitTestDefinition(name, model.toString(), given, rows(node, name, expect), incremental,
        at(node)));
  }

  @SuppressWarnings("unchecked")
  private UnitTestDefinition.Rows rows(Node node, String name, Map<?, ?> entry) {
    String format = Optional.ofNullable(entry.get("format")).map(Object::toString).orElse("dict")
        .toLowerCase(Locale.ROOT);
    Object rows = entry.get("rows");
    if (entry.get("fixture") != null) {
      throw error(node, "unit test '%s': fixture files are not supported; write the rows inline", name);
    }
    switch (format) {
      case "dict" -> {
        List<Map<String, Object>> dict = new ArrayList<>();
        if (rows instanceof List<?> list) {
          for (Object row : list) {
            if (!(row instanceof Map<?, ?>)) {
              throw error(node, "unit test '%s': each row of format dict is a mapping {column: value}", name);
            }
            dict.add((Map<String, Object>) row);
          }
        } else if (rows != null) {
          throw error(node, "unit test '%s': rows of format dict must be a list of mappings", name);
        }
        return new UnitTestDefinition.Rows(format, dict, Optional.empty());
      }
      case "csv", "sql" -> {
        return new UnitTestDefinition.Rows(format, List.of(), Optional.of(rows == null ? "" : rows.toString()));
      }
      default -> throw error(node, "unit test '%s': format must be dict, csv or sql, but was '%s'", name, format);
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
        DataTestDefinition test = test(item, column);
        if (test.config().enabled()) {
          into.add(test);
        }
      }
    }
  }

  // The forms dbt reads: "- not_null"; "- accepted_values: {values: [a], severity: warn}" (configs
  // beside the arguments); "- accepted_values: {arguments: {values: [a]}, config: {severity: warn}}"
  // (dbt 1.10); "- {test_name: accepted_values, name: x, values: [a]}".
  private DataTestDefinition test(Node item, Optional<String> column) {
    String where = at(item);
    Object plain = item instanceof ScalarNode scalar ? Map.of(scalar.getValue(), Map.of()) : yaml.plain(item, "tests");
    String kind;
    Object body;
    if (plain instanceof Map<?, ?> map && map.get("test_name") != null) {
      kind = map.get("test_name").toString();
      Map<Object, Object> rest = new LinkedHashMap<>(map);
      rest.remove("test_name");
      body = rest;
    } else if (plain instanceof Map<?, ?> map && map.size() == 1) {
      Map.Entry<?, ?> entry = map.entrySet().iterator().next();
      kind = String.valueOf(entry.getKey());
      body = entry.getValue();
    } else {
      throw error(item, "a test is a name (- not_null) or one name with arguments"
          + " (- accepted_values: {values: [a, b]}), but was %s", YamlFile.describe(item));
    }
    Map<String, Object> arguments = new LinkedHashMap<>();
    Map<String, Object> config = new LinkedHashMap<>();
    if (body instanceof Map<?, ?> args) {
      args.forEach((key, value) -> {
        String name = String.valueOf(key);
        if (name.equals("arguments") && value instanceof Map<?, ?> given) {
          given.forEach((argument, argumentValue) -> arguments.put(String.valueOf(argument), argumentValue));
        } else if (name.equals("config") && value instanceof Map<?, ?> given) {
          given.forEach((setting, settingValue) -> config.put(String.valueOf(setting), settingValue));
        } else if (name.equals("config") || name.equals("arguments")) {
          throw error(item, "%s of test '%s' must be a mapping, but was '%s'", name, kind, value);
        } else if (TestConfig.KEYS.contains(name)) {
          config.putIfAbsent(name, value); // dbt's older form: configs beside the arguments
        } else if (!name.equals("description")) {
          arguments.put(name, value);
        }
      });
    } else if (body instanceof List<?>) {
      throw error(item, "the arguments of test '%s' must be a mapping ({values: [a, b]}), but was a list", kind);
    } else if (body != null) {
      arguments.put("expression", body);
    }
    testDefaults.forEach((key, value) -> {
      if (TestConfig.KEYS.contains(key)) {
        config.putIfAbsent(key, value);
      }
    });
    Object severity = config.remove("severity");
    if (severity == null && arguments.containsKey("warn_after") && !arguments.containsKey("error_after")) {
      severity = "warn"; // freshness: warn_after alone warns, as in dbt
    }
    return new DataTestDefinition(kind, column, arguments, severity(item, severity), where,
        TestConfig.of(config, where));
  }

  private Severity severity(Node item, Object value) {
    if (value == null) {
      return Severity.ERROR;
    }
    try {
      return Severity.valueOf(value.toString().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw FloeException.user(e, "%s: Cannot read test: severity must be warn or error, but was '%s'.",
          at(item), value);
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
    return FloeException.user("%s: Cannot read properties: %s.", at(node), String.format(format, args));
  }

  // The file as the project shows it (with its folders: models/staging/schema.yml) and the line.
  private String at(Node node) {
    int line = yaml.location(node).line();
    return line == 0 ? yaml.file().toString() : yaml.file() + ":" + line;
  }
}
