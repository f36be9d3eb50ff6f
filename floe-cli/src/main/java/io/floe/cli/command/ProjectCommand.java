package io.floe.cli.command;

import io.floe.cli.output.OutputFormat;
import io.floe.cli.output.Tabular;
import io.floe.cli.output.TabularPrinter;
import io.floe.core.project.Project;
import io.floe.spark.FloeEngine;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A command that works on the project's tables: loads the project, opens the engine, prints. */
abstract class ProjectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
  OutputFormat output = OutputFormat.TABLE;

  @Override
  public final Integer call() {
    Project project = Project.load(root().projectDir());
    check(project);
    try (FloeEngine engine = FloeEngine.open(project)) {
      return run(engine);
    }
  }

  /** Checks what the command needs from the project before the engine starts (it takes seconds). */
  void check(Project project) {}

  /** Does the command's work; returns the exit code. */
  abstract int run(FloeEngine engine);

  FloeCommand root() {
    return (FloeCommand) spec.root().userObject();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  void print(Tabular tabular) {
    TabularPrinter.print(out(), output, tabular);
  }

  /** Prints a one-line confirmation, or a JSON object with the same facts. */
  void confirm(String message, Object json) {
    if (output == OutputFormat.JSON) {
      TabularPrinter.printJson(out(), json);
    } else {
      out().println(message);
      out().flush();
    }
  }
}
