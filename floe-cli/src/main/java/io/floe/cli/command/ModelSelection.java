package io.floe.cli.command;

import io.floe.core.graph.Selector;
import io.floe.models.project.ModelProject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** The {@code --select} option the model commands share (dbt's selector syntax). */
final class ModelSelection {
  @Option(
      names = {"-s", "--select"},
      split = ",",
      paramLabel = "SELECTOR",
      description = "Nodes to run: NAME, NAME+ (and downstream), +NAME (and upstream), tag:TAG, path:DIR."
          + " Several are a union. Default: every model.")
  List<String> selectors = new ArrayList<>();

  /** The selected node names. */
  Set<String> select(ModelProject models) {
    return Selector.select(models.graph(), selectors);
  }
}
