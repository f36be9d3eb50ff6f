package io.floe.core.project;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import io.floe.core.secret.ConfigValue;
import java.util.Map;

/**
 * The contents of floe.yaml, checked and with defaults applied.
 *
 * @param namespaces the namespaces Floe creates in the catalog
 * @param modelsPath the models directory as written, relative to the project unless absolute
 * @param sources source definitions by name, as plain maps (validated where sources are read)
 * @param vars variables for models, as plain values
 * @param vault the {@code vault:} settings (address, token ...) by key without the section, as written
 */
public record ProjectConfig(
    String name,
    CatalogConfig catalog,
    StorageConfig storage,
    EngineConfig engine,
    List<String> namespaces,
    String modelsPath,
    Map<String, Object> sources,
    Map<String, Object> vars,
    Map<String, ConfigValue> vault,
    BronzeColumns bronzeColumns) {
  public ProjectConfig {
    requireNonNull(name, "name is null");
    requireNonNull(catalog, "catalog is null");
    requireNonNull(bronzeColumns, "bronzeColumns is null");
    requireNonNull(storage, "storage is null");
    requireNonNull(engine, "engine is null");
    requireNonNull(modelsPath, "modelsPath is null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("Invalid project name: the name is blank");
    }
    namespaces = List.copyOf(requireNonNull(namespaces, "namespaces is null"));
    // Ordered and null-tolerant: YAML mappings keep their order and may hold empty values.
    sources = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(sources, "sources is null")));
    vars = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(vars, "vars is null")));
    vault = Map.copyOf(requireNonNull(vault, "vault is null"));
  }
}
