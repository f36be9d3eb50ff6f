package io.floe.models.project;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.DidYouMean;
import io.floe.core.error.FloeException;
import io.floe.core.graph.Graph;
import io.floe.core.graph.Node;
import io.floe.core.project.Project;
import io.floe.models.render.ModelRenderer;
import io.floe.models.render.ModelRenderer.MacroFile;
import io.floe.models.render.ModelRenderer.Queries;
import io.floe.models.render.ModelRenderer.Resolution;
import io.floe.models.render.ModelRenderer.Values;
import io.floe.models.render.RenderContext;
import io.floe.models.render.RenderedModel;
import io.floe.models.test.DataTestDefinition;
import io.floe.models.test.DataTestDefinition.Severity;
import io.floe.models.test.GenericTestMacros;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A project's models, macros, property files and singular tests, loaded and checked, with the
 * graph they form. Each model is rendered once while loading (refs resolve to placeholders) to
 * learn its {@code ref()}s, {@code source()}s and {@code config()}; {@link #compile} renders it
 * for real.
 *
 * <p>A model's table is {@code schema.name}: {@code schema} from its config, else the first folder
 * under {@code models/} when that folder is one of the project's namespaces
 * ({@code models/gold/revenue.sql} is {@code gold.revenue}), else {@code silver}; {@code alias}
 * replaces the name.
 */
public final class ModelProject {
  /** The namespace of a model that says nothing else. */
  public static final String DEFAULT_SCHEMA = "silver";

  private final Project project;
  private final DbtProject dbt;
  private final Map<String, Model> models;
  private final List<SingularTest> tests;
  private final Map<String, String> sources;
  private final ModelRenderer renderer;
  private final Graph graph;
  private final Set<String> genericTests;
  private final PropertyDeclarations declarations;
  private final Map<String, Model> modelsByTable;

  private ModelProject(Project project, DbtProject dbt, Map<String, Model> models, List<SingularTest> tests,
      Map<String, String> sources, ModelRenderer renderer, Graph graph, Set<String> genericTests,
      PropertyDeclarations declarations) {
    this.project = project;
    this.dbt = dbt;
    this.models = models;
    this.tests = tests;
    this.sources = sources;
    this.renderer = renderer;
    this.graph = graph;
    this.genericTests = genericTests;
    this.declarations = declarations;
    Map<String, Model> byTable = new LinkedHashMap<>();
    models.values().forEach(model -> byTable.put(model.table(), model));
    this.modelsByTable = Map.copyOf(byTable);
  }

  /**
   * Loads {@code models/**.sql}, the property files beside them ({@code .yml}, {@code .yaml}),
   * {@code macros/*.sql} and {@code tests/*.sql}.
   *
   * @throws FloeException (user) naming the file (and line) of the first problem: a template
   *     error, an unknown config, a property file for no model, an unknown ref or a cycle
   */
  public static ModelProject load(Project project) {
    List<ModelProvider> providers = new ArrayList<>();
    java.util.ServiceLoader.load(ModelProvider.class, ModelProject.class.getClassLoader()).forEach(providers::add);
    return load(project, providers);
  }

  /**
   * Loads the project's files as {@link #load(Project)} does, and the models {@code providers}
   * generate.
   *
   * @throws FloeException (user) also when a provided model has the name of another model
   */
  public static ModelProject load(Project project, List<ModelProvider> providers) {
    requireNonNull(project, "project is null");
    requireNonNull(providers, "providers is null");
    Path root = project.root();
    DbtProject dbt = DbtProject.read(project);
    List<Path> modelDirs = modelDirs(project, dbt);
    Map<String, ModelProperties> properties = new LinkedHashMap<>();
    Map<String, String> sources = new LinkedHashMap<>();
    List<PropertyFileReader.Contents> declared = new ArrayList<>();
    // Property files beside the models, and beside the seeds (where dbt projects often keep the seeds').
    List<Path> propertyDirs = new ArrayList<>(modelDirs);
    dirs(root, dbt.seedPaths()).stream().filter(dir -> !propertyDirs.contains(dir)).forEach(propertyDirs::add);
    for (Path file : files(propertyDirs, ".yml", ".yaml")) {
      PropertyFileReader.Contents contents = PropertyFileReader.read(file, root.relativize(file),
          DataTestChecks.projectTestConfig(dbt, modelDirs, file));
      for (ModelProperties model : contents.models().values()) {
        ModelProperties previous = properties.putIfAbsent(model.name(), model);
        if (previous != null) {
          throw FloeException.user("%s: Cannot read properties: model '%s' is described twice (first at %s).",
              model.where(), model.name(), previous.where());
        }
      }
      sources.putAll(contents.sources());
      declared.add(contents);
    }
    // A seed's or a snapshot's entry describes the model it becomes: its tests run like a model's.
    Set<String> seedsAndSnapshots = new java.util.HashSet<>();
    for (NodeProperties node : DataTestChecks.declarations(declared).nodes()) {
      seedsAndSnapshots.add(node.name());
      ModelProperties previous = properties.putIfAbsent(node.name(), new ModelProperties(node.name(),
          node.description(), node.config(), node.columns(), node.tests(), node.where()));
      if (previous != null) {
        throw FloeException.user("%s: Cannot read properties: '%s' is described twice (first at %s).", node.where(),
            node.name(), previous.where());
      }
    }
    List<MacroFile> macros = new ArrayList<>();
    Set<String> genericTests = new java.util.LinkedHashSet<>();
    List<Path> genericTestDirs = genericTestDirs(root, dbt);
    for (Path file : macroSources(root, dbt)) {
      String text = read(file);
      genericTests.addAll(GenericTestMacros.names(text));
      macros.add(macro(root, file, text));
    }
    ModelRenderer renderer = new ModelRenderer(macros, vars(project, dbt), new RenderContext(
        project.config().name(), "dev", DEFAULT_SCHEMA, project.config().catalog().name(),
        project.config().engine().threads(), System::getenv, java.time.Instant.now()));
    warnOfUnshippedPackages(root);
    Set<String> namespaces = Set.copyOf(project.config().namespaces());
    Map<String, Model> models = new LinkedHashMap<>();
    List<Path> pythonModels = files(modelDirs, ".py");
    if (!pythonModels.isEmpty()) {
      Path file = pythonModels.get(0);
      throw FloeException.user("%s: Cannot load model %s: dbt Python models are not run by Floe. Write it as a SQL"
          + " model (Spark SQL), or move the file out of %s.", root.relativize(file), stem(file),
          root.relativize(file.getParent()));
    }
    for (Path modelsDir : modelDirs) {
      for (Path file : files(List.of(modelsDir), ".sql")) {
        Model model = parse(project, dbt, modelsDir, renderer, file, properties, sources, namespaces);
        Model previous = models.putIfAbsent(model.name(), model);
        if (previous != null) {
          throw FloeException.user("Cannot load model %s: both %s and %s define it. Rename one.", model.name(),
              previous.path(), model.path());
        }
      }
    }
    for (ModelProvider provider : providers) {
      for (ProvidedModel provided : provider.models(project)) {
        Model model = provided(project, renderer, provided, properties, sources, namespaces);
        Model previous = models.putIfAbsent(model.name(), model);
        if (previous != null) {
          throw FloeException.user("%s: Cannot load model %s from %s: %s defines it too. Rename one.",
              provided.origin(), model.name(), provider.name(), previous.path());
        }
      }
    }
    for (ModelProperties described : properties.values()) {
      if (!models.containsKey(described.name()) && seedsAndSnapshots.contains(described.name())) {
        // As dbt does, an entry for a seed or snapshot that is not there is said, not fatal.
        LOG.warn("{}: there is no seed or snapshot '{}' for these properties; they are not used.",
            described.where(), described.name());
      } else if (!models.containsKey(described.name())) {
        throw FloeException.user("%s: Cannot read properties: there is no model '%s'.%s", described.where(),
            described.name(), DidYouMean.hint(described.name(), models.keySet()));
      }
    }
    models.values().removeIf(model -> !model.config().enabled());
    List<SingularTest> tests = new ArrayList<>();
    for (Path file : files(dirs(root, dbt.testPaths()), ".sql")) {
      // tests/generic/ holds generic tests, not singular ones
      if (genericTestDirs.stream().noneMatch(file::startsWith)) {
        tests.add(parseTest(root, renderer, file, sources, namespaces));
      }
    }
    PropertyDeclarations declarations = DataTestChecks.declarations(declared);
    DataTestChecks.requireKnownTests(models.values(), declarations, genericTests);
    return new ModelProject(project, dbt, Map.copyOf(models), List.copyOf(tests), Map.copyOf(sources), renderer,
        graph(models, writers(models, sources, namespaces)), Set.copyOf(genericTests), declarations);
  }

  /** The generic tests the project defines ({@code {% test name(...) %}}), by name. */
  public Set<String> genericTests() {
    return genericTests;
  }

  /** The property files' sources with their tests, seeds, snapshots, unit tests and listed resources. */
  public PropertyDeclarations declarations() {
    return declarations;
  }

  /**
   * Renders one use of a generic test the project defines: its SELECT of the failing rows, and what
   * the test's own {@code config()} set.
   *
   * @param relation the relation under test, what {@code model} renders to
   * @param tables where each model's table is read from, as in {@link #compile}
   */
  public RenderedModel compileGenericTest(DataTestDefinition test, String relation,
      java.util.function.Function<Model, String> tables) {
    String where = test.where().replaceFirst(":\\d+$", "");
    return render("test " + test.kind(), where, GenericTestMacros.call(test, relation), "", false, tables,
        Values.DEFERRED, Queries.NONE);
  }

  /** The relation {@code source('source', 'table')} reads. */
  public String sourceRelation(String source, String table) {
    return resolveSource(sources, Set.copyOf(project.config().namespaces()), "", source, table);
  }

  // floe.yaml's models.path when it names one, else dbt_project.yml's model-paths.
  private static List<Path> modelDirs(Project project, DbtProject dbt) {
    if (!project.config().modelsPath().equals("models") || dbt.file().isEmpty()) {
      return List.of(project.modelsDir());
    }
    return dirs(project.root(), dbt.modelPaths());
  }

  private static List<Path> dirs(Path root, List<String> paths) {
    return paths.stream().map(path -> root.resolve(path).normalize()).toList();
  }

  /**
   * The vars templates see: dbt_project.yml's, with floe.yaml's (and {@code --vars}') winning; a
   * name set in both is said once.
   */
  public static Map<String, Object> vars(Project project, DbtProject dbt) {
    Map<String, Object> vars = new LinkedHashMap<>(dbt.vars());
    for (Map.Entry<String, Object> own : project.config().vars().entrySet()) {
      Object dbtValue = vars.put(own.getKey(), own.getValue());
      if (dbtValue != null && !dbtValue.equals(own.getValue()) && WARNED.add(project.root() + "#" + own.getKey())) {
        LOG.warn("var '{}' is set in both floe.yaml (or --vars) and dbt_project.yml: floe.yaml's value {} wins"
            + " over {}.", own.getKey(), own.getValue(), dbtValue);
      }
    }
    return vars;
  }

  /**
   * The project's macro files as the renderer takes them: {@code macro-paths}' and the generic
   * tests of the test paths' {@code generic/} folders ({@code {% test %}} blocks as macros).
   */
  public static List<MacroFile> macroFiles(Path root, DbtProject dbt) {
    return macroSources(root, dbt).stream().map(file -> macro(root, file, read(file))).toList();
  }

  // dbt's generic tests live in macros and in the test paths' generic/ folders.
  private static List<Path> macroSources(Path root, DbtProject dbt) {
    return Stream.concat(files(dirs(root, dbt.macroPaths()), ".sql").stream(),
        files(genericTestDirs(root, dbt), ".sql").stream()).toList();
  }

  private static List<Path> genericTestDirs(Path root, DbtProject dbt) {
    return dirs(root, dbt.testPaths()).stream().map(dir -> dir.resolve("generic")).toList();
  }

  private static MacroFile macro(Path root, Path file, String text) {
    Path shown = root.relativize(file);
    return new MacroFile(shown.toString(), GenericTestMacros.rewrite(withoutMaterializations(shown, text)));
  }

  private static final java.util.regex.Pattern MATERIALIZATION_BLOCK = java.util.regex.Pattern.compile(
      "\\{%-?\\s*materialization\\s+(\\w+).*?\\{%-?\\s*endmaterialization\\s*-?%}", java.util.regex.Pattern.DOTALL);

  // dbt's {% materialization %} blocks are Jinja programs for dbt's adapters; Floe's are Java
  // plug-ins. The block is left out (its lines kept blank, so later lines keep their numbers) and
  // said once; a model that asks for it fails with the known materializations.
  private static String withoutMaterializations(Path file, String text) {
    java.util.regex.Matcher block = MATERIALIZATION_BLOCK.matcher(text);
    StringBuilder kept = new StringBuilder();
    while (block.find()) {
      if (WARNED.add(file + "#materialization:" + block.group(1))) {
        LOG.warn("{}: the dbt materialization '{}' is not run by Floe (its materializations are Java plug-ins, see"
            + " the README's Plug-ins); a model that asks for it fails.", file, block.group(1));
      }
      block.appendReplacement(kept, java.util.regex.Matcher.quoteReplacement(block.group().replaceAll("[^\\n]", "")));
    }
    block.appendTail(kept);
    return kept.toString();
  }

  /** The dbt packages whose macros and tests Floe ships, so packages.yml naming them needs no {@code dbt deps}. */
  public static final Set<String> SHIPPED_PACKAGES = Set.of("dbt_utils", "dbt_date");

  // packages.yml: the packages Floe ships just work; any other is said once, since its macros are unknown.
  private static void warnOfUnshippedPackages(Path root) {
    for (String file : List.of("packages.yml", "dependencies.yml")) {
      Path packages = root.resolve(file);
      if (!Files.isRegularFile(packages)) {
        continue;
      }
      io.floe.core.config.YamlFile yaml = io.floe.core.config.YamlFile.read(packages, Path.of(file));
      Object parsed = yaml.root().map(node -> yaml.plain(node, "packages")).orElse(null);
      if (!(parsed instanceof Map<?, ?> map) || !(map.get("packages") instanceof List<?> list)) {
        continue;
      }
      for (Object entry : list) {
        if (!(entry instanceof Map<?, ?> item)) {
          continue;
        }
        Object named = item.get("package") != null ? item.get("package") : item.get("git") != null ? item.get("git")
            : item.get("local");
        String name = named == null ? "" : named.toString().replaceAll("\\.git$", "").replaceAll(".*[/:]", "");
        if (!name.isEmpty() && !SHIPPED_PACKAGES.contains(name) && WARNED.add(root + "#package:" + name)) {
          LOG.warn("{} names the package {}, which Floe does not ship (it ships {}): a model that calls one of its"
              + " macros fails with the macro's name. Copy the macros you use into macros/.", file, name,
              new java.util.TreeSet<>(SHIPPED_PACKAGES));
        }
      }
    }
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelProject.class);
  private static final Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** The project's dbt_project.yml, or dbt's defaults when it has none. */
  public DbtProject dbt() {
    return dbt;
  }

  public Project project() {
    return project;
  }

  public Graph graph() {
    return graph;
  }

  /** Every model, by name. */
  public Map<String, Model> models() {
    return models;
  }

  public Model model(String name) {
    Model model = models.get(name);
    if (model == null) {
      throw FloeException.user("Cannot find model '%s'.%s", name, DidYouMean.hint(name, models.keySet()));
    }
    return model;
  }

  public List<SingularTest> singularTests() {
    return tests;
  }

  /**
   * Renders a model for execution.
   *
   * @param incremental what {@code is_incremental()} returns: the table exists and is kept
   * @param tables where each model's table is read from (a run reads tables it wrote on its branch)
   */
  public String compile(Model model, boolean incremental, java.util.function.Function<Model, String> tables) {
    return compile(model, incremental, tables, Values.DEFERRED);
  }

  /**
   * Renders a model for execution, with {@code max_of()} rendered by {@code values} (a run finds
   * the value first).
   */
  public String compile(Model model, boolean incremental, java.util.function.Function<Model, String> tables,
      Values values) {
    return compile(model, incremental, tables, values, Queries.NONE);
  }

  /**
   * Renders a model to run: dbt's {@code execute} is true and {@code run_query()} (and the macros
   * that read a relation's columns) run on {@code queries}.
   */
  public String compile(Model model, boolean incremental, java.util.function.Function<Model, String> tables,
      Values values, Queries queries) {
    return render(model.name(), model.path(), model.template(), model.table(), incremental, tables, values, queries)
        .sql();
  }

  /**
   * Renders a model for execution with {@code source()} resolved by {@code sources} (a unit test
   * reads given rows in place of each input).
   */
  public String compileWithSources(Model model, boolean incremental,
      java.util.function.Function<Model, String> tables, ModelRenderer.SourceResolver sources) {
    Resolution resolution = new Resolution(model.table(), incremental, ref -> tables.apply(model(ref)), sources,
        Values.DEFERRED);
    return renderer.render(model.name(), model.path(), model.template(), resolution).sql();
  }

  /** Renders one of a model's hooks: a template in the model's context ({@code this} is its table). */
  public String compileHook(Model model, String hook, java.util.function.Function<Model, String> tables,
      Queries queries) {
    return render(model.name(), model.path(), hook, model.table(), false, tables, Values.DEFERRED, queries).sql();
  }

  /** Renders an {@code on-run-start}/{@code on-run-end} statement of dbt_project.yml. */
  public String compileRunHook(String key, String hook, Queries queries) {
    return render(key, DbtProject.FILE, hook, "", false, Model::table, Values.DEFERRED, queries).sql();
  }

  /** The relations ({@code namespace.table}) the model reads with {@code source()}, in its order. */
  public List<String> sourceRelations(Model model) {
    List<String> relations = new ArrayList<>();
    for (String key : model.sources()) {
      int dot = key.indexOf('.');
      relations.add(resolveSource(sources, Set.copyOf(project.config().namespaces()), model.path(),
          key.substring(0, dot), key.substring(dot + 1)));
    }
    return relations;
  }

  /** Renders a singular test; {@code tables} as in {@link #compile}. */
  public String compile(SingularTest test, java.util.function.Function<Model, String> tables) {
    return render(test.name(), test.path(), test.template(), "", false, tables, Values.DEFERRED, Queries.NONE).sql();
  }

  private RenderedModel render(String name, String path, String template, String self, boolean incremental,
      java.util.function.Function<Model, String> tables, Values values, Queries queries) {
    Resolution resolution = new Resolution(self, incremental, ref -> relation(model(ref), tables, values, queries),
        (source, table) -> {
          String relation = resolveSource(sources, Set.copyOf(project.config().namespaces()), path, source, table);
          // A source a model of the run writes is read where the run wrote it.
          Model writer = modelsByTable.get(relation);
          return writer == null || writer.table().equals(self) ? relation : relation(writer, tables, values, queries);
        },
        values, queries);
    return renderer.render(name, path, template, resolution);
  }

  // An ephemeral model is read as its own SELECT, inlined as a subquery (dbt inlines a CTE).
  private String relation(Model model, java.util.function.Function<Model, String> tables, Values values,
      Queries queries) {
    if (!model.inlined()) {
      return tables.apply(model);
    }
    return "(\n" + render(model.name(), model.path(), model.template(), model.table(), false, tables, values, queries)
        .sql()
        + "\n)";
  }

  private static Model parse(Project project, DbtProject dbt, Path modelsDir, ModelRenderer renderer, Path file,
      Map<String, ModelProperties> properties, Map<String, String> sources, Set<String> namespaces) {
    String path = project.root().relativize(file).toString();
    String name = stem(file);
    return model(renderer, name, path, read(file), Optional.ofNullable(properties.get(name)),
        folderConfig(dbt.models(), modelsDir, file), folderSchema(modelsDir, file, namespaces), sources, namespaces);
  }

  /**
   * The config dbt_project.yml gives a file under {@code dir} (its folders' {@code +key}s, the
   * innermost winning), checked against the model config keys.
   */
  static ModelConfig folderConfig(DbtProject.FolderConfig configs, Path dir, Path file) {
    ModelConfig config = ModelConfig.empty();
    for (Map.Entry<String, Map<String, Object>> level : configs.along(DbtProject.FolderConfig.foldersOf(dir, file))) {
      config = config.with(level.getValue(), level.getKey());
    }
    return config;
  }

  // A provided model is a .sql model whose text and config come from its provider; a property
  // file may describe it too (its tests are added to the provider's).
  private static Model provided(Project project, ModelRenderer renderer, ProvidedModel provided,
      Map<String, ModelProperties> properties, Map<String, String> sources, Set<String> namespaces) {
    Optional<ModelProperties> described = provided.properties();
    ModelProperties written = properties.get(provided.name());
    if (written != null) {
      described = Optional.of(described.map(own -> {
        List<io.floe.models.test.DataTestDefinition> tests = new ArrayList<>(own.tests());
        tests.addAll(written.tests());
        Map<String, Object> config = new LinkedHashMap<>(own.config());
        config.putAll(written.config());
        return new ModelProperties(own.name(), written.description().isEmpty() ? own.description()
            : written.description(), config, written.columns().isEmpty() ? own.columns() : written.columns(), tests,
            written.where());
      }).orElse(written));
    }
    ModelConfig config = ModelConfig.empty().with(provided.config(), provided.origin());
    return model(renderer, provided.name(), provided.origin(), provided.template(), described, config, DEFAULT_SCHEMA,
        sources, namespaces);
  }

  private static Model model(ModelRenderer renderer, String name, String path, String template,
      Optional<ModelProperties> described, ModelConfig base, String defaultSchema, Map<String, String> sources,
      Set<String> namespaces) {
    // Refs resolve to placeholders here: the graph is not known until every model is parsed.
    Resolution parsing = new Resolution(name, false, ref -> "__ref_" + ref,
        (source, table) -> resolveSource(sources, namespaces, path, source, table));
    RenderedModel rendered = renderer.render(name, path, template, parsing);
    ModelConfig config = base;
    if (described.isPresent()) {
      config = config.with(described.get().config(), described.get().where());
    }
    config = config.with(rendered.config(), path + lineOf(template, "config("));
    String schema = renderer.defines(GENERATE_SCHEMA_NAME)
        ? generatedSchema(renderer, name, path, config, sources, namespaces)
        : config.string("schema").orElse(defaultSchema);
    String table = schema + "." + config.string("alias").orElse(name);
    Model model = new Model(name, path, template, described, config, table, rendered.refs(), rendered.sources());
    model.spec(); // checks the materialization settings now, not halfway through a run
    return model;
  }

  private static final String GENERATE_SCHEMA_NAME = "generate_schema_name";

  // A project that overrides dbt's generate_schema_name(custom_schema_name, node) names its
  // schemas with it, as dbt would: custom_schema_name is the config's schema, or none.
  private static String generatedSchema(ModelRenderer renderer, String name, String path, ModelConfig config,
      Map<String, String> sources, Set<String> namespaces) {
    String kind = path.endsWith(".csv") ? "seed"
        : config.string("materialized").filter("snapshot"::equalsIgnoreCase).isPresent() ? "snapshot" : "model";
    String custom = config.string("schema").map(value -> "'" + value.replace("'", "\\'") + "'").orElse("none");
    String call = "{{ " + GENERATE_SCHEMA_NAME + "(" + custom + ", {'resource_type': '" + kind + "', 'name': '"
        + name + "', 'path': '" + path.replace("'", "") + "'}) }}";
    Resolution parsing = new Resolution(name, false, ref -> "__ref_" + ref,
        (source, table) -> resolveSource(sources, namespaces, path, source, table));
    String schema = renderer.render(name, path, call, parsing).sql().strip();
    if (!schema.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw FloeException.user("%s: Cannot name the schema of %s: the project's generate_schema_name macro returned"
          + " '%s', which is not a namespace name (letters, digits and _).", path, name, schema);
    }
    return schema;
  }

  private static SingularTest parseTest(Path root, ModelRenderer renderer, Path file, Map<String, String> sources,
      Set<String> namespaces) {
    String path = root.relativize(file).toString();
    Resolution parsing = new Resolution("", false, ref -> "__ref_" + ref,
        (source, table) -> resolveSource(sources, namespaces, path, source, table));
    RenderedModel rendered = renderer.render(stem(file), path, read(file), parsing);
    Object severity = rendered.config().getOrDefault("severity", "error");
    Severity level;
    try {
      level = Severity.valueOf(severity.toString().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw FloeException.user(e, "%s: Cannot load test %s: severity must be warn or error, but was '%s'.", path,
          stem(file), severity);
    }
    return new SingularTest(stem(file), path, read(file), rendered.refs(), level);
  }

  private static String resolveSource(Map<String, String> declared, Set<String> namespaces, String where,
      String source, String table) {
    String key = source + "." + table;
    String relation = declared.get(key);
    if (relation != null) {
      return relation;
    }
    if (namespaces.contains(source)) {
      return key; // source('bronze', 'orders') reads bronze.orders without a declaration
    }
    throw FloeException.user("%s: Cannot resolve source('%s', '%s'): no property file declares it and '%s' is not"
        + " a namespace.%s Declare it under sources: in a .yml file beside the models.", where, source, table,
        source, DidYouMean.hint(key, declared.keySet()));
  }

  private static String folderSchema(Path modelsDir, Path file, Set<String> namespaces) {
    Path relative = modelsDir.relativize(file);
    if (relative.getNameCount() > 1 && namespaces.contains(relative.getName(0).toString())) {
      return relative.getName(0).toString();
    }
    return DEFAULT_SCHEMA;
  }

  // Each source (source_name.table_name) whose table a model of the project writes (a seed that
  // dbt projects declare as a source, say), to that model: the source's readers run after it.
  private static Map<String, String> writers(Map<String, Model> models, Map<String, String> sources,
      Set<String> namespaces) {
    Map<String, String> byTable = new LinkedHashMap<>();
    models.values().forEach(model -> byTable.put(model.table(), model.name()));
    Map<String, String> writers = new LinkedHashMap<>();
    for (Model model : models.values()) {
      for (String key : model.sources()) {
        int dot = key.indexOf('.');
        String writer = byTable.get(resolveSource(sources, namespaces, model.path(), key.substring(0, dot),
            key.substring(dot + 1)));
        if (writer != null) {
          writers.put(key, writer);
        }
      }
    }
    return writers;
  }

  private static Graph graph(Map<String, Model> models, Map<String, String> writers) {
    List<Node> nodes = new ArrayList<>();
    Set<String> sourceNodes = new TreeSet<>();
    for (Model model : models.values()) {
      List<String> parents = new ArrayList<>(model.refs());
      parents.addAll(model.sources());
      model.sources().stream().map(writers::get).filter(writer -> writer != null && !writer.equals(model.name()))
          .forEach(parents::add);
      sourceNodes.addAll(model.sources());
      nodes.add(new Node(model.name(), Node.Kind.MODEL, model.path(), new HashSet<>(model.tags()), parents));
    }
    for (String source : sourceNodes) {
      nodes.add(new Node(source, Node.Kind.SOURCE, "", Set.of(), List.of()));
    }
    return Graph.of(nodes);
  }

  private static List<Path> files(List<Path> dirs, String... extensions) {
    return ProjectFiles.files(dirs, extensions);
  }

  private static String read(Path file) {
    return ProjectFiles.read(file);
  }

  // ":<line>" of the first occurrence of `text` in `template`, or "" when it does not occur.
  private static String lineOf(String template, String text) {
    int at = template.indexOf(text);
    return at < 0 ? "" : ":" + (template.substring(0, at).chars().filter(c -> c == '\n').count() + 1);
  }

  private static String stem(Path file) {
    String name = file.getFileName().toString();
    return name.substring(0, name.lastIndexOf('.'));
  }
}
