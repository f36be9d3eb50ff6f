package io.floe.cli.command;

import io.floe.core.project.Project;
import io.floe.core.project.Vars;
import picocli.CommandLine.Option;

/** {@code --vars}, as dbt takes it: variables over floe.yaml's {@code vars:} for this command only. */
final class VarsOption {
  @Option(names = "--vars", paramLabel = "YAML",
      description = "Variables over floe.yaml's vars for this run, as a YAML or JSON mapping, e.g. "
          + "'{start_date: 2026-01-01}' (as dbt's --vars).")
  String vars;

  /** The project with these variables over its own. */
  Project apply(Project project) {
    return project.withVars(Vars.parse(vars, "--vars"));
  }
}
