package io.floe.cli.command;

import io.floe.core.graph.Node;
import io.floe.core.project.Project;
import io.floe.models.project.Model;
import io.floe.models.project.ModelProject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "compile",
    mixinStandardHelpOptions = true,
    description = "Print each selected model's SQL after Jinja, in graph order (is_incremental() is false)."
        + " Needs no engine.")
final class CompileCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelSelection selection;
  @Mixin VarsOption vars;

  @Override
  public Integer call() {
    ModelProject models = ModelProject.load(vars.apply(Project.load(((FloeCommand) spec.root().userObject()).projectDir())));
    PrintWriter out = spec.commandLine().getOut();
    for (java.util.List<Node> level : models.graph().levels(selection.select(models))) {
      for (Node node : level) {
        if (node.kind() == Node.Kind.MODEL) {
          Model model = models.model(node.name());
          out.println("-- " + model.name() + " (" + model.path() + ") -> " + model.table());
          out.println(models.compile(model, false, Model::table) + ";");
          out.println();
        }
      }
    }
    out.flush();
    return 0;
  }
}
