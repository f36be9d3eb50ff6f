package io.floe.cli.command;

import io.floe.spark.FloeEngine;
import picocli.CommandLine.Command;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run the models (no tests) in graph order, independent ones in parallel; publish when all succeed.")
final class RunCommand extends ModelRunCommand {
  @picocli.CommandLine.Mixin FullRefreshOption refresh;

  @Override
  int run(FloeEngine engine) {
    return report(runtime(engine).models(models, selected, false, root().verbosity() > 0, refresh.fullRefresh));
  }
}
