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
import io.floe.models.test.DataTestDefinition.Severity;
import java.io.IOException;
import java.io.UncheckedIOException;
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
  private final Map<String, Model> models;
  private final List<SingularTest> tests;
  private final Map<String, String> sources;
  private final ModelRenderer renderer;
  private final Graph graph;

  private ModelProject(Project project, Map<String, Model> models, List<SingularTest> tests,
      Map<String, String> sources, ModelRenderer renderer, Graph graph) {
    this.project = project;
    this.models = models;
    this.tests = tests;
    this.sources = sources;
    this.renderer = renderer;
    this.graph = graph;
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
    Path modelsDir = project.modelsDir();
    Map<String, ModelProperties> properties = new LinkedHashMap<>();
    Map<String, String> sources = new LinkedHashMap<>();
    for (Path file : files(modelsDir, ".yml", ".yaml")) {
      PropertyFileReader.Contents contents = PropertyFileReader.read(file, root.relativize(file));
      for (ModelProperties model : contents.models().values()) {
        ModelProperties previous = properties.putIfAbsent(model.name(), model);
        if (previous != null) {
          throw FloeException.user("%s: Cannot read properties: model '%s' is described twice (first at %s).",
              model.where(), model.name(), previous.where());
        }
      }
      sources.putAll(contents.sources());
    }
    List<MacroFile> macros = new ArrayList<>();
    for (Path file : files(root.resolve("macros"), ".sql")) {
      macros.add(new MacroFile(root.relativize(file).toString(), read(file)));
    }
    ModelRenderer renderer = new ModelRenderer(macros, project.config().vars(), new RenderContext(
        project.config().name(), "dev", DEFAULT_SCHEMA, project.config().catalog().name(),
        project.config().engine().threads(), System::getenv, java.time.Instant.now()));
    Set<String> namespaces = Set.copyOf(project.config().namespaces());
    Map<String, Model> models = new LinkedHashMap<>();
    for (Path file : files(modelsDir, ".sql")) {
      Model model = parse(project, renderer, file, properties, sources, namespaces);
      Model previous = models.putIfAbsent(model.name(), model);
      if (previous != null) {
        throw FloeException.user("Cannot load model %s: both %s and %s define it. Rename one.", model.name(),
            previous.path(), model.path());
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
      if (!models.containsKey(described.name())) {
        throw FloeException.user("%s: Cannot read properties: there is no model '%s'.%s", described.where(),
            described.name(), DidYouMean.hint(described.name(), models.keySet()));
      }
    }
    models.values().removeIf(model -> !model.config().enabled());
    List<SingularTest> tests = new ArrayList<>();
    for (Path file : files(root.resolve("tests"), ".sql")) {
      tests.add(parseTest(root, renderer, file, sources, namespaces));
    }
    return new ModelProject(project, Map.copyOf(models), List.copyOf(tests), Map.copyOf(sources), renderer,
        graph(models));
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
    Resolution resolution = new Resolution(self, incremental, ref -> tables.apply(model(ref)),
        (source, table) -> resolveSource(sources, Set.copyOf(project.config().namespaces()), path, source, table),
        values, queries);
    return renderer.render(name, path, template, resolution);
  }

  private static Model parse(Project project, ModelRenderer renderer, Path file,
      Map<String, ModelProperties> properties, Map<String, String> sources, Set<String> namespaces) {
    String path = project.root().relativize(file).toString();
    String name = stem(file);
    return model(renderer, name, path, read(file), Optional.ofNullable(properties.get(name)), ModelConfig.empty(),
        folderSchema(project.modelsDir(), file, namespaces), sources, namespaces);
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
    String schema = config.string("schema").orElse(defaultSchema);
    String table = schema + "." + config.string("alias").orElse(name);
    Model model = new Model(name, path, template, described, config, table, rendered.refs(), rendered.sources());
    model.spec(); // checks the materialization settings now, not halfway through a run
    return model;
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

  private static Graph graph(Map<String, Model> models) {
    List<Node> nodes = new ArrayList<>();
    Set<String> sourceNodes = new TreeSet<>();
    for (Model model : models.values()) {
      List<String> parents = new ArrayList<>(model.refs());
      parents.addAll(model.sources());
      sourceNodes.addAll(model.sources());
      nodes.add(new Node(model.name(), Node.Kind.MODEL, model.path(), new HashSet<>(model.tags()), parents));
    }
    for (String source : sourceNodes) {
      nodes.add(new Node(source, Node.Kind.SOURCE, "", Set.of(), List.of()));
    }
    return Graph.of(nodes);
  }

  private static List<Path> files(Path dir, String... extensions) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .filter(file -> Stream.of(extensions).anyMatch(ext -> file.getFileName().toString().endsWith(ext)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir, e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw FloeException.user(e, "Cannot read %s: %s", file, e.getMessage());
    }
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
