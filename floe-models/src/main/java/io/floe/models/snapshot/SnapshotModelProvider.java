package io.floe.models.snapshot;

import io.floe.core.project.Project;
import io.floe.models.project.ModelProvider;
import io.floe.models.project.ProvidedModel;
import java.util.List;

/**
 * The project's dbt snapshots ({@code snapshots/*.sql} blocks and {@code snapshots/*.yml} entries)
 * as models materialized as {@code snapshot}; registered as a {@link ModelProvider} service.
 */
public final class SnapshotModelProvider implements ModelProvider {
  @Override
  public String name() {
    return "snapshots (snapshots/*.sql, snapshots/*.yml)";
  }

  @Override
  public List<ProvidedModel> models(Project project) {
    return SnapshotReader.read(project);
  }
}
