package io.floe.models.project;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What the project's property files declare besides its models: source tables (with their tests
 * and freshness), seeds and snapshots (kept for their loaders), unit tests, and the resources
 * Floe lists without running (semantic models, metrics, saved queries, exposures).
 */
public record PropertyDeclarations(List<SourceTable> sourceTables, List<NodeProperties> nodes,
    List<DescribedResource> described, List<UnitTestDefinition> unitTests) {
  public PropertyDeclarations {
    sourceTables = List.copyOf(requireNonNull(sourceTables, "sourceTables is null"));
    nodes = List.copyOf(requireNonNull(nodes, "nodes is null"));
    described = List.copyOf(requireNonNull(described, "described is null"));
    unitTests = List.copyOf(requireNonNull(unitTests, "unitTests is null"));
  }

  /** The seeds' ({@code seed}) or the snapshots' ({@code snapshot}) properties. */
  public List<NodeProperties> nodes(String kind) {
    return nodes.stream().filter(node -> node.kind().equals(kind)).toList();
  }
}
