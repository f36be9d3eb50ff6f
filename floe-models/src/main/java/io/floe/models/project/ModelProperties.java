package io.floe.models.project;

import static java.util.Objects.requireNonNull;

import io.floe.models.test.DataTestDefinition;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a property file says about one model, dbt-style ({@code models: - name: ...}).
 *
 * @param config the model's {@code config:} mapping, as written
 * @param columns declared columns, in order
 * @param tests every data test of the model and of its columns
 * @param where the file and line of the model's entry
 */
public record ModelProperties(
    String name,
    String description,
    Map<String, Object> config,
    List<Column> columns,
    List<DataTestDefinition> tests,
    String where) {
  /**
   * A declared column.
   *
   * @param dataType the declared type, if any (documentation; contracts compare it)
   */
  public record Column(String name, String description, Optional<String> dataType) {
    public Column {
      requireNonNull(name, "name is null");
      requireNonNull(description, "description is null");
      requireNonNull(dataType, "dataType is null");
    }
  }

  public ModelProperties {
    requireNonNull(name, "name is null");
    requireNonNull(description, "description is null");
    config = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(config, "config is null")));
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    tests = List.copyOf(requireNonNull(tests, "tests is null"));
    requireNonNull(where, "where is null");
  }
}
