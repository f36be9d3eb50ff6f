package io.floe.models.project;

import static java.util.Objects.requireNonNull;

import io.floe.spark.materialize.Materialization;
import io.floe.spark.materialize.MaterializeSpec;
import java.util.List;
import java.util.Optional;

/**
 * One model: a SELECT template with its merged config and the table it writes.
 *
 * @param path the SQL file, relative to the project ({@code models/staging/stg_orders.sql})
 * @param template the file's text, before Jinja
 * @param properties what a property file says about it, if any
 * @param table the table it materializes to, {@code namespace.name}
 * @param refs models it reads with {@code ref()}
 * @param sources sources it reads with {@code source()}, as {@code source_name.table_name}
 */
public record Model(
    String name,
    String path,
    String template,
    Optional<ModelProperties> properties,
    ModelConfig config,
    String table,
    List<String> refs,
    List<String> sources) {
  public Model {
    requireNonNull(name, "name is null");
    requireNonNull(path, "path is null");
    requireNonNull(template, "template is null");
    requireNonNull(properties, "properties is null");
    requireNonNull(config, "config is null");
    requireNonNull(table, "table is null");
    refs = List.copyOf(requireNonNull(refs, "refs is null"));
    sources = List.copyOf(requireNonNull(sources, "sources is null"));
  }

  /** How the engine materializes it. */
  public MaterializeSpec spec() {
    return config.toSpec(name, table);
  }

  /** Whether its materialization makes a view (staged as a session view, created at publish). */
  public boolean createsView() {
    return Materialization.of(spec()).createsView();
  }

  /** Whether it is ephemeral: never written, its SELECT inlined into every model that reads it. */
  public boolean inlined() {
    return Materialization.of(spec()).inlined();
  }

  public List<String> tags() {
    return config.list("tags");
  }

  public String description() {
    return properties.map(ModelProperties::description).filter(text -> !text.isEmpty())
        .or(() -> config.string("description")).orElse("");
  }
}
