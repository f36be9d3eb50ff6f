package io.floe.models.project;

import static java.util.Objects.requireNonNull;

/**
 * A dbt resource a property file describes that Floe lists but does not run: a semantic model, a
 * metric, a saved query or an exposure.
 *
 * @param kind {@code semantic_model}, {@code metric}, {@code saved_query} or {@code exposure}
 * @param type the entry's {@code type} (a metric's simple/ratio/..., an exposure's dashboard/...), or empty
 * @param where the file and line of the entry
 */
public record DescribedResource(String kind, String name, String type, String description, String where) {
  public DescribedResource {
    requireNonNull(kind, "kind is null");
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    requireNonNull(description, "description is null");
    requireNonNull(where, "where is null");
  }
}
