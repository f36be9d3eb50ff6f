package io.floe.models.project;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One model a {@link ModelProvider} generates.
 *
 * @param name the model's name, unique in the project (a {@code .sql} file of the same name is an error)
 * @param origin where it was declared, relative to the project, with the line: {@code vault/hubs.yml:12};
 *     it stands where a {@code .sql} model's path does ({@code floe ls}, errors, {@code path:} selectors)
 * @param template its SELECT, a template as a {@code .sql} file's ({@code ref()}, {@code source()}, macros)
 * @param config its config, as a {@code config:} mapping ({@code materialized}, {@code schema},
 *     {@code unique_key} ...), checked like one
 * @param properties its description, columns and data tests, if any; a property file may add tests
 */
public record ProvidedModel(String name, String origin, String template, Map<String, Object> config,
    Optional<ModelProperties> properties) {
  public ProvidedModel {
    requireNonNull(name, "name is null");
    requireNonNull(origin, "origin is null");
    requireNonNull(template, "template is null");
    config = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(config, "config is null")));
    requireNonNull(properties, "properties is null");
  }
}
