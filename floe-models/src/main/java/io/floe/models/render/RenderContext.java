package io.floe.models.render;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.function.Function;

/**
 * What dbt's Jinja context tells a template about the project and the run: {@code project_name},
 * {@code target}, {@code env_var()} and {@code run_started_at}.
 *
 * @param targetName {@code target.name} ({@code dev} unless the project says otherwise)
 * @param schema {@code target.schema}: the schema of a model that says nothing else
 * @param database {@code target.database} and {@code target.catalog}: the catalog
 * @param threads {@code target.threads}
 * @param environment what {@code env_var()} reads (the process environment)
 * @param runStartedAt {@code run_started_at}
 */
public record RenderContext(String projectName, String targetName, String schema, String database, int threads,
    Function<String, String> environment, Instant runStartedAt) {
  public RenderContext {
    requireNonNull(projectName, "projectName is null");
    requireNonNull(targetName, "targetName is null");
    requireNonNull(schema, "schema is null");
    requireNonNull(database, "database is null");
    requireNonNull(environment, "environment is null");
    requireNonNull(runStartedAt, "runStartedAt is null");
  }

  /** A context for renders that know nothing of a project: target {@code dev}, the real environment. */
  public static RenderContext defaults() {
    return new RenderContext("floe", "dev", "silver", "spark_catalog", 1, System::getenv, Instant.now());
  }
}
