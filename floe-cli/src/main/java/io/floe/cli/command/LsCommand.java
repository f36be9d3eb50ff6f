package io.floe.cli.command;

import io.floe.cli.output.OutputFormat;
import io.floe.cli.output.Tabular;
import io.floe.cli.output.TabularPrinter;
import io.floe.core.graph.Node;
import io.floe.core.project.Project;
import io.floe.models.project.Model;
import io.floe.models.project.ModelProject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "ls",
    mixinStandardHelpOptions = true,
    description = "List the selected models in graph order with their materialization, table and dependencies;"
        + " without a selection, also dbt's semantic models, metrics, saved queries and exposures (not run).")
final class LsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelSelection selection;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
  OutputFormat output = OutputFormat.TABLE;

  @Override
  public Integer call() {
    ModelProject models = ModelProject.load(Project.load(((FloeCommand) spec.root().userObject()).projectDir()));
    List<List<Object>> rows = new ArrayList<>();
    for (List<Node> level : models.graph().levels(selection.select(models))) {
      for (Node node : level) {
        if (node.kind() == Node.Kind.MODEL) {
          Model model = models.model(node.name());
          List<String> parents = new ArrayList<>(model.refs());
          parents.addAll(model.sources());
          rows.add(Tabular.row(model.name(), model.spec().materialized(), model.table(),
              model.path(), String.join(", ", parents), String.join(", ", model.tags())));
        }
      }
    }
    // dbt's semantic models, metrics, saved queries and exposures: listed, never run.
    if (selection.selectors.isEmpty()) {
      for (io.floe.models.project.DescribedResource resource : models.declarations().described()) {
        rows.add(Tabular.row(resource.name(), resource.kind() + " (not run)", "", resource.where(), "",
            resource.type()));
      }
    }
    TabularPrinter.print(spec.commandLine().getOut(), output,
        new Tabular(List.of("model", "materialized", "table", "path", "depends_on", "tags"), rows));
    return 0;
  }
}
