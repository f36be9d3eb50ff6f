package io.floe.cli.command;

import io.floe.cli.starter.StarterProject;
import io.floe.core.project.Project;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Create a starter project in DIR: floe.yaml, models/ and a .gitignore.",
      "Running it again on an existing project changes nothing."
    })
final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "Directory of the new project.")
  Path dir;

  @Option(names = "--name", description = "Project name. Default: the directory's name.")
  String name;

  @Override
  public Integer call() {
    Path root = dir.toAbsolutePath().normalize();
    if (Files.exists(root.resolve(Project.CONFIG_FILE))) {
      spec.commandLine().getOut().println(root + " is already a Floe project; nothing to do.");
      spec.commandLine().getOut().flush();
      return 0;
    }
    Project project =
        StarterProject.create(root, name != null ? name : StarterProject.defaultName(root));
    spec.commandLine()
        .getOut()
        .printf(
            "Created project %s in %s%nNext: cd %s && floe sql \"SHOW NAMESPACES\"%n",
            project.config().name(), root, root);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
