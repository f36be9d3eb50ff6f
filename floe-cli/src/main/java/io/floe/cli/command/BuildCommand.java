package io.floe.cli.command;

import io.floe.models.run.ModelRunner;
import io.floe.spark.FloeEngine;
import picocli.CommandLine.Command;

@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = "Run the models and their tests on the run's branch (write-audit-publish);"
        + " publish to main only when no error-severity test fails.")
final class BuildCommand extends ModelRunCommand {
  @Override
  int run(FloeEngine engine) {
    // Seam for ingest: the selected SOURCE nodes of models.graph() are to be loaded here, before
    // the models (graph order); the runner already skips source nodes.
    return report(engine.project(), new ModelRunner(engine, models).run(selection.select(models), true));
  }
}
