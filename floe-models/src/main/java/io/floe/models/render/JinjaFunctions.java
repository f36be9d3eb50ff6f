package io.floe.models.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import io.floe.core.error.DidYouMean;
import io.floe.core.error.FloeException;
import io.floe.spark.sql.SparkIdentifiers;
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

  /**
   * {@code watermark('stg_orders', '_ingested_at')}: the largest value of a column of a model this
   * model reads, as this model's last published run saw it (NULL before it has one); the run's own
   * value is published with the model. An incremental model fed by several inputs reads each input
   * since its own watermark: a column of the model's table (max_of(this, ...)) only moves when rows
   * from that input are kept.
   */
  public static String watermark(Object... args) {
    RenderState state = state();
    if (args.length != 2 || args[0] == null || args[1] == null || String.valueOf(args[1]).isBlank()) {
      return state.fail(FloeException.user("%s: Cannot render watermark(): expected watermark('model_name',"
          + " 'column'), such as watermark('stg_orders', '_ingested_at').", where(state)));
    }
    String name = String.valueOf(args[0]);
    state.refsSeen.add(name);
    return state.values.watermark(name, state.refs.apply(name), String.valueOf(args[1]));
  }

  /**
   * {@code latest_changes(relation, 'id', since=..., order_by=..., position=...)}: the newest change
   * of each key in a change table (the change-log convention: {@code _op}, {@code _source_position},
   * and {@code _source_lsn} where the source has it), as a parenthesised subquery with the change
   * table's columns. With {@code since}, only keys changed after that value of {@code position}
   * (default: the first {@code order_by} column) are read, and for them the newest of all their
   * changes: so a change that arrives late, older in {@code order_by} than one already applied,
   * never wins over it. An incremental merge model with {@code delete_condition="_op = 'd'"} keeps a
   * current-state table with it.
   */
  public static String latestChanges(Object... args) {
    RenderState state = state();
    Map<String, Object> named = new java.util.LinkedHashMap<>();
    java.util.List<Object> positional = new java.util.ArrayList<>();
    split(args, named, positional);
    if (positional.size() != 2 || positional.get(0) == null || keyColumns(positional.get(1)).isEmpty()
        || !java.util.Set.of("since", "order_by", "position").containsAll(named.keySet())) {
      return state.fail(FloeException.user("%s: Cannot render latest_changes(): expected latest_changes(relation,"
          + " 'key' or ['key', ...], since=value, order_by='_source_position, _source_lsn', position=column),"
          + " such as latest_changes(source('bank', 'users'), 'id').", where(state)));
    }
    java.util.List<String> key = keyColumns(positional.get(1));
    String order = String.valueOf(named.getOrDefault("order_by", DEFAULT_CHANGE_ORDER));
    String relation = String.valueOf(positional.get(0));
    String changes = filled(state, relation, changedKeys(relation, key, order, named), key, order);
    return "(SELECT latest.* FROM (SELECT max_by(struct(*), struct(" + order + ")) AS latest FROM " + changes
        + " GROUP BY " + String.join(", ", key) + "))";
  }

  /**
   * {@code change_history(relation, 'id', since=..., order_by=..., position=..., keep_deletes=false)}:
   * every version a change table holds, as an SCD2 history: the row's columns with
   * {@code valid_from} (the change's time, {@code _source_ts}), {@code valid_to} (the next change's,
   * or NULL for the current version) and {@code is_current}. A delete closes the version before it;
   * with {@code keep_deletes=true} it is kept as a version of its own with {@code is_deleted} true,
   * otherwise it is not a version. Every change is kept, not only the newest of each run as a
   * snapshot of the table would. With {@code since}, only the keys changed after it (all their
   * versions, so the versions before the new ones are closed): an incremental merge model on the
   * key and {@code position} keeps a history table with it.
   */
  public static String changeHistory(Object... args) {
    RenderState state = state();
    Map<String, Object> named = new java.util.LinkedHashMap<>();
    java.util.List<Object> positional = new java.util.ArrayList<>();
    split(args, named, positional);
    if (positional.size() < 2 || positional.size() > 3 || positional.get(0) == null
        || keyColumns(positional.get(1)).isEmpty()
        || !java.util.Set.of("since", "order_by", "position", "keep_deletes").containsAll(named.keySet())) {
      return state.fail(FloeException.user("%s: Cannot render change_history(): expected change_history(relation,"
          + " 'key' or ['key', ...], since=value, order_by='_source_position, _source_lsn', position=column,"
          + " keep_deletes=false), such as change_history(source('bank', 'users'), 'id').", where(state)));
    }
    java.util.List<String> keyList = keyColumns(positional.get(1));
    String key = String.join(", ", keyList);
    String order = positional.size() == 3 ? String.valueOf(positional.get(2))
        : String.valueOf(named.getOrDefault("order_by", DEFAULT_CHANGE_ORDER));
    String relation = String.valueOf(positional.get(0));
    String changes = filled(state, relation, changedKeys(relation, keyList, order, named), keyList, order);
    boolean keepDeletes = Boolean.parseBoolean(String.valueOf(named.getOrDefault("keep_deletes", "false")));
    String window = " OVER (PARTITION BY " + key + " ORDER BY " + order + ")";
    String rows = keepDeletes ? "SELECT *, _op = 'd' AS is_deleted FROM " + changes
        : "SELECT * FROM " + changes;
    String versions = "SELECT *, _source_ts AS valid_from, lead(_source_ts)" + window + " AS valid_to, lead(_source_ts)"
        + window + " IS NULL AS is_current FROM (" + rows + ")";
    Object since = named.get("since");
    if (!present(since)) {
      return "(SELECT * FROM (" + versions + ")" + (keepDeletes ? "" : " WHERE _op <> 'd'") + ")";
    }
    // Of the changed keys' versions, only those a merge must write: the new ones and each one whose
    // next version is new (its valid_to and is_current change). The rest are as the table has them.
    String position = position(named, order);
    return "(SELECT version.* FROM (SELECT struct(*) AS version, lead(" + position + ")" + window
        + " AS next_position FROM (" + versions + ")) WHERE (version." + position + " > " + since
        + " OR next_position > " + since + ")" + (keepDeletes ? "" : " AND version._op <> 'd'") + ")";
  }

  /** The typed CDC shape's list of the large values PostgreSQL did not send in a change (see postgres-cdc). */
  private static final String UNCHANGED_TOAST = "_unchanged_toast";

  /**
   * The changes with each large value PostgreSQL left out of an update (a TOAST value the update did
   * not touch, under the default replica identity: NULL in the row, named in {@value #UNCHANGED_TOAST})
   * taken from the key's last change that sent it, so a current state or a history never writes NULL
   * over the real value. Only columns that were ever left out are rewritten; when none were (or the
   * table has no such list, or the render is a parse without the engine) the changes are as they are.
   */
  private static String filled(RenderState state, String relation, String changes, java.util.List<String> key,
      String order) {
    if (!state.executing()) {
      return changes;
    }
    java.util.List<String> columns = state.queries.run("SELECT * FROM " + relation + " LIMIT 0").columns();
    if (!columns.contains(UNCHANGED_TOAST)) {
      return changes;
    }
    java.util.Set<String> unsent = new java.util.HashSet<>();
    for (java.util.List<Object> row : state.queries.run("SELECT DISTINCT unsent FROM " + relation
        + " LATERAL VIEW explode(split(" + UNCHANGED_TOAST + ", ',')) names AS unsent WHERE " + UNCHANGED_TOAST
        + " IS NOT NULL").rows()) {
      unsent.add(String.valueOf(row.get(0)));
    }
    if (unsent.isEmpty()) {
      return changes;
    }
    String window = " OVER (PARTITION BY " + String.join(", ", key) + " ORDER BY " + order
        + " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)";
    java.util.List<String> select = new java.util.ArrayList<>();
    for (String column : columns) {
      String quoted = SparkIdentifiers.quote(column);
      if (unsent.contains(column)) {
        // The last sent value of the column: a struct, so that a NULL the source did send still counts.
        select.add("(last_value(IF(array_contains(split(coalesce(" + UNCHANGED_TOAST + ", ''), ','), '"
            + column.replace("'", "\\'") + "'), NULL, named_struct('v', " + quoted + ")), true)" + window + ").v AS "
            + quoted);
      } else {
        select.add(quoted);
      }
    }
    return "(SELECT " + String.join(", ", select) + " FROM " + changes + " AS changes)";
  }

  // The column `since` is compared with: position=, else the first order_by column.
  private static String position(Map<String, Object> named, String order) {
    return String.valueOf(named.getOrDefault("position", order.split(",")[0].strip()));
  }

  private static boolean present(Object since) {
    return since != null && !String.valueOf(since).equalsIgnoreCase("null") && !String.valueOf(since).isBlank();
  }

  private static final String DEFAULT_CHANGE_ORDER = "_source_position, _source_lsn";

  private static void split(Object[] args, Map<String, Object> named, java.util.List<Object> positional) {
    for (Object arg : args) {
      if (arg instanceof NamedParameter parameter) {
        named.put(parameter.getName(), parameter.getValue());
      } else {
        positional.add(arg);
      }
    }
  }

  // The change table, or with `since` only the rows of keys that have a change after it.
  private static String changedKeys(String relation, java.util.List<String> key, String order,
      Map<String, Object> named) {
    Object since = named.get("since");
    if (!present(since)) {
      return relation;
    }
    String position = position(named, order);
    String on = key.stream().map(column -> "all_changes." + column + " <=> changed." + column)
        .collect(java.util.stream.Collectors.joining(" AND "));
    return "(SELECT all_changes.* FROM " + relation + " AS all_changes LEFT SEMI JOIN (SELECT DISTINCT "
        + String.join(", ", key) + " FROM " + relation + " WHERE " + position + " > " + since + ") AS changed ON "
        + on + ")";
  }

  private static java.util.List<String> keyColumns(Object key) {
    if (key instanceof java.util.List<?> list) {
      return list.stream().map(String::valueOf).filter(column -> !column.isBlank()).toList();
    }
    return key == null || String.valueOf(key).isBlank() ? java.util.List.of() : java.util.List.of(String.valueOf(key));
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
    return state.location();
  }

  private static RenderState state() {
    return RenderState.current();
  }

  /**
   * {@code env_var('NAME')} or {@code env_var('NAME', default)}: an environment variable. The
   * values of {@code DBT_ENV_SECRET_*} variables are kept out of what {@code log()} writes.
   */
  public static String envVar(Object... args) {
    RenderState state = state();
    if (args.length < 1 || args.length > 2) {
      return state.fail(FloeException.user("%s: Cannot render env_var(): expected env_var('NAME') or"
          + " env_var('NAME', 'default').", where(state)));
    }
    String name = String.valueOf(args[0]);
    String value = state.context.environment().apply(name);
    if (value == null && args.length == 2) {
      value = args[1] == null ? null : String.valueOf(args[1]);
    }
    if (value == null) {
      return state.fail(FloeException.user("%s: Cannot render env_var('%s'): the environment variable is not set"
          + " and there is no default. Set %s before running Floe, or write env_var('%s', 'default').",
          where(state), name, name, name));
    }
    if (name.startsWith("DBT_ENV_SECRET") && !value.isEmpty()) {
      state.secrets.add(value);
    }
    return value;
  }

  /** {@code log(message, info=False)}: to the log, at INFO with {@code info=True}, else DEBUG; renders nothing. */
  public static String log(Object... args) {
    RenderState state = state();
    if (state.returned() || args.length == 0) {
      return "";
    }
    boolean info = false;
    for (int i = 1; i < args.length; i++) {
      Object value = args[i] instanceof NamedParameter named ? named.getValue() : args[i];
      info = Boolean.TRUE.equals(value) || "true".equalsIgnoreCase(String.valueOf(value));
    }
    String message = scrub(state, String.valueOf(args[0]));
    if (info) {
      LOG.info("{}: {}", state.model, message);
    } else {
      LOG.debug("{}: {}", state.model, message);
    }
    return "";
  }

  /** {@code print(message)}: to the log at INFO; renders nothing. */
  public static String print(Object... args) {
    RenderState state = state();
    if (!state.returned() && args.length > 0) {
      LOG.info("{}: {}", state.model, scrub(state, String.valueOf(args[0])));
    }
    return "";
  }

  /**
   * {@code return(value)}: the value the macro gives its caller (so {@code {% set x = m() %}} gets
   * it, not the macro's text). What follows in the macro does not run, as in dbt.
   */
  public static String returnValue(Object... args) {
    RenderState state = state();
    if (state.frames.isEmpty()) {
      return state.fail(FloeException.user("%s: Cannot render return(): it is only allowed inside a macro.",
          where(state)));
    }
    RenderState.Frame frame = state.frames.peek();
    if (!frame.returned) {
      frame.returned = true;
      frame.value = args.length == 0 ? null : args[0];
      JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
      frame.errorsAtReturn = interpreter.getErrors().size();
      frame.failuresAtReturn = state.failures.size();
    }
    return "";
  }

  /**
   * {@code run_query(sql)}: the statement's result as an agate-like table when the model runs;
   * None while the project is parsed, as in dbt (guard its use with {@code {% if execute %}}).
   */
  public static Object runQuery(Object... args) {
    RenderState state = state();
    if (args.length != 1 || args[0] == null) {
      return state.fail(FloeException.user("%s: Cannot render run_query(): expected run_query(sql).", where(state)));
    }
    if (!state.executing() || state.returned()) {
      return null;
    }
    try {
      return new QueryTable(state.queries.run(String.valueOf(args[0])));
    } catch (FloeException e) {
      return state.fail(FloeException.user(e, "%s: Cannot render run_query(): %s", where(state), e.getMessage()));
    }
  }

  /** {@code tojson(value)}: JSON text. */
  public static String tojson(Object... args) {
    RenderState state = state();
    try {
      return JSON.writeValueAsString(args.length == 0 ? null : args[0]);
    } catch (JsonProcessingException e) {
      return state.fail(FloeException.user(e, "%s: Cannot render tojson(): %s", where(state), e.getOriginalMessage()));
    }
  }

  /** {@code fromjson(text)}: the value JSON text holds (dicts, lists, strings, numbers). */
  public static Object fromjson(Object... args) {
    RenderState state = state();
    if (args.length < 1) {
      return state.fail(FloeException.user("%s: Cannot render fromjson(): expected fromjson(text).", where(state)));
    }
    try {
      return JSON.readValue(String.valueOf(args[0]), Object.class);
    } catch (JsonProcessingException e) {
      if (args.length > 1) {
        return args[1];
      }
      return state.fail(FloeException.user(e, "%s: Cannot render fromjson(): the text is not JSON: %s", where(state),
          e.getOriginalMessage()));
    }
  }

  /** {@code toyaml(value)}: YAML text. */
  public static String toyaml(Object... args) {
    RenderState state = state();
    try {
      return YAML.writeValueAsString(args.length == 0 ? null : args[0]).replaceFirst("^---\\s*\\n", "");
    } catch (JsonProcessingException e) {
      return state.fail(FloeException.user(e, "%s: Cannot render toyaml(): %s", where(state), e.getOriginalMessage()));
    }
  }

  /** {@code fromyaml(text)}: the value YAML text holds. */
  public static Object fromyaml(Object... args) {
    RenderState state = state();
    if (args.length < 1) {
      return state.fail(FloeException.user("%s: Cannot render fromyaml(): expected fromyaml(text).", where(state)));
    }
    try {
      return YAML.readValue(String.valueOf(args[0]), Object.class);
    } catch (JsonProcessingException e) {
      return state.fail(FloeException.user(e, "%s: Cannot render fromyaml(): the text is not YAML: %s", where(state),
          e.getOriginalMessage()));
    }
  }

  /** {@code local_md5(text)}: the MD5 of the text, as hex. */
  public static String localMd5(Object... args) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("MD5")
          .digest(String.valueOf(args.length == 0 ? "" : args[0]).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has MD5", e);
    }
  }

  // A secret read with env_var() never reaches the log.
  static String scrub(RenderState state, String message) {
    String scrubbed = message;
    for (String secret : state.secrets) {
      scrubbed = scrubbed.replace(secret, "*****");
    }
    return scrubbed;
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JinjaFunctions.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
}
