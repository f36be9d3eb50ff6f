package io.floe.cli.command;

import io.floe.core.config.FloeSettings;
import io.floe.ingest.SourceSettingsReference;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Print every floe.yaml setting, sources included, and every model config key, with its type,"
        + " default and description (Markdown).")
final class ConfigCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(FloeSettings.referenceMarkdown());
    spec.commandLine().getOut().print(SourceSettingsReference.markdown());
    spec.commandLine().getOut().print(io.floe.models.project.ModelSettings.referenceMarkdown());
    spec.commandLine().getOut().print(io.floe.core.schedule.Schedules.referenceMarkdown());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
