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
      "Create a starter project in DIR: floe.yaml, models/ and a .gitignore. In a dbt project",
      "(a dbt_project.yml), add only floe.yaml and .floe/ to .gitignore; floe build runs it without one too.",
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
    if (Files.isRegularFile(root.resolve(Project.DBT_PROJECT_FILE))) {
      Project project = StarterProject.addTo(root, name != null ? name : Project.dbtProjectName(root));
      spec.commandLine().getOut().printf("Added %s to the dbt project %s in %s (its dbt files are unchanged)%n"
          + "Next: cd %s && floe build%n", Project.CONFIG_FILE, project.config().name(), root, root);
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
