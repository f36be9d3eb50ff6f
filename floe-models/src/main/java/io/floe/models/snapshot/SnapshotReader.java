package io.floe.models.snapshot;

import io.floe.core.config.YamlFile;
import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.models.project.DbtProject;
import io.floe.models.project.DbtProject.FolderConfig;
import io.floe.models.project.ModelProperties;
import io.floe.models.project.ProjectFiles;
import io.floe.models.project.ProvidedModel;
import io.floe.models.render.ModelRenderer;
import io.floe.models.render.TemplateText;
import io.floe.models.render.ModelRenderer.MacroFile;
import io.floe.models.render.ModelRenderer.Resolution;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a project's dbt snapshots into models: the {@code {% snapshot name %} ... {% endsnapshot %}}
 * blocks of {@code snapshots/**.sql} and the entries of {@code snapshots:} in
 * {@code snapshots/**.yml} (dbt 1.9: {@code relation: ref('x')} and {@code config:}), under
 * dbt_project.yml's {@code snapshot-paths}. Config comes as in dbt: dbt_project.yml's
 * {@code snapshots:} folder settings, then a YAML entry named like the snapshot, then the block's
 * {@code config()}.
 *
 * <p>Each snapshot becomes a model of that name, materialized as {@code snapshot}, in
 * {@code target_schema} (else {@code schema}, else {@value #DEFAULT_SCHEMA}). Jinjava knows no
 * {@code snapshot} tag, so the block's body is cut out here; it stays a template (ref, source, var,
 * macros), with its {@code config()} calls taken out and evaluated here, since the snapshot's
 * schema and strategy must be known when the project loads.
 */
final class SnapshotReader {
  /** The namespace of a snapshot that names none, as dbt's docs use. */
  static final String DEFAULT_SCHEMA = "snapshots";

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotReader.class);
  private static final Pattern BLOCK_START =
      Pattern.compile("\\{%-?\\s*snapshot\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*-?%}");
  private static final Pattern BLOCK_END = Pattern.compile("\\{%-?\\s*endsnapshot\\s*-?%}");
  private static final Pattern CONFIG_CALL = Pattern.compile("\\{\\{-?\\s*config\\s*\\(");
  private static final List<String> ENTRY_KEYS = List.of("name", "relation", "config", "description", "columns",
      "meta", "docs", "tests", "data_tests");

  private final Project project;
  private final ModelRenderer renderer;

  private SnapshotReader(Project project, ModelRenderer renderer) {
    this.project = project;
    this.renderer = renderer;
  }

  /** One snapshot as written: where, its template and its config, before they are checked. */
  private record Declared(String name, String where, Optional<String> template, Map<String, Object> config,
      Map<String, Object> folderConfig, Optional<ModelProperties> properties) {}

  /**
   * The project's snapshots as models, SQL files first, in file order.
   *
   * @throws FloeException (user) naming the file and line of a bad snapshot
   */
  static List<ProvidedModel> read(Project project) {
    Path root = project.root();
    DbtProject dbt = DbtProject.read(project);
    List<Path> dirs = dbt.snapshotPaths().stream().map(path -> root.resolve(path).normalize())
        .filter(Files::isDirectory).toList();
    if (dirs.isEmpty()) {
      return List.of();
    }
    List<MacroFile> macros = io.floe.models.project.ModelProject.macroFiles(root, dbt);
    SnapshotReader reader = new SnapshotReader(project,
        new ModelRenderer(macros, io.floe.models.project.ModelProject.vars(project, dbt)));
    Map<String, Declared> fromYaml = new LinkedHashMap<>();
    Map<String, Declared> fromSql = new LinkedHashMap<>();
    for (Path dir : dirs) {
      for (Path file : files(dir, ".yml", ".yaml")) {
        reader.readYaml(file, folderConfig(dbt, dir, file), fromYaml);
      }
      for (Path file : files(dir, ".sql")) {
        reader.readSql(file, folderConfig(dbt, dir, file), fromSql);
      }
    }
    List<ProvidedModel> models = new ArrayList<>();
    for (Declared block : fromSql.values()) {
      Declared described = fromYaml.remove(block.name());
      // dbt's order: dbt_project.yml's folders, then the property file, then the block's config().
      Map<String, Object> config = new LinkedHashMap<>(block.folderConfig());
      Optional<ModelProperties> properties = Optional.empty();
      if (described != null) {
        if (described.template().isPresent()) {
          throw FloeException.user("%s: Cannot read snapshot %s: it has a relation here and a {%% snapshot %%} block"
              + " at %s. Keep one of the two.", described.where(), block.name(), block.where());
        }
        config.putAll(described.config());
        properties = described.properties();
      }
      config.putAll(block.config());
      models.add(model(block.name(), block.where(), block.template().orElseThrow(), config, properties));
    }
    for (Declared entry : fromYaml.values()) {
      if (entry.template().isEmpty()) {
        throw FloeException.user("%s: Cannot read snapshot %s: it has no relation and no {%% snapshot %s %%} block in"
            + " snapshots/*.sql. Add relation: ref('model') or relation: source('source', 'table').", entry.where(),
            entry.name(), entry.name());
      }
      Map<String, Object> config = new LinkedHashMap<>(entry.folderConfig());
      config.putAll(entry.config());
      models.add(model(entry.name(), entry.where(), entry.template().get(), config, entry.properties()));
    }
    return models;
  }

  // The +settings of dbt_project.yml's snapshots: that apply to a file in its folder, outermost first.
  private static Map<String, Object> folderConfig(DbtProject dbt, Path dir, Path file) {
    Map<String, Object> config = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, Object>> level : dbt.snapshots().along(FolderConfig.foldersOf(dir, file))) {
      config.putAll(level.getValue());
    }
    return config;
  }

  private static ProvidedModel model(String name, String where, String template, Map<String, Object> written,
      Optional<ModelProperties> properties) {
    SnapshotSettings settings = SnapshotSettings.fromConfig(name, written, where);
    Map<String, Object> config = new LinkedHashMap<>(written);
    config.put("materialized", SnapshotMaterialization.NAME);
    Object schema = config.get("target_schema") != null ? config.get("target_schema") : config.get("schema");
    config.put("schema", schema == null ? DEFAULT_SCHEMA : schema.toString());
    Map<String, Object> tableProperties = new LinkedHashMap<>();
    if (config.get("tblproperties") instanceof Map<?, ?> own) {
      own.forEach((key, value) -> tableProperties.put(String.valueOf(key), value));
    }
    tableProperties.putAll(settings.toProperties());
    config.put("tblproperties", tableProperties);
    return new ProvidedModel(name, where, template, config, properties);
  }

  private void readSql(Path file, Map<String, Object> folderConfig, Map<String, Declared> into) {
    String path = project.root().relativize(file).toString();
    String text = read(file);
    Matcher start = BLOCK_START.matcher(text);
    int from = 0;
    boolean any = false;
    while (start.find(from)) {
      any = true;
      String name = start.group(1);
      int line = lineAt(text, start.start());
      String where = path + ":" + line;
      Matcher end = BLOCK_END.matcher(text);
      if (!end.find(start.end())) {
        throw FloeException.user("%s: Cannot read snapshot %s: no {%% endsnapshot %%} closes its block. Add it after"
            + " the SELECT.", where, name);
      }
      Matcher nested = BLOCK_START.matcher(text).region(start.end(), end.start());
      if (nested.find()) {
        throw FloeException.user("%s:%d: Cannot read snapshot %s: a {%% snapshot %%} block starts inside snapshot %s"
            + " (%s). Close the first with {%% endsnapshot %%}.", path, lineAt(text, nested.start()),
            nested.group(1), name, where);
      }
      // The body keeps its lines where they are in the file, so a render error's line is the file's.
      String body = "\n".repeat(line - 1) + text.substring(start.end(), end.start());
      Map<String, Object> config = new LinkedHashMap<>();
      String template = takeConfig(name, path, body, config);
      Declared previous = into.putIfAbsent(name, new Declared(name, where, Optional.of(template), config,
          folderConfig, Optional.empty()));
      if (previous != null) {
        throw FloeException.user("%s: Cannot read snapshot %s: %s defines it too. Rename one.", where, name,
            previous.where());
      }
      from = end.end();
    }
    if (!any) {
      throw FloeException.user("%s: Cannot read snapshots: the file has no {%% snapshot name %%} ... {%% endsnapshot %%}"
          + " block. Wrap its SELECT in one, or move the file out of snapshots/.", path);
    }
  }

  // Takes the {{ config(...) }} calls out of the body (blank lines stay, so lines keep their numbers)
  // and renders them, adding what they set to `config`.
  private String takeConfig(String name, String path, String body, Map<String, Object> config) {
    StringBuilder template = new StringBuilder();
    Matcher call = CONFIG_CALL.matcher(body);
    int copied = 0;
    while (call.find(copied)) {
      int close = TemplateText.closingParenthesis(body, call.end() - 1);
      int end = close < 0 ? -1 : closingBraces(body, close + 1);
      if (end < 0) {
        throw FloeException.user("%s:%d: Cannot read snapshot %s: its config( call is not closed with ) }}.", path,
            lineAt(body, call.start()), name);
      }
      String text = body.substring(call.start(), end);
      Resolution parsing = new Resolution(name, false, ref -> "__ref_" + ref, (source, table) -> source + "." + table);
      config.putAll(renderer.render(name, path, body.substring(0, call.start()).replaceAll("[^\\n]", "") + text,
          parsing).config());
      template.append(body, copied, call.start()).append(text.replaceAll("[^\\n]", ""));
      copied = end;
    }
    return template.append(body.substring(copied)).toString();
  }

  // The index after the "}}" (or "-}}") that follows `from` after blanks; -1 when something else does.
  private static int closingBraces(String text, int from) {
    int i = from;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    if (text.startsWith("-}}", i)) {
      return i + 3;
    }
    return text.startsWith("}}", i) ? i + 2 : -1;
  }

  private void readYaml(Path file, Map<String, Object> folderConfig, Map<String, Declared> into) {
    String path = project.root().relativize(file).toString();
    YamlFile yaml = YamlFile.read(file, Path.of(path));
    if (yaml.root().isEmpty()) {
      return;
    }
    if (!(yaml.root().get() instanceof MappingNode root)) {
      throw FloeException.user("%s:%d: Cannot read snapshots: expected 'snapshots:' at the top level, but was %s.",
          path, yaml.location(yaml.root().get()).line(), YamlFile.describe(yaml.root().get()));
    }
    for (NodeTuple tuple : root.getValue()) {
      String key = yaml.keyName(tuple.getKeyNode(), "");
      if (key.equals("snapshots")) {
        if (!(tuple.getValueNode() instanceof SequenceNode entries)) {
          throw FloeException.user("%s:%d: Cannot read snapshots: snapshots must be a list of entries (- name: ...),"
              + " but was %s.", path, yaml.location(tuple.getValueNode()).line(),
              YamlFile.describe(tuple.getValueNode()));
        }
        for (Node entry : entries.getValue()) {
          Declared declared = entry(yaml, path, entry, folderConfig);
          Declared previous = into.putIfAbsent(declared.name(), declared);
          if (previous != null) {
            throw FloeException.user("%s: Cannot read snapshot %s: it is described twice (first at %s). Merge the"
                + " two entries.", declared.where(), declared.name(), previous.where());
          }
        }
      } else if (!key.equals("version")) {
        LOG.warn("{}:{}: '{}' ignored: Floe reads only snapshots: from files under snapshots/ (models and sources"
            + " are described under models/)", path, yaml.location(tuple.getKeyNode()).line(), key);
      }
    }
  }

  private Declared entry(YamlFile yaml, String path, Node node, Map<String, Object> folderConfig) {
    String where = path + ":" + yaml.location(node).line();
    if (!(yaml.plain(node, "snapshots") instanceof Map<?, ?> plain)) {
      throw FloeException.user("%s: Cannot read snapshots: each entry must be a mapping with a name, but was %s.",
          where, YamlFile.describe(node));
    }
    Object name = plain.get("name");
    if (name == null || name.toString().isBlank()) {
      throw FloeException.user("%s: Cannot read snapshots: an entry needs a name (- name: ...).", where);
    }
    for (Object key : plain.keySet()) {
      if (!ENTRY_KEYS.contains(String.valueOf(key))) {
        throw FloeException.user("%s: Cannot read snapshot %s: unknown key '%s'. Expected one of %s.%s", where, name,
            key, ENTRY_KEYS, io.floe.core.error.DidYouMean.hint(String.valueOf(key), ENTRY_KEYS));
      }
    }
    Map<String, Object> config = new LinkedHashMap<>();
    if (plain.get("config") instanceof Map<?, ?> map) {
      map.forEach((key, value) -> config.put(String.valueOf(key), value));
    } else if (plain.get("config") != null) {
      throw FloeException.user("%s: Cannot read snapshot %s: config must be a mapping, but was: %s.", where, name,
          plain.get("config"));
    }
    Optional<String> template = Optional.ofNullable(plain.get("relation"))
        .map(relation -> "select * from {{ " + relation.toString().strip() + " }}\n");
    List<ModelProperties.Column> columns = new ArrayList<>();
    boolean tests = plain.containsKey("tests") || plain.containsKey("data_tests");
    if (plain.get("columns") instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> column && column.get("name") != null) {
          columns.add(new ModelProperties.Column(column.get("name").toString(), text(column.get("description")),
              Optional.ofNullable(column.get("data_type")).map(Object::toString)));
          tests |= column.containsKey("tests") || column.containsKey("data_tests");
        }
      }
    }
    if (tests) {
      LOG.warn("{}: the data tests of snapshot {} are not run: describe it under models: in a property file under"
          + " models/ to test it", where, name);
    }
    String description = text(plain.get("description"));
    Optional<ModelProperties> properties = description.isEmpty() && columns.isEmpty() ? Optional.empty()
        : Optional.of(new ModelProperties(name.toString(), description, Map.of(), columns, List.of(), where));
    return new Declared(name.toString(), where, template, config, folderConfig, properties);
  }

  private static String text(Object value) {
    return value == null ? "" : value.toString().strip();
  }

  private static int lineAt(String text, int index) {
    int line = 1;
    for (int i = 0; i < index; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static List<Path> files(Path dir, String... extensions) {
    return ProjectFiles.files(List.of(dir), extensions);
  }

  private static String read(Path file) {
    return ProjectFiles.read(file);
  }
}
