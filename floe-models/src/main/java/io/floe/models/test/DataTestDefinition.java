package io.floe.models.test;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A generic data test as written in a property file: {@code - not_null} under a column, or
 * {@code - accepted_values: {values: [a, b]}}; {@code row_count} and {@code expression} may also
 * stand under the model itself.
 *
 * @param kind the test's name: not_null, unique, accepted_values, relationships, expression,
 *     row_count
 * @param column the column it checks, empty for a model-level test
 * @param arguments the test's arguments, without {@code config} and {@code severity}
 * @param severity what a failure does
 * @param where the file and line it was declared at
 * @param config its dbt configs (where, warn_if, error_if, limit, store_failures ...)
 */
public record DataTestDefinition(
    String kind, Optional<String> column, Map<String, Object> arguments, Severity severity, String where,
    TestConfig config) {
  /** What a failing test does to the build: warn reports it, error also blocks publishing. */
  public enum Severity {
    WARN,
    ERROR
  }

  public DataTestDefinition {
    requireNonNull(kind, "kind is null");
    requireNonNull(column, "column is null");
    arguments = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(arguments, "arguments is null")));
    requireNonNull(severity, "severity is null");
    requireNonNull(where, "where is null");
    requireNonNull(config, "config is null");
  }

  /** A test without configs. */
  public DataTestDefinition(
      String kind, Optional<String> column, Map<String, Object> arguments, Severity severity, String where) {
    this(kind, column, arguments, severity, where, TestConfig.DEFAULT);
  }

  /**
   * The test's name without the prefix of a package Floe ships: {@code dbt_utils.accepted_range} is
   * {@code accepted_range}; other prefixes stay (and name an unknown test).
   */
  public String baseKind() {
    for (String prefix : java.util.List.of("dbt_utils.", "dbt.")) {
      if (kind.startsWith(prefix)) {
        return kind.substring(prefix.length());
      }
    }
    return kind;
  }
}
