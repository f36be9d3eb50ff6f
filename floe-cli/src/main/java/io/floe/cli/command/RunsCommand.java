package io.floe.cli.command;

import io.floe.cli.output.OutputFormat;
import io.floe.cli.output.Tabular;
import io.floe.cli.output.TabularPrinter;
import io.floe.core.project.Project;
import io.floe.models.run.RunHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = "Run history: per model of each run its status, rows written, duration and snapshot id.")
final class RunsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
  OutputFormat output = OutputFormat.TABLE;

  @Option(names = {"-n", "--last"}, paramLabel = "N", defaultValue = "50",
      description = "Show the last N entries. Default: ${DEFAULT-VALUE}.")
  int last = 50;

  @Override
  public Integer call() {
    Project project = Project.load(((FloeCommand) spec.root().userObject()).projectDir());
    List<RunHistory.Entry> entries = RunHistory.read(project);
    List<List<Object>> rows = new ArrayList<>();
    for (RunHistory.Entry entry : entries.subList(Math.max(0, entries.size() - last), entries.size())) {
      rows.add(Tabular.row(entry.runId(), entry.model(), entry.status(), entry.rowsWritten(), entry.millis(),
          entry.snapshotId().isEmpty() ? null : entry.snapshotId(), entry.published()));
    }
    TabularPrinter.print(spec.commandLine().getOut(), output, new Tabular(
        List.of("run", "model", "status", "rows", "millis", "snapshot", "published"), rows));
    return 0;
  }
}
