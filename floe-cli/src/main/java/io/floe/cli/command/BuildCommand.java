package io.floe.cli.command;

import io.floe.core.project.Project;
import io.floe.ingest.ProjectSources;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.runtime.FloeRuntime;
import io.floe.spark.FloeEngine;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = {
      "Ingest what is new in the sources the selected models read, then run the models and their",
      "tests on the run's branch (write-audit-publish); publish to main only when no error-severity",
      "test fails. Ingested batches are committed as they load (exactly once), whatever the tests say."
    })
final class BuildCommand extends ModelRunCommand {
  @picocli.CommandLine.Mixin FullRefreshOption refresh;

  @Option(names = "--no-ingest", description = "Run the models and tests on the tables as they are; load nothing.")
  boolean noIngest;

  private List<SourceDefinition> toIngest = List.of();
  private ProjectSources sources;

  @Override
  void check(Project project) {
    super.check(project);
    if (noIngest) {
      return;
    }
    sources = ProjectSources.load(project);
    toIngest = FloeRuntime.sourcesOf(sources, selection.selectors, selected);
  }

  @Override
  int run(FloeEngine engine) {
    FloeRuntime.Listener printing = IngestCommand.printing(spec.commandLine().getErr(), run -> {
      out().println(IngestCommand.summary(run));
      out().flush();
    });
    return report(runtime(engine).build(models, sources, toIngest, selected, root().verbosity() > 0,
        refresh.fullRefresh, printing));
  }
}
