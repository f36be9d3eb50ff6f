package io.floe.models.render;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import io.floe.core.error.FloeException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
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

  /** One macro call in progress: where it is defined, and what {@code return()} gave it. */
  static final class Frame {
    final String file;
    final String macro;
    boolean returned;
    Object value;
    int errorsAtReturn;
    int failuresAtReturn;

    Frame(String file, String macro) {
      this.file = file;
      this.macro = macro;
    }
  }

  final String model;
  final String where;
  final boolean incremental;
  final Function<String, String> refs;
  final ModelRenderer.SourceResolver sources;
  final ModelRenderer.Values values;
  final ModelRenderer.Queries queries;
  final RenderContext context;
  final Map<String, Object> vars;
  final Set<String> refsSeen = new LinkedHashSet<>();
  final Set<String> sourcesSeen = new LinkedHashSet<>();
  final Map<String, Object> config = new LinkedHashMap<>();
  final List<FloeException> failures = new ArrayList<>();
  /** The macros each package Floe ships defines, by package and name. */
  final Map<String, Map<String, Object>> packages = new LinkedHashMap<>();
  /** Values of secret environment variables read in this render, scrubbed from what is logged. */
  final Set<String> secrets = new LinkedHashSet<>();
  final Deque<Frame> frames = new ArrayDeque<>();
  /** The file of the template errors raised inside a macro (its own file, not the model's). */
  final Map<TemplateError, String> errorFiles = new IdentityHashMap<>();
  /** The macro file being loaded (its macros are defined, not called), and the package it is of. */
  String loadingFile;
  String loadingPackage;
  /** The file of the innermost macro an exception was thrown out of. */
  String thrownIn;

  RenderState(String model, String where, boolean incremental, Function<String, String> refs,
      ModelRenderer.SourceResolver sources, ModelRenderer.Values values, ModelRenderer.Queries queries,
      RenderContext context, Map<String, Object> vars) {
    this.model = model;
    this.where = where;
    this.incremental = incremental;
    this.refs = refs;
    this.sources = sources;
    this.values = values;
    this.queries = queries;
    this.context = context;
    this.vars = vars;
  }

  /** Remembers a failure to rethrow after rendering, so it is not flattened into Jinjava's error text. */
  String fail(FloeException failure) {
    failures.add(failure);
    throw failure;
  }

  /** True when the SQL is rendered to run ({@code execute}), false while the project is parsed. */
  boolean executing() {
    return queries != ModelRenderer.Queries.NONE;
  }

  /** The file being rendered now: the innermost macro's, else the macro file loading, else the model's. */
  String file() {
    if (!frames.isEmpty()) {
      return frames.peek().file;
    }
    return loadingFile != null ? loadingFile : where;
  }

  /** {@code file:line} of what is being rendered now, for messages. */
  String location() {
    JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
    int line = interpreter == null ? 0 : interpreter.getLineNumber();
    return line > 0 ? file() + ":" + line : file();
  }

  /** True when the innermost macro called {@code return()}: dbt runs nothing of it after that. */
  boolean returned() {
    return !frames.isEmpty() && frames.peek().returned;
  }

  static RenderState current() {
    JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
    Object state = interpreter == null ? null : interpreter.getContext().get(CONTEXT_KEY);
    if (!(state instanceof RenderState renderState)) {
      throw new IllegalStateException("Jinja function called outside a Floe render");
    }
    return renderState;
  }
}
