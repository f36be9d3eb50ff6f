package io.floe.cli.command;

import io.floe.cli.output.Tabular;
import io.floe.core.project.Project;
import io.floe.ingest.Ingestion;
import io.floe.ingest.ProjectSources;
import io.floe.ingest.bronze.SourceState;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.spark.FloeEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;

@Command(
    name = "sources",
    mixinStandardHelpOptions = true,
    description = "List the project's sources with the position and time of their last committed batch.")
final class SourcesCommand extends ProjectCommand {
  private ProjectSources sources;

  @Override
  void check(Project project) {
    sources = ProjectSources.load(project);
  }

  @Override
  int run(FloeEngine engine) {
    Ingestion ingestion = new Ingestion(engine, sources);
    List<List<Object>> rows = new ArrayList<>();
    for (SourceDefinition definition : sources.all()) {
      SourceState state = ingestion.state(definition);
      rows.add(Tabular.row(definition.name(), definition.type(), definition.target(),
          definition.mode().name().toLowerCase(Locale.ROOT), ingestion.describe(definition, state.position()),
          state.lastCommit().orElse(null), state.lastBatchId().orElse(null)));
    }
    print(new Tabular(List.of("source", "type", "table", "mode", "position", "last_run", "last_batch"), rows));
    return 0;
  }
}
