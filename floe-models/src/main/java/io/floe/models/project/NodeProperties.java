package io.floe.models.project;

import static java.util.Objects.requireNonNull;

import io.floe.models.test.DataTestDefinition;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a property file says about a seed or a snapshot ({@code seeds:}, {@code snapshots:}): kept
 * for the code that loads them; the data tests are not run from here.
 *
 * @param kind {@code seed} or {@code snapshot}
 * @param config the entry's {@code config:} mapping, as written
 * @param tests the data tests of the entry and of its columns
 * @param where the file and line of the entry
 */
public record NodeProperties(String kind, String name, String description, Map<String, Object> config,
    List<ModelProperties.Column> columns, List<DataTestDefinition> tests, String where) {
  public NodeProperties {
    requireNonNull(kind, "kind is null");
    requireNonNull(name, "name is null");
    requireNonNull(description, "description is null");
    config = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(config, "config is null")));
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    tests = List.copyOf(requireNonNull(tests, "tests is null"));
    requireNonNull(where, "where is null");
  }
}
