package io.floe.core.graph;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;

/**
 * One node of a project's graph: a source, a model or a test.
 *
 * @param name unique name, as {@code ref('name')} or {@code source_name.table} refer to it
 * @param kind what the node is
 * @param path the file it comes from, relative to the project (used by {@code path:} selection)
 * @param tags tags from config (used by {@code tag:} selection)
 * @param dependsOn names of the nodes it reads
 */
public record Node(String name, Kind kind, String path, Set<String> tags, List<String> dependsOn) {
  /** The kinds of node, in the order a build runs them when nothing else orders them. */
  public enum Kind {
    SOURCE,
    MODEL,
    TEST
  }

  public Node {
    requireNonNull(name, "name is null");
    requireNonNull(kind, "kind is null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("Invalid node name: must not be blank");
    }
    path = path == null ? "" : path;
    tags = Set.copyOf(requireNonNull(tags, "tags is null"));
    dependsOn = List.copyOf(requireNonNull(dependsOn, "dependsOn is null"));
  }
}
