package io.floe.models.project;

import io.floe.core.project.Project;
import java.util.List;

/**
 * Generates models in memory, beside the {@code .sql} files under {@code models/}: a declaration
 * (a Data Vault's hubs, links and satellites, say) becomes ordinary models that {@code floe ls},
 * {@code compile}, selectors, fingerprints, tests, lineage and the run history treat like any other.
 * A provider is a class with a public no-arg constructor, listed in its jar's
 * {@code META-INF/services/io.floe.models.project.ModelProvider}; it knows no Spark.
 */
public interface ModelProvider {
  /** What generates the models, for messages: {@code vault (vault/*.yml)}. */
  String name();

  /**
   * The models this provider generates for {@code project}, in a stable order; none when the
   * project declares nothing for it.
   *
   * @throws io.floe.core.error.FloeException (user) naming the file and line of a bad declaration
   */
  List<ProvidedModel> models(Project project);
}
