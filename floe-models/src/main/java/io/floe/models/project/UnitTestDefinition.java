package io.floe.models.project;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A dbt unit test ({@code unit_tests:}): the model is rendered with each input replaced by the
 * given rows, and its result must hold the expected rows.
 *
 * @param model the model under test
 * @param given the inputs, in order
 * @param expect the expected rows (only their columns are compared)
 * @param incremental what {@code is_incremental()} returns, dbt's {@code overrides: {macros: {is_incremental: true}}}
 * @param where the file and line of the entry
 */
public record UnitTestDefinition(String name, String model, List<Given> given, Rows expect, boolean incremental,
    String where) {
  /**
   * Rows standing in for one input.
   *
   * @param input {@code ref('x')} or {@code source('a', 'b')}, as written
   */
  public record Given(String input, Rows rows) {
    public Given {
      requireNonNull(input, "input is null");
      requireNonNull(rows, "rows is null");
    }
  }

  /**
   * Rows as dbt writes them: {@code format: dict} (a list of mappings), {@code csv} (text with a
   * header line) or {@code sql} (a SELECT).
   *
   * @param dict the rows of the dict format, else empty
   * @param text the text of the csv or sql format, else empty
   */
  public record Rows(String format, List<Map<String, Object>> dict, Optional<String> text) {
    public Rows {
      requireNonNull(format, "format is null");
      dict = List.copyOf(requireNonNull(dict, "dict is null"));
      requireNonNull(text, "text is null");
    }
  }

  public UnitTestDefinition {
    requireNonNull(name, "name is null");
    requireNonNull(model, "model is null");
    given = List.copyOf(requireNonNull(given, "given is null"));
    requireNonNull(expect, "expect is null");
    requireNonNull(where, "where is null");
  }
}
