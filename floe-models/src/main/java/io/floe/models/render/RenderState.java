package io.floe.models.render;

import io.floe.core.error.FloeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What one rendering of one model knows and collects. Jinjava calls functions statically, so the
 * functions find this object in the template context; it lives for one render on one thread.
 */
final class RenderState {
  static final String CONTEXT_KEY = "__floe_render_state";

  final String model;
  final String where;
  final boolean incremental;
  final Function<String, String> refs;
  final ModelRenderer.SourceResolver sources;
  final ModelRenderer.Values values;
  final Map<String, Object> vars;
  final Set<String> refsSeen = new LinkedHashSet<>();
  final Set<String> sourcesSeen = new LinkedHashSet<>();
  final Map<String, Object> config = new LinkedHashMap<>();
  final List<FloeException> failures = new ArrayList<>();

  RenderState(String model, String where, boolean incremental, Function<String, String> refs,
      ModelRenderer.SourceResolver sources, ModelRenderer.Values values, Map<String, Object> vars) {
    this.model = model;
    this.where = where;
    this.incremental = incremental;
    this.refs = refs;
    this.sources = sources;
    this.values = values;
    this.vars = vars;
  }

  /** Remembers a failure to rethrow after rendering, so it is not flattened into Jinjava's error text. */
  String fail(FloeException failure) {
    failures.add(failure);
    throw failure;
  }
}
