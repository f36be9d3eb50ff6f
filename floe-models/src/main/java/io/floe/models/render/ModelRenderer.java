package io.floe.models.render;

import static java.util.Objects.requireNonNull;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import io.floe.core.error.FloeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Renders model templates with Jinjava and dbt's Jinja context: {@code ref}, {@code source},
 * {@code var}, {@code config}, {@code is_incremental}, {@code this}, {@code target},
 * {@code env_var}, {@code log}, {@code run_query}/{@code execute}, {@code adapter},
 * {@code exceptions}, {@code return}, {@code modules} ..., Floe's {@code max_of},
 * {@code latest_changes} and {@code change_history}, and the macros Floe ships for dbt, dbt_utils
 * and dbt_date (resources {@code io/floe/models/dbt/*.sql}, defined once). The project's macros
 * ({@code macros/*.sql}) are defined before every model. Thread-safe: each render has its own
 * interpreter.
 */
public final class ModelRenderer {
  /**
   * A file of macros.
   *
   * @param where the path errors show, relative to the project
   */
  public record MacroFile(String where, String text) {
    public MacroFile {
      requireNonNull(where, "where is null");
      requireNonNull(text, "text is null");
    }
  }

  /** Resolves {@code source('source_name', 'table_name')} to its table. */
  public interface SourceResolver {
    String relation(String sourceName, String table);
  }

  /**
   * Renders {@code max_of(relation, expression)}: the largest value of an expression over a
   * relation, as SQL that yields it.
   */
  public interface Values {
    /**
     * Renders the scalar subquery itself: the same value, found when the SQL runs. What a render
     * without an engine ({@code floe compile}, parsing) shows.
     */
    Values DEFERRED = (relation, expression) -> "(SELECT max(" + expression + ") FROM " + relation + ")";

    String max(String relation, String expression);

    /**
     * Renders {@code watermark('model', 'column')}: the largest value of the column in model
     * {@code model} (read as {@code relation} in this run) as the rendered model's last published
     * run saw it, as a literal; NULL before it has one, and where nothing is published (a render
     * without an engine). A run publishes its own value with the model.
     */
    default String watermark(String model, String relation, String expression) {
      return "NULL";
    }
  }

  /** A statement's result, as {@code run_query()} and the macros that read the engine see it. */
  public record Table(List<String> columns, List<String> types, List<List<Object>> rows) {
    public Table {
      columns = List.copyOf(requireNonNull(columns, "columns is null"));
      types = List.copyOf(requireNonNull(types, "types is null"));
      rows = java.util.Collections.unmodifiableList(new ArrayList<>(requireNonNull(rows, "rows is null")));
    }
  }

  /**
   * Runs SQL for a render: {@code run_query()}, the columns {@code dbt_utils.star()} lists. A
   * render with queries is dbt's {@code execute}; one without ({@link #NONE}) is parsing.
   */
  public interface Queries {
    /** No engine: {@code execute} is false and {@code run_query()} returns None. */
    Queries NONE = sql -> {
      throw new IllegalStateException("No queries run while a project is parsed: " + sql);
    };

    /**
     * Runs a statement and collects its rows.
     *
     * @throws FloeException when the statement fails
     */
    Table run(String sql);
  }

  /**
   * How the names in one render resolve.
   *
   * @param self the model's own table, what {@code this} renders to
   * @param incremental what {@code is_incremental()} returns
   * @param refs a model's name to its table
   * @param sources {@code source_name, table_name} to its table
   * @param values what {@code max_of()} renders
   * @param queries what {@code run_query()} runs on; {@link Queries#NONE} while parsing
   */
  public record Resolution(String self, boolean incremental, Function<String, String> refs,
      SourceResolver sources, Values values, Queries queries) {
    public Resolution {
      requireNonNull(self, "self is null");
      requireNonNull(refs, "refs is null");
      requireNonNull(sources, "sources is null");
      requireNonNull(values, "values is null");
      requireNonNull(queries, "queries is null");
    }

    public Resolution(String self, boolean incremental, Function<String, String> refs, SourceResolver sources,
        Values values) {
      this(self, incremental, refs, sources, values, Queries.NONE);
    }

    public Resolution(String self, boolean incremental, Function<String, String> refs, SourceResolver sources) {
      this(self, incremental, refs, sources, Values.DEFERRED);
    }
  }

  /** A macro file Floe ships: the macros of dbt, dbt_utils or dbt_date, for Spark. */
  private record Builtin(String packageName, String where, String text) {}

  private static final List<Builtin> BUILTINS = List.of(builtin("dbt"), builtin("dbt_utils"), builtin("dbt_date"));

  private static Builtin builtin(String packageName) {
    String resource = "/io/floe/models/dbt/" + packageName + ".sql";
    try (java.io.InputStream in = ModelRenderer.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + resource);
      }
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return new Builtin(packageName, "(Floe's " + packageName + ")/" + packageName + ".sql",
          Macros.prepare(text));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot read " + resource, e);
    }
  }

  private static final Macros.FloeExpressionStrategy EXPRESSIONS = new Macros.FloeExpressionStrategy();

  private final Jinjava jinjava;
  private final List<MacroFile> macros;
  private final Map<String, Object> vars;
  private final RenderContext context;
  private final PythonModules modules = new PythonModules();
  private final DbtObjects.Adapter adapter = new DbtObjects.Adapter();
  private final DbtObjects.Exceptions exceptions = new DbtObjects.Exceptions();
  private final String invocationId = java.util.UUID.randomUUID().toString();
  private final Map<String, Map<String, Object>> builtins;

  public ModelRenderer(List<MacroFile> macros, Map<String, Object> vars) {
    this(macros, vars, RenderContext.defaults());
  }

  /** A renderer whose {@code target}, {@code project_name}, {@code env_var()} and {@code run_started_at} are {@code context}'s. */
  public ModelRenderer(List<MacroFile> macros, Map<String, Object> vars, RenderContext context) {
    this.macros = requireNonNull(macros, "macros is null").stream()
        .map(file -> new MacroFile(file.where(), Macros.prepare(file.text()))).toList();
    this.vars = requireNonNull(vars, "vars is null");
    this.context = requireNonNull(context, "context is null");
    // Unknown names are errors: a typo must not silently render as an empty string into SQL.
    jinjava.javax.el.CompositeELResolver resolver = new jinjava.javax.el.CompositeELResolver();
    resolver.add(new PythonStringMethods());
    resolver.add(com.hubspot.jinjava.el.JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
    this.jinjava = new Jinjava(JinjavaConfig.newBuilder().withFailOnUnknownTokens(true).withElResolver(resolver)
        .build());
    register("ref", "ref");
    register("source", "source");
    register("var", "var");
    register("config", "config");
    register("max_of", "maxOf");
    register("watermark", "watermark");
    register("latest_changes", "latestChanges");
    register("change_history", "changeHistory");
    register("env_var", "envVar");
    register("log", "log");
    register("print", "print");
    register("return", "returnValue");
    register("run_query", "runQuery");
    register("tojson", "tojson");
    register("fromjson", "fromjson");
    register("toyaml", "toyaml");
    register("fromyaml", "fromyaml");
    register("local_md5", "localMd5");
    this.jinjava.getGlobalContext().registerTag(new Macros.FloeMacroTag());
    this.jinjava.getGlobalContext().registerTag(new Macros.FloeDoTag());
    this.jinjava.getGlobalContext().registerTag(new Macros.FloeIfTag());
    this.jinjava.getGlobalContext().registerFunction(
        new ELFunctionDefinition("", "is_incremental", JinjaFunctions.class, "isIncremental"));
    this.builtins = defineBuiltins();
  }

  /**
   * The shipped packages' macros, by package and name, defined once: defining them is most of a
   * render's time, and a macro keeps nothing of the render that defined it.
   */
  private Map<String, Map<String, Object>> defineBuiltins() {
    RenderState state = new RenderState("(Floe's macros)", "", false, name -> name, (source, table) -> source,
        Values.DEFERRED, Queries.NONE, context, vars);
    JinjavaInterpreter interpreter = jinjava.newInterpreter();
    interpreter.getContext().put(RenderState.CONTEXT_KEY, state);
    interpreter.getContext().put(Macros.NONE_NAME, Macros.NONE);
    JinjavaInterpreter.pushCurrent(interpreter);
    try {
      for (Builtin builtin : BUILTINS) {
        state.loadingPackage = builtin.packageName();
        state.loadingFile = builtin.where();
        renderChecked(interpreter, state, builtin.text(), builtin.where(), "load macros of");
      }
    } finally {
      JinjavaInterpreter.popCurrent();
    }
    Map<String, Map<String, Object>> packages = new java.util.LinkedHashMap<>();
    state.packages.forEach((name, macros) -> packages.put(name, Map.copyOf(macros)));
    return Map.copyOf(packages);
  }

  private void register(String name, String method) {
    jinjava.getGlobalContext().registerFunction(
        new ELFunctionDefinition("", name, JinjaFunctions.class, method, Object[].class));
  }

  /**
   * Renders one template.
   *
   * @param where the file, relative to the project, for errors
   * @throws FloeException (user) with file:line for a template error, an unknown variable or a bad call
   */
  /** Whether the project's macros define {@code name} ({@code {% macro name(...) %}}). */
  public boolean defines(String name) {
    java.util.regex.Pattern definition = java.util.regex.Pattern.compile(
        "\\{%-?\\s*macro\\s+" + java.util.regex.Pattern.quote(name) + "\\s*\\(");
    return macros.stream().anyMatch(macro -> definition.matcher(macro.text()).find());
  }

  public RenderedModel render(String model, String where, String template, Resolution resolution) {
    RenderState state = new RenderState(model, where, resolution.incremental(), resolution.refs(),
        resolution.sources(), resolution.values(), resolution.queries(), context, vars);
    JinjavaInterpreter interpreter = jinjava.newInterpreter();
    com.hubspot.jinjava.interpret.Context names = interpreter.getContext();
    names.put(RenderState.CONTEXT_KEY, state);
    names.setExpressionStrategy(EXPRESSIONS);
    names.put("this", Relation.parse(resolution.self(), context.schema()));
    names.put("target", target());
    names.put("project_name", context.projectName());
    names.put("execute", state.executing());
    names.put("run_started_at", PythonModules.PyDatetime.utc(context.runStartedAt()));
    names.put("invocation_id", invocationId);
    names.put("dbt_version", "1.8.0");
    names.put("modules", modules);
    names.put("adapter", adapter);
    names.put("exceptions", exceptions);
    names.put(Macros.NONE_NAME, Macros.NONE);
    names.put("__floe_results", new com.hubspot.jinjava.objects.collections.PyMap(new java.util.HashMap<>()));
    for (Builtin builtin : BUILTINS) {
      names.put(builtin.packageName(), new Macros.PackageNamespace(builtin.packageName(), state));
    }
    if (!names.containsKey(context.projectName())) {
      names.put(context.projectName(), new Macros.ProjectNamespace(context.projectName(), state));
    }
    state.packages.putAll(builtins);
    // dbt's own macros are callable without a prefix too; the project's macros may replace them.
    builtins.getOrDefault(Macros.DBT, Map.of()).values()
        .forEach(macro -> names.addGlobalMacro((com.hubspot.jinjava.lib.fn.MacroFunction) macro));
    JinjavaInterpreter.pushCurrent(interpreter);
    try {
      for (MacroFile macro : macros) {
        state.loadingFile = macro.where();
        renderChecked(interpreter, state, macro.text(), macro.where(), "load macros of");
      }
      state.loadingFile = null;
      String sql = renderChecked(interpreter, state, Macros.prepare(template), where, "render model");
      return new RenderedModel(sql.strip(), new ArrayList<>(state.refsSeen), new ArrayList<>(state.sourcesSeen),
          state.config);
    } finally {
      JinjavaInterpreter.popCurrent();
    }
  }

  // dbt's target: this project on Spark.
  private Map<String, Object> target() {
    Map<String, Object> target = new java.util.LinkedHashMap<>();
    target.put("name", context.targetName());
    target.put("target_name", context.targetName());
    target.put("type", "spark");
    target.put("schema", context.schema());
    target.put("database", context.database());
    target.put("catalog", context.database());
    target.put("threads", context.threads());
    target.put("profile_name", context.projectName());
    return target;
  }

  private static String renderChecked(JinjavaInterpreter interpreter, RenderState state, String text, String where,
      String action) {
    String rendered;
    try {
      rendered = interpreter.render(text);
    } catch (InterpretException e) {
      // Thrown (not collected) for unknown names, since unknown tokens are set to fail; inside a
      // macro, the line is the macro file's.
      if (!state.failures.isEmpty()) {
        throw state.failures.get(0);
      }
      String file = state.thrownIn != null ? state.thrownIn : where;
      String at = e.getLineNumber() > 0 ? file + ":" + e.getLineNumber() : file;
      String problem = Macros.unknownPackageMacro(e, interpreter).orElse(oneLine(e.getMessage()));
      throw FloeException.user(e, "%s: Cannot %s %s: %s", at, action, state.model, problem);
    }
    requireNoErrors(interpreter, state, where, action);
    return rendered;
  }

  private static void requireNoErrors(JinjavaInterpreter interpreter, RenderState state, String where, String action) {
    if (!state.failures.isEmpty()) {
      throw state.failures.get(0);
    }
    for (TemplateError error : interpreter.getErrorsCopy()) {
      if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
        String file = state.errorFiles.getOrDefault(error, where);
        String at = error.getLineno() > 0 ? file + ":" + error.getLineno() : file;
        throw FloeException.user("%s: Cannot %s %s: %s", at, action, state.model, oneLine(error.getMessage()));
      }
    }
  }

  private static String oneLine(String message) {
    return message == null ? "unknown template error" : message.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
