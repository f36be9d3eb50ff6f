package io.floe.models.project;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import io.floe.core.error.FloeException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the Jinja in dbt_project.yml's config values, as dbt does before it applies them
 * ({@code +enabled: "{{ var('load_source_data', false) }}"}): with {@code var()},
 * {@code env_var()} and {@code target}, the only names dbt gives that file. Public methods are
 * called by Jinjava by reflection.
 */
public final class DbtProjectJinja {
  private static final String VARS = "__floe_project_vars";
  private static final Jinjava JINJAVA = jinjava();

  private DbtProjectJinja() {}

  private static Jinjava jinjava() {
    Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder().withFailOnUnknownTokens(true).build());
    jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "var", DbtProjectJinja.class, "var",
        Object[].class));
    jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "env_var", DbtProjectJinja.class,
        "envVar", Object[].class));
    return jinjava;
  }

  /** The configs with every string value that holds Jinja rendered; other values as they are. */
  static Map<String, Object> render(Map<String, Object> config, Map<String, Object> vars, String where) {
    Map<String, Object> rendered = new LinkedHashMap<>();
    config.forEach((key, value) -> rendered.put(key, value(value, vars, where)));
    return rendered;
  }

  private static Object value(Object value, Map<String, Object> vars, String where) {
    if (value instanceof String text && (text.contains("{{") || text.contains("{%"))) {
      Map<String, Object> context = new LinkedHashMap<>();
      context.put(VARS, vars);
      context.put("target", Map.of("name", "dev", "type", "spark", "schema", ModelProject.DEFAULT_SCHEMA));
      try {
        return JINJAVA.render(text, context).strip();
      } catch (InterpretException e) {
        throw FloeException.user(e, "%s: Cannot render '%s' in %s: %s", where, text, DbtProject.FILE,
            e.getMessage());
      }
    }
    if (value instanceof List<?> list) {
      return list.stream().map(item -> value(item, vars, where)).toList();
    }
    return value;
  }

  /** {@code var('name', default)} in dbt_project.yml: the project's vars, floe.yaml's and --vars over them. */
  public static Object var(Object... args) {
    Object vars = JinjavaInterpreter.getCurrent().getContext().get(VARS);
    String name = args.length > 0 ? String.valueOf(args[0]) : "";
    if (vars instanceof Map<?, ?> map && map.containsKey(name)) {
      return map.get(name);
    }
    if (args.length > 1) {
      return args[1];
    }
    throw FloeException.user("Cannot render var('%s') in %s: it is not set in its vars, floe.yaml's or --vars,"
        + " and has no default.", name, DbtProject.FILE);
  }

  /** {@code env_var('NAME', default)}. */
  public static Object envVar(Object... args) {
    String name = args.length > 0 ? String.valueOf(args[0]) : "";
    String value = System.getenv(name);
    if (value != null) {
      return value;
    }
    if (args.length > 1) {
      return args[1];
    }
    throw FloeException.user("Cannot render env_var('%s') in %s: the variable is not set and has no default.",
        name, DbtProject.FILE);
  }
}
