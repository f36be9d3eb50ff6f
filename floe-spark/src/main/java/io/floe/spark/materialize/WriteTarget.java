package io.floe.spark.materialize;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Where a materialization writes: a table's main branch, or the run's branch of it
 * (write-audit-publish: tests read the branch, and main moves only when they pass).
 *
 * @param table {@code namespace.name}
 * @param branch the run's branch, or empty to write main directly
 */
public record WriteTarget(String table, Optional<String> branch) {
  public WriteTarget {
    requireNonNull(table, "table is null");
    requireNonNull(branch, "branch is null");
  }

  /** The name SQL writes to and reads from: {@code ns.t} or {@code ns.t.branch_<branch>}. */
  public String identifier() {
    return branch.map(name -> table + ".branch_" + name).orElse(table);
  }
}
