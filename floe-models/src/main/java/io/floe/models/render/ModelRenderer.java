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
 * Renders model templates with Jinjava and dbt's functions: {@code ref}, {@code source},
 * {@code var}, {@code config}, {@code is_incremental}, Floe's {@code max_of} and the variable
 * {@code this}; the project's
 * macros ({@code macros/*.sql}) are defined before every model. Thread-safe: each render has its
 * own interpreter.
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
  }

  /**
   * How the names in one render resolve.
   *
   * @param self the model's own table, what {@code this} renders to
   * @param incremental what {@code is_incremental()} returns
   * @param refs a model's name to its table
   * @param sources {@code source_name, table_name} to its table
   * @param values what {@code max_of()} renders
   */
  public record Resolution(String self, boolean incremental, Function<String, String> refs,
      SourceResolver sources, Values values) {
    public Resolution {
      requireNonNull(self, "self is null");
      requireNonNull(refs, "refs is null");
      requireNonNull(sources, "sources is null");
      requireNonNull(values, "values is null");
    }

    public Resolution(String self, boolean incremental, Function<String, String> refs, SourceResolver sources) {
      this(self, incremental, refs, sources, Values.DEFERRED);
    }
  }

  private final Jinjava jinjava;
  private final List<MacroFile> macros;
  private final Map<String, Object> vars;

  public ModelRenderer(List<MacroFile> macros, Map<String, Object> vars) {
    this.macros = List.copyOf(requireNonNull(macros, "macros is null"));
    this.vars = requireNonNull(vars, "vars is null");
    // Unknown names are errors: a typo must not silently render as an empty string into SQL.
    this.jinjava = new Jinjava(JinjavaConfig.newBuilder().withFailOnUnknownTokens(true).build());
    register("ref", "ref");
    register("source", "source");
    register("var", "var");
    register("config", "config");
    register("max_of", "maxOf");
    register("latest_changes", "latestChanges");
    register("change_history", "changeHistory");
    this.jinjava.getGlobalContext().registerFunction(
        new ELFunctionDefinition("", "is_incremental", JinjaFunctions.class, "isIncremental"));
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
  public RenderedModel render(String model, String where, String template, Resolution resolution) {
    RenderState state = new RenderState(model, where, resolution.incremental(), resolution.refs(),
        resolution.sources(), resolution.values(), vars);
    JinjavaInterpreter interpreter = jinjava.newInterpreter();
    interpreter.getContext().put(RenderState.CONTEXT_KEY, state);
    interpreter.getContext().put("this", resolution.self());
    JinjavaInterpreter.pushCurrent(interpreter);
    try {
      for (MacroFile macro : macros) {
        renderChecked(interpreter, state, macro.text(), macro.where(), "load macros of");
      }
      String sql = renderChecked(interpreter, state, template, where, "render model");
      return new RenderedModel(sql.strip(), new ArrayList<>(state.refsSeen), new ArrayList<>(state.sourcesSeen),
          state.config);
    } finally {
      JinjavaInterpreter.popCurrent();
    }
  }

  private static String renderChecked(JinjavaInterpreter interpreter, RenderState state, String text, String where,
      String action) {
    String rendered;
    try {
      rendered = interpreter.render(text);
    } catch (InterpretException e) {
      // Thrown (not collected) for unknown names, since unknown tokens are set to fail.
      String at = e.getLineNumber() > 0 ? where + ":" + e.getLineNumber() : where;
      throw FloeException.user(e, "%s: Cannot %s %s: %s", at, action, state.model, oneLine(e.getMessage()));
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
        String at = error.getLineno() > 0 ? where + ":" + error.getLineno() : where;
        throw FloeException.user("%s: Cannot %s %s: %s", at, action, state.model, oneLine(error.getMessage()));
      }
    }
  }

  private static String oneLine(String message) {
    return message == null ? "unknown template error" : message.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
