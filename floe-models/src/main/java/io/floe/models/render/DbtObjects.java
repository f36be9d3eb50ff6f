package io.floe.models.render;

import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.fn.MacroFunction;
import io.floe.core.error.FloeException;
import io.floe.spark.sql.SparkIdentifiers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * dbt's {@code adapter} and {@code exceptions} objects, for Spark. Public because Jinjava calls
 * their methods by reflection; each finds the render in progress itself.
 */
public final class DbtObjects {
  private static final Logger LOG = LoggerFactory.getLogger(DbtObjects.class);

  private DbtObjects() {}

  /** {@code adapter}: {@code dispatch}, {@code quote}, {@code get_columns_in_relation}, {@code get_relation} ... */
  public static final class Adapter {
    /**
     * {@code adapter.dispatch('name', 'package')}: the project's {@code spark__name} or
     * {@code default__name}, else the shipped package's. Called as {@code adapter.dispatch(...)(args)}.
     */
    public Map<String, Object> dispatch(Object... args) {
      RenderState state = RenderState.current();
      Map<String, Object> named = new LinkedHashMap<>();
      List<Object> positional = new ArrayList<>();
      for (Object arg : args) {
        if (arg instanceof NamedParameter parameter) {
          named.put(parameter.getName(), parameter.getValue());
        } else {
          positional.add(arg);
        }
      }
      Object macroName = positional.isEmpty() ? named.get("macro_name") : positional.get(0);
      Object namespace = positional.size() > 1 ? positional.get(1) : named.get("macro_namespace");
      if (macroName == null) {
        state.fail(FloeException.user("%s: Cannot render adapter.dispatch(): expected adapter.dispatch('macro_name',"
            + " 'package').", state.location()));
      }
      String name = String.valueOf(macroName);
      JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
      for (String candidate : List.of("spark__" + name, "default__" + name)) {
        MacroFunction macro = interpreter.getContext().getGlobalMacro(candidate);
        if (macro != null) {
          return Map.of("call", macro);
        }
      }
      String packageName = namespace == null ? Macros.DBT : String.valueOf(namespace);
      for (String pkg : new String[] {packageName, Macros.DBT}) {
        Map<String, Object> macros = state.packages.getOrDefault(pkg, Map.of());
        for (String candidate : List.of("spark__" + name, "default__" + name, name)) {
          if (macros.containsKey(candidate)) {
            return Map.of("call", macros.get(candidate));
          }
        }
      }
      state.fail(FloeException.user("%s: Cannot dispatch macro '%s' of package '%s': there is no macro spark__%s or"
          + " default__%s in macros/, and Floe ships no '%s' in that package. Define default__%s in macros/.",
          state.location(), name, packageName, name, name, name, name));
      return Map.of();
    }

    /** {@code adapter.quote('name')}: a Spark identifier in backticks. */
    public String quote(Object identifier) {
      return SparkIdentifiers.quote(String.valueOf(identifier));
    }

    public String type() {
      return "spark";
    }

    /**
     * {@code adapter.get_columns_in_relation(relation)}: its columns, read from the engine when the
     * model runs; while the project is parsed (no engine), none.
     */
    public List<ColumnInfo> get_columns_in_relation(Object relation) {
      RenderState state = RenderState.current();
      if (!state.executing() || state.returned()) {
        return List.of();
      }
      ModelRenderer.Table table = run(state, "SELECT * FROM " + relation + " LIMIT 0", "get_columns_in_relation");
      List<ColumnInfo> columns = new ArrayList<>();
      for (int i = 0; i < table.columns().size(); i++) {
        columns.add(new ColumnInfo(table.columns().get(i), i < table.types().size() ? table.types().get(i) : ""));
      }
      return columns;
    }

    /**
     * {@code adapter.get_relation(database, schema, identifier)}: the relation when it exists,
     * else None (also while parsing, as dbt without a connection).
     */
    public Relation get_relation(Object... args) {
      Map<String, Object> parts = new LinkedHashMap<>();
      String[] names = {"database", "schema", "identifier"};
      int position = 0;
      for (Object arg : args) {
        if (arg instanceof NamedParameter named) {
          parts.put(named.getName(), named.getValue());
        } else if (position < names.length) {
          parts.put(names[position++], arg);
        }
      }
      Object schema = parts.get("schema");
      Object identifier = parts.get("identifier");
      RenderState state = RenderState.current();
      if (schema == null || identifier == null) {
        state.fail(FloeException.user("%s: Cannot render adapter.get_relation(): expected"
            + " get_relation(database, schema, identifier).", state.location()));
      }
      if (!state.executing() || state.returned()) {
        return null;
      }
      ModelRenderer.Table tables = run(state, "SHOW TABLES IN " + schema + " LIKE '"
          + String.valueOf(identifier).replace("'", "") + "'", "get_relation");
      return tables.rows().isEmpty() ? null : new Relation(null, String.valueOf(schema), String.valueOf(identifier));
    }

    /** {@code adapter.load_relation(relation)}: the relation when it exists, else None. */
    public Relation load_relation(Object relation) {
      Relation parsed = relation instanceof Relation given ? given
          : Relation.parse(String.valueOf(relation), RenderState.current().context.schema());
      return get_relation(parsed.getDatabase(), parsed.getSchema(), parsed.getIdentifier());
    }

    private static ModelRenderer.Table run(RenderState state, String sql, String what) {
      try {
        return state.queries.run(sql);
      } catch (FloeException e) {
        state.fail(FloeException.user(e, "%s: Cannot render adapter.%s(): %s", state.location(), what,
            e.getMessage()));
        return null;
      }
    }

    @Override
    public String toString() {
      return "spark";
    }
  }

  /** A column as {@code adapter.get_columns_in_relation()} gives it: {@code .name}, {@code .data_type} ... */
  public static final class ColumnInfo {
    private final String name;
    private final String type;

    ColumnInfo(String name, String type) {
      this.name = name;
      this.type = type;
    }

    public String getName() {
      return name;
    }

    public String getColumn() {
      return name;
    }

    public String getQuoted() {
      return SparkIdentifiers.quote(name);
    }

    public String getDataType() {
      return type;
    }

    public String getDtype() {
      return type;
    }

    public boolean is_string() {
      return type.toLowerCase(Locale.ROOT).startsWith("string") || type.toLowerCase(Locale.ROOT).startsWith("varchar");
    }

    public boolean is_number() {
      return type.matches("(?i)(tinyint|smallint|int|bigint|float|double|decimal.*)");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** {@code exceptions}: {@code raise_compiler_error(msg)} fails the render with the message; {@code warn(msg)} logs it. */
  public static final class Exceptions {
    public String raise_compiler_error(Object message) {
      RenderState state = RenderState.current();
      if (state.returned()) {
        return "";
      }
      return state.fail(FloeException.user("%s: Compilation error in %s: %s", state.location(), state.model,
          message));
    }

    public String raise_not_implemented(Object message) {
      return raise_compiler_error(message);
    }

    public String warn(Object message) {
      RenderState state = RenderState.current();
      if (!state.returned()) {
        LOG.warn("{}: {}", state.location(), JinjaFunctions.scrub(state, String.valueOf(message)));
      }
      return "";
    }

    @Override
    public String toString() {
      return "exceptions";
    }
  }
}
