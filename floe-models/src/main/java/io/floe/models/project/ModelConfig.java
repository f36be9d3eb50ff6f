package io.floe.models.project;

import static java.util.Objects.requireNonNull;

import io.floe.core.config.ConfigField;
import io.floe.core.config.ConfigType;
import io.floe.core.error.DidYouMean;
import io.floe.core.error.FloeException;
import io.floe.spark.materialize.Materialization;
import io.floe.spark.materialize.MaterializeSpec;
import io.floe.spark.materialize.Materializations;
import io.floe.spark.materialize.MaterializeSpec.OnSchemaChange;
import io.floe.spark.materialize.MaterializeSpec.Scd2;
import io.floe.spark.materialize.MaterializeSpec.Strategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model's config, merged from its property file ({@code config:}) and its {@code config(...)}
 * call (which wins, as in dbt), with the names dbt uses so a dbt model ports unchanged.
 *
 * @param values the merged settings, as written
 */
public record ModelConfig(Map<String, Object> values) {
  /** Every key a model's config may hold ({@link ModelSettings}); anything else is an error with a suggestion. */
  public static final Set<String> KEYS = ModelSettings.all().stream().map(ConfigField::key)
      .collect(java.util.stream.Collectors.toUnmodifiableSet());

  public ModelConfig {
    values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(values, "values is null")));
  }

  public static ModelConfig empty() {
    return new ModelConfig(Map.of());
  }

  /**
   * This config with {@code overrides} on top.
   *
   * @param where where the overrides were written, for errors: {@code models/a.sql:1}
   * @throws FloeException (user) for an unknown key
   */
  public ModelConfig with(Map<String, Object> overrides, String where) {
    for (Map.Entry<String, Object> entry : overrides.entrySet()) {
      ConfigField field = ModelSettings.field(entry.getKey());
      if (field == null) {
        throw FloeException.user("%s: Unknown config '%s'.%s", where, entry.getKey(),
            DidYouMean.hint(entry.getKey(), KEYS));
      }
      checkType(field, entry.getValue(), where);
    }
    Map<String, Object> merged = new LinkedHashMap<>(values);
    merged.putAll(overrides);
    return new ModelConfig(merged);
  }

  // The value's type against the declaration, so a mistake names the file (and line) it was written in.
  private static void checkType(ConfigField field, Object value, String where) {
    if (value == null) {
      return;
    }
    String text = value.toString().trim();
    boolean ok = switch (field.type()) {
      case BOOLEAN -> value instanceof Boolean || text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false");
      case ENUM -> field.allowedValues().contains(text.toLowerCase(Locale.ROOT));
      case STRING_LIST -> value instanceof List<?> || !(value instanceof Map<?, ?>);
      case MAP -> value instanceof Map<?, ?>;
      case STRING, SECRET -> !(value instanceof Map<?, ?>) && !(value instanceof List<?>);
      case INT -> value instanceof Number || text.matches("-?\\d+");
    };
    if (!ok) {
      String expected = field.type() == ConfigType.ENUM ? "one of " + field.allowedValues()
          : "a " + field.type().displayName();
      throw FloeException.user("%s: Invalid config %s: expected %s, but was: %s.%s", where, field.key(), expected,
          value, field.type() == ConfigType.ENUM ? DidYouMean.hint(text, field.allowedValues()) : "");
    }
  }

  public Optional<String> string(String key) {
    Object value = values.get(key);
    return value == null ? Optional.empty() : Optional.of(value.toString());
  }

  /** A setting that may be one string or a list of them, as dbt's unique_key and tags. */
  public List<String> list(String key) {
    Object value = values.get(key);
    if (value == null) {
      return List.of();
    }
    List<String> items = new ArrayList<>();
    if (value instanceof List<?> list) {
      list.forEach(item -> items.add(String.valueOf(item)));
    } else {
      items.add(value.toString());
    }
    return List.copyOf(items);
  }

  public boolean enabled() {
    return !"false".equalsIgnoreCase(string("enabled").orElse("true"));
  }

  /**
   * The engine's view of this config.
   *
   * @param model the model's name, for errors
   * @param table the target, {@code namespace.name}
   * @throws FloeException (user) for a value that is not one of the accepted ones
   */
  public MaterializeSpec toSpec(String model, String table) {
    String materialized = string("materialized").orElse(Materializations.VIEW).trim().toLowerCase(Locale.ROOT);
    Strategy strategy = choice(model, "incremental_strategy", Strategy.class,
        list("unique_key").isEmpty() ? "append" : "merge");
    OnSchemaChange onSchemaChange = choice(model, "on_schema_change", OnSchemaChange.class,
        "append_new_columns");
    List<String> uniqueKey = list("unique_key");
    Optional<Scd2> scd2 = Optional.empty();
    if (materialized.equals(Materializations.SCD2)) {
      String history = string("strategy").orElse(string("updated_at").isPresent() ? "timestamp" : "check");
      if (history.equals("timestamp") && string("updated_at").isPresent()) {
        scd2 = Optional.of(new Scd2(string("updated_at"), List.of()));
      } else if (history.equals("check") && !list("check_cols").isEmpty()) {
        scd2 = Optional.of(new Scd2(Optional.empty(), list("check_cols")));
      } else {
        throw FloeException.user("Cannot materialize model %s as scd2: strategy '%s' needs %s.", model, history,
            history.equals("timestamp") ? "updated_at" : "check_cols (a list of columns)");
      }
    }
    Map<String, String> properties = new LinkedHashMap<>();
    if (values.get("tblproperties") instanceof Map<?, ?> map) {
      map.forEach((key, value) -> properties.put(String.valueOf(key), String.valueOf(value)));
    }
    MaterializeSpec spec = new MaterializeSpec(table, materialized, strategy, uniqueKey, string("delete_condition"),
        list("partition_by"), list("sort_by"), properties, onSchemaChange, scd2);
    Materialization materialization = Materializations.named(materialized);
    materialization.problem(spec).ifPresent(problem -> {
      throw FloeException.user("Cannot materialize model %s as %s: %s.", model, materialized, problem);
    });
    return spec;
  }

  private <E extends Enum<E>> E choice(String model, String key, Class<E> type, String fallback) {
    String value = string(key).orElse(fallback);
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> allowed = new ArrayList<>();
      for (E constant : type.getEnumConstants()) {
        allowed.add(constant.name().toLowerCase(Locale.ROOT));
      }
      throw FloeException.user(e, "Cannot configure model %s: %s must be one of %s, but was '%s'.%s", model, key,
          allowed, value, DidYouMean.hint(value, allowed));
    }
  }
}
