package io.floe.models.render;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's SQL after Jinja, with what the template referred to and configured.
 *
 * @param refs the models named by {@code ref()}, in order
 * @param sources the sources named by {@code source()}, as {@code source_name.table_name}
 * @param config what {@code config()} set
 */
public record RenderedModel(String sql, List<String> refs, List<String> sources, Map<String, Object> config) {
  public RenderedModel {
    requireNonNull(sql, "sql is null");
    refs = List.copyOf(requireNonNull(refs, "refs is null"));
    sources = List.copyOf(requireNonNull(sources, "sources is null"));
    config = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(config, "config is null")));
  }
}
