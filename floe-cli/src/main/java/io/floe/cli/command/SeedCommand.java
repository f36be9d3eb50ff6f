package io.floe.cli.command;

import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.models.seed.SeedProvider;
import io.floe.spark.FloeEngine;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;

/**
 * dbt's {@code seed}: loads the project's seeds (the CSV files under {@code seeds/}) into their
 * tables and runs their tests, as {@code floe build -s tag:seed} does.
 */
@Command(
    name = "seed",
    mixinStandardHelpOptions = true,
    description = {
      "Load the seeds (seeds/*.csv, dbt's seed-paths) into their tables and run their tests; publish when",
      "they pass. A seed whose file did not change is not loaded again. floe build loads them too."
    })
final class SeedCommand extends ModelRunCommand {
  @picocli.CommandLine.Mixin FullRefreshOption refresh;

  @Override
  void check(Project project) {
    super.check(project);
    Set<String> seeds = new TreeSet<>();
    for (String name : selected) {
      if (models.models().containsKey(name) && models.model(name).tags().contains(SeedProvider.TAG)
          && models.model(name).path().endsWith(".csv")) {
        seeds.add(name);
      }
    }
    if (seeds.isEmpty()) {
      throw FloeException.user("Cannot seed: %s. Put CSV files under seeds/ (or dbt_project.yml's seed-paths).",
          selection.selectors.isEmpty() ? "the project has no seeds" : "the selection holds no seed");
    }
    selected = seeds;
  }

  @Override
  int run(FloeEngine engine) {
    return report(runtime(engine).models(models, selected, true, root().verbosity() > 0, refresh.fullRefresh));
  }
}
