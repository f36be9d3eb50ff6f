package io.floe.models.test;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.DidYouMean;
import io.floe.core.error.FloeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A data test's dbt configs, from its {@code config:} mapping or (dbt's older form) beside its
 * arguments.
 *
 * @param where filters the tested relation: the test reads {@code (select * from model where ...)}
 * @param warnIf the condition on the failure count that warns, dbt's {@code warn_if} ({@code !=0}): SQL
 *     written after the count, as dbt runs it ({@code >10}, {@code between 5 and 10})
 * @param errorIf the condition that fails, dbt's {@code error_if} ({@code !=0}); ignored at warn severity
 * @param limit the most failing rows counted, dbt's {@code limit}
 * @param failCalc what counts the failures over the failing rows, dbt's {@code fail_calc} ({@code count(*)})
 * @param storeFailures whether the failing rows are written to a table (see {@link #AUDIT_SCHEMA})
 * @param storeFailuresAs {@code table} or {@code ephemeral} (not stored); when set, it decides over storeFailures
 * @param schema the namespace the failing rows go to, {@link #AUDIT_SCHEMA} by default
 * @param enabled false leaves the test out
 * @param name the name results and the stored table use instead of the generated one
 * @param tags kept for selection
 */
public record TestConfig(Optional<String> where, String warnIf, String errorIf, OptionalLong limit, String failCalc,
    boolean storeFailures, Optional<String> storeFailuresAs, Optional<String> schema, boolean enabled,
    Optional<String> name, List<String> tags) {
  /** The keys of a test's config, as dbt names them; any other key of {@code config:} is an error. */
  public static final List<String> KEYS = List.of("where", "severity", "warn_if", "error_if", "limit", "fail_calc",
      "store_failures", "store_failures_as", "schema", "database", "alias", "enabled", "name", "tags", "meta");
  /** Where stored failures go unless {@code schema} says otherwise: dbt's default schema suffix. */
  public static final String AUDIT_SCHEMA = "dbt_test__audit";
  /** A test without configs. */
  public static final TestConfig DEFAULT = new TestConfig(Optional.empty(), "!=0", "!=0", OptionalLong.empty(),
      "count(*)", false, Optional.empty(), Optional.empty(), true, Optional.empty(), List.of());

  public TestConfig {
    requireNonNull(where, "where is null");
    requireNonNull(warnIf, "warnIf is null");
    requireNonNull(errorIf, "errorIf is null");
    requireNonNull(limit, "limit is null");
    requireNonNull(failCalc, "failCalc is null");
    requireNonNull(storeFailuresAs, "storeFailuresAs is null");
    requireNonNull(schema, "schema is null");
    requireNonNull(name, "name is null");
    tags = List.copyOf(requireNonNull(tags, "tags is null"));
  }

  /**
   * Reads the configs of one test (severity excluded: the definition holds it).
   *
   * @param where the file and line of the test, for errors
   * @throws FloeException (user) for an unknown key or a malformed value
   */
  public static TestConfig of(Map<String, Object> config, String where) {
    for (String key : config.keySet()) {
      if (!KEYS.contains(key)) {
        throw FloeException.user("%s: Cannot read test config: unknown key '%s'.%s Expected one of %s.", where, key,
            DidYouMean.hint(key, KEYS), KEYS);
      }
    }
    String warnIf = condition(config.get("warn_if"), "warn_if", where);
    String errorIf = condition(config.get("error_if"), "error_if", where);
    OptionalLong limit = OptionalLong.empty();
    if (config.get("limit") != null) {
      try {
        limit = OptionalLong.of(Long.parseLong(config.get("limit").toString()));
      } catch (NumberFormatException e) {
        throw FloeException.user(e, "%s: Cannot read test config: limit must be a whole number, but was '%s'.",
            where, config.get("limit"));
      }
    }
    Optional<String> storeAs = text(config.get("store_failures_as")).map(value -> value.toLowerCase(Locale.ROOT));
    if (storeAs.isPresent() && !List.of("table", "ephemeral").contains(storeAs.get())) {
      throw FloeException.user("%s: Cannot read test config: store_failures_as must be table or ephemeral, but was"
          + " '%s'. Floe stores failing rows as a table only (a view would read the run's branch, which is gone"
          + " after the run).", where, storeAs.get());
    }
    List<String> tags = new ArrayList<>();
    Object tagValue = config.get("tags");
    if (tagValue instanceof List<?> list) {
      list.forEach(tag -> tags.add(String.valueOf(tag)));
    } else if (tagValue != null) {
      tags.add(tagValue.toString());
    }
    return new TestConfig(text(config.get("where")), warnIf, errorIf, limit,
        text(config.get("fail_calc")).orElse("count(*)"), bool(config.get("store_failures"), false, where),
        storeAs, text(config.get("schema")), bool(config.get("enabled"), true, where), text(config.get("name")),
        tags);
  }

  /** Whether the failing rows are to be written to a table. */
  public boolean storesFailures() {
    return storeFailuresAs.map(as -> as.equals("table")).orElse(storeFailures);
  }

  private static String condition(Object value, String key, String where) {
    if (value == null) {
      return "!=0";
    }
    String condition = value.toString().strip();
    if (condition.isEmpty() || condition.contains(";")) {
      throw FloeException.user("%s: Cannot read test config: %s is a condition on the failure count ('!=0',"
          + " '>10', 'between 5 and 10'), but was '%s'.", where, key, condition);
    }
    return condition;
  }

  private static Optional<String> text(Object value) {
    return value == null || value.toString().isBlank() ? Optional.empty() : Optional.of(value.toString().strip());
  }

  private static boolean bool(Object value, boolean otherwise, String where) {
    if (value == null) {
      return otherwise;
    }
    if (value instanceof Boolean flag) {
      return flag;
    }
    return switch (value.toString().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw FloeException.user("%s: Cannot read test config: expected true or false, but was '%s'.", where,
          value);
    };
  }
}
