package io.floe.core.graph;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A dbt-style node selection: {@code name}, {@code name+} (and everything downstream),
 * {@code +name} (and everything upstream), {@code +name+}, {@code tag:x}, {@code path:dir}. Several
 * selectors are a union; none selects every node.
 */
public record Selector(String method, String value, boolean upstream, boolean downstream) {
  public Selector {
    requireNonNull(method, "method is null");
    requireNonNull(value, "value is null");
  }

  /**
   * Parses one selector.
   *
   * @throws FloeException (user) for an empty selector or an unknown method
   */
  public static Selector parse(String text) {
    String rest = requireNonNull(text, "text is null").strip();
    boolean upstream = rest.startsWith("+");
    boolean downstream = rest.endsWith("+") && rest.length() > 1;
    rest = rest.substring(upstream ? 1 : 0, rest.length() - (downstream ? 1 : 0));
    String method = "name";
    int colon = rest.indexOf(':');
    if (colon >= 0) {
      method = rest.substring(0, colon);
      rest = rest.substring(colon + 1);
      if (!method.equals("tag") && !method.equals("path")) {
        throw FloeException.user(
            "Cannot parse selector '%s': unknown method '%s'. Use a name, tag:NAME or path:DIR.",
            text, method);
      }
    }
    if (rest.isEmpty()) {
      throw FloeException.user(
          "Cannot parse selector '%s': expected a name, +name, name+, tag:NAME or path:DIR.", text);
    }
    return new Selector(method, rest, upstream, downstream);
  }

  /** The names of the nodes {@code selectors} pick in {@code graph}; all nodes when empty. */
  public static Set<String> select(Graph graph, List<String> selectors) {
    Set<String> selected = new LinkedHashSet<>();
    if (selectors.isEmpty()) {
      graph.nodes().forEach(node -> selected.add(node.name()));
      return selected;
    }
    for (String text : selectors) {
      selected.addAll(parse(text).apply(graph));
    }
    return selected;
  }

  /**
   * The nodes this selector picks.
   *
   * @throws FloeException (user) when a name, tag or path matches no node
   */
  public Set<String> apply(Graph graph) {
    Set<String> matched = new LinkedHashSet<>();
    for (Node node : graph.nodes()) {
      if (matches(node)) {
        matched.add(node.name());
      }
    }
    if (matched.isEmpty()) {
      if (method.equals("name")) {
        graph.node(value); // throws with a did-you-mean
      }
      throw FloeException.user("Cannot select %s:%s: no node matches.", method, value);
    }
    Set<String> result = new LinkedHashSet<>(matched);
    for (String name : matched) {
      if (upstream) {
        result.addAll(graph.ancestors(name));
      }
      if (downstream) {
        result.addAll(graph.descendants(name));
      }
    }
    return result;
  }

  private boolean matches(Node node) {
    return switch (method) {
      case "tag" -> node.tags().contains(value);
      case "path" -> {
        String dir = value.endsWith("/") ? value : value + "/";
        yield node.path().equals(value) || node.path().startsWith(dir);
      }
      default -> node.name().equals(value);
    };
  }
}
