package io.floe.models.render;

import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import io.floe.core.error.DidYouMean;
import io.floe.core.error.FloeException;
import java.util.Map;

/**
 * dbt's functions, as Jinjava calls them: static methods that find the render in progress in the
 * template context. Public because Jinjava invokes them by reflection.
 */
public final class JinjaFunctions {
  private JinjaFunctions() {}

  /** {@code ref('model')} (or dbt's two-argument {@code ref('package', 'model')}): the model's table. */
  public static String ref(Object... args) {
    RenderState state = state();
    if (args.length < 1 || args.length > 2) {
      return state.fail(FloeException.user("%s: Cannot render ref(): expected ref('model_name'), but got %d arguments.",
          where(state), args.length));
    }
    String name = String.valueOf(args[args.length - 1]);
    state.refsSeen.add(name);
    return state.refs.apply(name);
  }

  /** {@code source('source_name', 'table_name')}: the source's table. */
  public static String source(Object... args) {
    RenderState state = state();
    if (args.length != 2) {
      return state.fail(FloeException.user(
          "%s: Cannot render source(): expected source('source_name', 'table_name'), but got %d arguments.",
          where(state), args.length));
    }
    String name = args[0] + "." + args[1];
    state.sourcesSeen.add(name);
    return state.sources.relation(String.valueOf(args[0]), String.valueOf(args[1]));
  }

  /** {@code var('name')} or {@code var('name', default)}: a value from floe.yaml's vars. */
  public static Object var(Object... args) {
    RenderState state = state();
    if (args.length < 1 || args.length > 2) {
      return state.fail(FloeException.user("%s: Cannot render var(): expected var('name') or var('name', default).",
          where(state)));
    }
    String name = String.valueOf(args[0]);
    if (state.vars.containsKey(name)) {
      return state.vars.get(name);
    }
    if (args.length == 2) {
      return args[1];
    }
    return state.fail(FloeException.user("%s: Cannot render var('%s'): it is not set in floe.yaml's vars and has no"
        + " default.%s Add it under vars:, or write var('%s', default).", where(state), name,
        DidYouMean.hint(name, state.vars.keySet()), name));
  }

  /** {@code config(materialized='table', ...)}: sets the model's config; renders nothing. */
  public static String config(Object... args) {
    RenderState state = state();
    for (Object arg : args) {
      if (arg instanceof NamedParameter named) {
        state.config.put(named.getName(), plain(named.getValue()));
      } else if (arg instanceof Map<?, ?> map) {
        map.forEach((key, value) -> state.config.put(String.valueOf(key), plain(value)));
      } else {
        return state.fail(FloeException.user("%s: Cannot render config(): write config(key=value, ...), but got %s.",
            where(state), arg));
      }
    }
    return "";
  }

  /**
   * {@code max_of(this, 'ingested_at')}: the largest value of a column (or expression) in a relation,
   * as a SQL literal found before the model's query runs (NULL for an empty relation). An
   * incremental model's watermark written this way is a constant that the scan of its input can
   * prune files with; the same filter against {@code (select max(..) from this)} reads every file.
   */
  public static String maxOf(Object... args) {
    RenderState state = state();
    if (args.length != 2 || args[0] == null || args[1] == null || String.valueOf(args[1]).isBlank()) {
      return state.fail(FloeException.user("%s: Cannot render max_of(): expected max_of(relation, 'column'), such as"
          + " max_of(this, 'ingested_at').", where(state)));
    }
    return state.values.max(String.valueOf(args[0]), String.valueOf(args[1]));
  }

  /** {@code is_incremental()}: true when an incremental model's table exists and is not being rebuilt. */
  public static boolean isIncremental() {
    return state().incremental;
  }

  // Jinjava hands lists as its own list type; the config record wants plain Java.
  private static Object plain(Object value) {
    if (value instanceof java.util.List<?> list) {
      return java.util.List.copyOf(list.stream().map(JinjaFunctions::plain).toList());
    }
    return value;
  }

  private static String where(RenderState state) {
    JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
    int line = interpreter == null ? 0 : interpreter.getLineNumber();
    return line > 0 ? state.where + ":" + line : state.where;
  }

  private static RenderState state() {
    JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
    Object state = interpreter == null ? null : interpreter.getContext().get(RenderState.CONTEXT_KEY);
    if (!(state instanceof RenderState renderState)) {
      throw new IllegalStateException("Jinja function called outside a Floe render");
    }
    return renderState;
  }
}
