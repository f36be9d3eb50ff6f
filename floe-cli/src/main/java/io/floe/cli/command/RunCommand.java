package io.floe.cli.command;

import io.floe.models.run.ModelRunner;
import io.floe.spark.FloeEngine;
import picocli.CommandLine.Command;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run the models (no tests) in graph order, independent ones in parallel; publish when all succeed.")
final class RunCommand extends ModelRunCommand {
  @Override
  int run(FloeEngine engine) {
    return report(engine.project(), new ModelRunner(engine, models, root().verbosity() > 0).run(selected, false));
  }
}
