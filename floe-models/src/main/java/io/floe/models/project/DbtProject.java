package io.floe.models.project;

import static java.util.Objects.requireNonNull;

import io.floe.core.config.YamlFile;
import io.floe.core.error.DidYouMean;
import io.floe.core.error.FloeException;
import java.nio.file.Files;
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
 * A project's {@code dbt_project.yml}, when it has one: the paths of its models, seeds, snapshots,
 * macros and tests, its {@code vars}, the folder configs of {@code models:}, {@code seeds:} and
 * {@code snapshots:} ({@code +materialized: table} under a folder's name), and the
 * {@code on-run-start}/{@code on-run-end} hooks. What is Floe's own (catalog, engine, sources,
 * schedules) stays in floe.yaml; {@code profile}, {@code target-path} and the like are read and have
 * no effect, since the catalog is floe.yaml's.
 *
 * @param file the file, when the project has one
 * @param name the dbt project's name (the key its folder configs stand under)
 * @param modelPaths folders of models, relative to the project
 * @param seedPaths folders of seeds
 * @param snapshotPaths folders of snapshots
 * @param macroPaths folders of macros
 * @param testPaths folders of singular tests (and generic ones under {@code generic/})
 * @param vars the {@code vars:} for this project: global ones and those under its name
 * @param models folder configs of models
 * @param seeds folder configs of seeds
 * @param snapshots folder configs of snapshots
 * @param tests configs of data tests ({@code tests:} or {@code data_tests:})
 * @param onRunStart SQL run before a run's models ({@code on-run-start})
 * @param onRunEnd SQL run after a run has published ({@code on-run-end})
 */
public record DbtProject(Optional<Path> file, String name, List<String> modelPaths, List<String> seedPaths,
    List<String> snapshotPaths, List<String> macroPaths, List<String> testPaths, Map<String, Object> vars,
    FolderConfig models, FolderConfig seeds, FolderConfig snapshots, FolderConfig tests, List<String> onRunStart,
    List<String> onRunEnd) {
  public static final String FILE = "dbt_project.yml";

  private static final List<String> KEYS = List.of("name", "version", "config-version", "profile", "model-paths",
      "seed-paths", "snapshot-paths", "macro-paths", "test-paths", "analysis-paths", "docs-paths", "asset-paths",
      "target-path", "log-path", "packages-install-path", "clean-targets", "require-dbt-version", "vars", "models",
      "seeds", "snapshots", "tests", "data_tests", "sources", "on-run-start", "on-run-end", "dispatch", "quoting",
      "query-comment", "flags", "metrics", "semantic-models", "saved-queries", "exposures", "unit_tests",
      "restrict-access", "dbt-cloud", "source-paths", "data-paths");

  /**
   * The configs of one folder and the folders under it.
   *
   * @param config the {@code +key: value} settings (keys without the {@code +}, dashes as underscores)
   * @param where the file and line the settings were written at
   * @param folders the configs of sub-folders, by name
   */
  public record FolderConfig(Map<String, Object> config, String where, Map<String, FolderConfig> folders) {
    static final FolderConfig NONE = new FolderConfig(Map.of(), "", Map.of());

    public FolderConfig {
      config = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(config, "config is null")));
      requireNonNull(where, "where is null");
      folders = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(folders,
          "folders is null")));
    }

    FolderConfig rendered(Map<String, Object> vars) {
      Map<String, FolderConfig> children = new LinkedHashMap<>();
      folders.forEach((name, folder) -> children.put(name, folder.rendered(vars)));
      return new FolderConfig(DbtProjectJinja.render(config, vars, where), where, children);
    }

    /** The folders of {@code file} under {@code dir}, outermost first: what {@link #along} takes. */
    public static List<String> foldersOf(Path dir, Path file) {
      List<String> folders = new ArrayList<>();
      Path relative = dir.relativize(file).getParent();
      if (relative != null) {
        relative.forEach(part -> folders.add(part.toString()));
      }
      return folders;
    }

    /**
     * The configs that apply to a file in {@code folders} (its folders under the resource path,
     * outermost first), outermost first: each one's settings and where they were written.
     */
    public List<Map.Entry<String, Map<String, Object>>> along(List<String> path) {
      List<Map.Entry<String, Map<String, Object>>> levels = new ArrayList<>();
      FolderConfig level = this;
      if (!level.config.isEmpty()) {
        levels.add(Map.entry(level.where, level.config));
      }
      for (String folder : path) {
        level = level.folders.get(folder);
        if (level == null) {
          break;
        }
        if (!level.config.isEmpty()) {
          levels.add(Map.entry(level.where, level.config));
        }
      }
      return levels;
    }
  }

  public DbtProject {
    requireNonNull(file, "file is null");
    requireNonNull(name, "name is null");
    modelPaths = List.copyOf(modelPaths);
    seedPaths = List.copyOf(seedPaths);
    snapshotPaths = List.copyOf(snapshotPaths);
    macroPaths = List.copyOf(macroPaths);
    testPaths = List.copyOf(testPaths);
    vars = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(vars));
    requireNonNull(models, "models is null");
    requireNonNull(seeds, "seeds is null");
    requireNonNull(snapshots, "snapshots is null");
    requireNonNull(tests, "tests is null");
    onRunStart = List.copyOf(onRunStart);
    onRunEnd = List.copyOf(onRunEnd);
  }

  /** What a project without a dbt_project.yml has: dbt's default paths and nothing else. */
  public static DbtProject none(String name) {
    return new DbtProject(Optional.empty(), name, List.of("models"), List.of("seeds"), List.of("snapshots"),
        List.of("macros"), List.of("tests"), Map.of(), FolderConfig.NONE, FolderConfig.NONE, FolderConfig.NONE,
        FolderConfig.NONE, List.of(), List.of());
  }

  /** Whether {@code dir} holds a dbt project. */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE));
  }

  /**
   * Reads the project's dbt_project.yml with the Jinja in its config values rendered, with its vars
   * and the project's ({@code floe.yaml}'s and {@code --vars}') over them.
   */
  public static DbtProject read(io.floe.core.project.Project project) {
    DbtProject read = read(project.root(), project.config().name());
    Map<String, Object> vars = ModelProject.vars(project, read);
    return new DbtProject(read.file(), read.name(), read.modelPaths(), read.seedPaths(), read.snapshotPaths(),
        read.macroPaths(), read.testPaths(), read.vars(), read.models().rendered(vars), read.seeds().rendered(vars),
        read.snapshots().rendered(vars), read.tests().rendered(vars), read.onRunStart(), read.onRunEnd());
  }

  /**
   * Reads {@code root/dbt_project.yml}, or returns {@link #none} when there is none.
   *
   * @throws FloeException (user) naming the file and line of an unknown key or a value of the wrong shape
   */
  public static DbtProject read(Path root, String fallbackName) {
    Path file = root.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return none(fallbackName);
    }
    YamlFile yaml = YamlFile.read(file, Path.of(FILE));
    if (yaml.root().isEmpty()) {
      return none(fallbackName);
    }
    if (!(yaml.root().get() instanceof MappingNode top)) {
      throw error(yaml, yaml.root().get(), "expected a mapping (name: ..., models: ...), but was %s",
          YamlFile.describe(yaml.root().get()));
    }
    return new Reader(yaml, file).read(top, fallbackName);
  }

  private static FloeException error(YamlFile yaml, Node node, String format, Object... args) {
    return FloeException.user("%s: Cannot read %s: %s.", yaml.location(node), FILE, String.format(format, args));
  }

  private static final class Reader {
    private final YamlFile yaml;
    private final Path file;

    Reader(YamlFile yaml, Path file) {
      this.yaml = yaml;
      this.file = file;
    }

    DbtProject read(MappingNode top, String fallbackName) {
      Map<String, Node> values = new LinkedHashMap<>();
      for (NodeTuple tuple : top.getValue()) {
        String key = yaml.keyName(tuple.getKeyNode(), "");
        if (!KEYS.contains(key)) {
          throw error(yaml, tuple.getKeyNode(), "unknown key '%s'.%s Floe reads the keys dbt documents for"
              + " dbt_project.yml; check the spelling", key, DidYouMean.hint(key, KEYS));
        }
        values.put(key, tuple.getValueNode());
      }
      String name = Optional.ofNullable(values.get("name")).map(node -> scalar(node, "name")).orElse(fallbackName);
      Map<String, Object> vars = vars(values.get("vars"), name);
      Node tests = values.containsKey("data_tests") ? values.get("data_tests") : values.get("tests");
      // dbt before 1.0 named them source-paths and data-paths.
      values.putIfAbsent("model-paths", values.get("source-paths"));
      values.putIfAbsent("seed-paths", values.get("data-paths"));
      return new DbtProject(Optional.of(file), name, paths(values, "model-paths", "models"),
          paths(values, "seed-paths", "seeds"), paths(values, "snapshot-paths", "snapshots"),
          paths(values, "macro-paths", "macros"), paths(values, "test-paths", "tests"), vars,
          resourceConfigs(values.get("models"), name), resourceConfigs(values.get("seeds"), name),
          resourceConfigs(values.get("snapshots"), name), resourceConfigs(tests, name),
          statements(values.get("on-run-start"), "on-run-start"), statements(values.get("on-run-end"), "on-run-end"));
    }

    private String scalar(Node node, String key) {
      if (!(node instanceof ScalarNode scalar)) {
        throw error(yaml, node, "%s must be a single value, but was %s", key, YamlFile.describe(node));
      }
      return scalar.getValue();
    }

    private List<String> paths(Map<String, Node> values, String key, String fallback) {
      Node node = values.get(key);
      if (node == null) {
        return List.of(fallback);
      }
      List<String> paths = statements(node, key);
      return paths.isEmpty() ? List.of(fallback) : paths;
    }

    // A single value or a list of them.
    private List<String> statements(Node node, String key) {
      if (node == null) {
        return List.of();
      }
      if (node instanceof ScalarNode scalar) {
        return scalar.getValue().isBlank() ? List.of() : List.of(scalar.getValue());
      }
      if (node instanceof SequenceNode sequence) {
        List<String> items = new ArrayList<>();
        for (Node item : sequence.getValue()) {
          items.add(scalar(item, key));
        }
        return items;
      }
      throw error(yaml, node, "%s must be a value or a list of values, but was %s", key, YamlFile.describe(node));
    }

    // Global vars, and those scoped to this project ({name: {key: value}}) over them; other
    // packages' scopes are kept as they are.
    @SuppressWarnings("unchecked")
    private Map<String, Object> vars(Node node, String name) {
      if (node == null) {
        return Map.of();
      }
      Object plain = yaml.plain(node, "vars");
      if (!(plain instanceof Map<?, ?> map)) {
        throw error(yaml, node, "vars must be a mapping of names to values, but was %s", YamlFile.describe(node));
      }
      Map<String, Object> vars = new LinkedHashMap<>();
      ((Map<String, Object>) map).forEach((key, value) -> {
        if (!key.equals(name)) {
          vars.put(key, value);
        }
      });
      if (map.get(name) instanceof Map<?, ?> own) {
        ((Map<String, Object>) own).forEach(vars::put);
      }
      return vars;
    }

    // models: {project_name: {+materialized: view, staging: {+schema: staging}}}; the configs
    // under other names are packages' and have no models here.
    private FolderConfig resourceConfigs(Node node, String name) {
      if (node == null) {
        return FolderConfig.NONE;
      }
      if (!(node instanceof MappingNode mapping)) {
        throw error(yaml, node, "expected a mapping (%s: {+materialized: view}), but was %s", name,
            YamlFile.describe(node));
      }
      Map<String, Object> topConfig = new LinkedHashMap<>();
      FolderConfig own = FolderConfig.NONE;
      for (NodeTuple tuple : mapping.getValue()) {
        String key = yaml.keyName(tuple.getKeyNode(), "");
        if (key.startsWith("+") || isConfigKey(key, tuple.getValueNode())) {
          topConfig.put(configKey(key), yaml.plain(tuple.getValueNode(), key));
        } else if (key.equals(name)) {
          own = folder(tuple.getValueNode());
        }
      }
      if (topConfig.isEmpty()) {
        return own;
      }
      Map<String, Object> merged = new LinkedHashMap<>(topConfig);
      merged.putAll(own.config());
      return new FolderConfig(merged, yaml.location(node).toString(), own.folders());
    }

    private FolderConfig folder(Node node) {
      if (node == null || (node instanceof ScalarNode scalar && scalar.getValue().isEmpty())) {
        return FolderConfig.NONE;
      }
      if (!(node instanceof MappingNode mapping)) {
        throw error(yaml, node, "a folder's configs must be a mapping (+materialized: table), but was %s",
            YamlFile.describe(node));
      }
      Map<String, Object> config = new LinkedHashMap<>();
      Map<String, FolderConfig> folders = new LinkedHashMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        String key = yaml.keyName(tuple.getKeyNode(), "");
        if (key.startsWith("+") || isConfigKey(key, tuple.getValueNode())) {
          config.put(configKey(key), yaml.plain(tuple.getValueNode(), key));
        } else {
          folders.put(key, folder(tuple.getValueNode()));
        }
      }
      return new FolderConfig(config, yaml.location(node).toString(), folders);
    }

    // As dbt does: a key without '+' is a config when it names one and holds no folder's mapping
    // (dbt's own configs that are mappings, like persist_docs, need the '+').
    private static boolean isConfigKey(String key, Node value) {
      return ModelSettings.field(configKey(key)) != null && !(value instanceof MappingNode);
    }
  }

  /** A config key as a model's config spells it: without dbt_project.yml's '+', pre-hook as pre_hook. */
  static String configKey(String key) {
    String plain = key.startsWith("+") ? key.substring(1) : key;
    return plain.replace('-', '_').toLowerCase(Locale.ROOT);
  }
}
