package io.floe.core.graph;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.DidYouMean;
import io.floe.core.error.FloeException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The project's nodes and their dependencies, checked: every dependency exists and there is no
 * cycle. Immutable; {@link #levels} gives the order a run follows, with the nodes that can run in
 * parallel grouped together.
 */
public final class Graph {
  private final Map<String, Node> nodes;
  private final Map<String, Set<String>> children;

  private Graph(Map<String, Node> nodes, Map<String, Set<String>> children) {
    this.nodes = nodes;
    this.children = children;
  }

  /**
   * Builds the graph.
   *
   * @throws FloeException (user) on a duplicate name, a dependency on an unknown node (with a
   *     suggestion when one is close) or a cycle (naming every node on it)
   */
  public static Graph of(Collection<Node> nodes) {
    Map<String, Node> byName = new LinkedHashMap<>();
    for (Node node : requireNonNull(nodes, "nodes is null")) {
      Node previous = byName.put(node.name(), node);
      if (previous != null) {
        throw FloeException.user(
            "Cannot build the graph: two nodes are named '%s' (%s and %s). Rename one.",
            node.name(), describe(previous), describe(node));
      }
    }
    Map<String, Set<String>> children = new HashMap<>();
    byName.keySet().forEach(name -> children.put(name, new LinkedHashSet<>()));
    for (Node node : byName.values()) {
      for (String parent : node.dependsOn()) {
        if (!byName.containsKey(parent)) {
          throw FloeException.user(
              "Cannot build the graph: %s depends on '%s', which is not a model or source.%s",
              describe(node), parent, DidYouMean.hint(parent, byName.keySet()));
        }
        children.get(parent).add(node.name());
      }
    }
    Map<String, Set<String>> frozen = new HashMap<>();
    children.forEach((name, set) -> frozen.put(name, Set.copyOf(set)));
    Graph graph = new Graph(Map.copyOf(byName), Map.copyOf(frozen));
    graph.requireNoCycle(byName);
    return graph;
  }

  public Node node(String name) {
    Node node = nodes.get(name);
    if (node == null) {
      throw FloeException.user(
          "Cannot find node '%s'.%s", name, DidYouMean.hint(name, nodes.keySet()));
    }
    return node;
  }

  public Collection<Node> nodes() {
    return nodes.values();
  }

  /** Every node {@code name} reads from, directly or not. */
  public Set<String> ancestors(String name) {
    return reach(name, n -> node(n).dependsOn());
  }

  /** Every node that reads from {@code name}, directly or not. */
  public Set<String> descendants(String name) {
    return reach(name, children::get);
  }

  /**
   * The selected nodes in run order: each inner list holds nodes whose dependencies inside the
   * selection are all in earlier lists, so its members can run in parallel. Names are sorted
   * within a level so runs are reproducible.
   */
  public List<List<Node>> levels(Set<String> selected) {
    Map<String, Integer> pending = new HashMap<>();
    for (String name : selected) {
      int count = 0;
      for (String parent : node(name).dependsOn()) {
        if (selected.contains(parent)) {
          count++;
        }
      }
      pending.put(name, count);
    }
    List<List<Node>> levels = new ArrayList<>();
    TreeSet<String> ready = new TreeSet<>();
    for (Map.Entry<String, Integer> entry : pending.entrySet()) {
      if (entry.getValue() == 0) {
        ready.add(entry.getKey());
      }
    }
    while (!ready.isEmpty()) {
      List<Node> level = ready.stream().map(nodes::get).toList();
      levels.add(level);
      ready = new TreeSet<>();
      for (Node node : level) {
        for (String child : children.get(node.name())) {
          if (pending.containsKey(child) && pending.merge(child, -1, Integer::sum) == 0) {
            ready.add(child);
          }
        }
      }
    }
    return levels;
  }

  private Set<String> reach(String start, java.util.function.Function<String, Collection<String>> next) {
    node(start);
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(next.apply(start));
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (seen.add(name)) {
        todo.addAll(next.apply(name));
      }
    }
    return seen;
  }

  // Depth-first search with colours; the grey path at a back edge is the cycle to report.
  private void requireNoCycle(Map<String, Node> byName) {
    Map<String, Integer> state = new HashMap<>();
    for (String root : new TreeSet<>(byName.keySet())) {
      Deque<String> path = new ArrayDeque<>();
      visit(root, state, path);
    }
  }

  private void visit(String name, Map<String, Integer> state, Deque<String> path) {
    Integer current = state.get(name);
    if (current != null && current == 2) {
      return;
    }
    if (current != null && current == 1) {
      List<String> cycle = new ArrayList<>();
      boolean inCycle = false;
      for (java.util.Iterator<String> it = path.descendingIterator(); it.hasNext(); ) {
        String step = it.next();
        inCycle |= step.equals(name);
        if (inCycle) {
          cycle.add(step);
        }
      }
      cycle.add(name);
      throw FloeException.user(
          "Cannot build the graph: there is a cycle %s. Remove one of these ref()s.",
          String.join(" -> ", cycle));
    }
    state.put(name, 1);
    path.push(name);
    for (String parent : new TreeSet<>(nodes.get(name).dependsOn())) {
      visit(parent, state, path);
    }
    path.pop();
    state.put(name, 2);
  }

  private static String describe(Node node) {
    String kind = node.kind().name().toLowerCase(java.util.Locale.ROOT);
    return kind + " '" + node.name() + "'" + (node.path().isEmpty() ? "" : " (" + node.path() + ")");
  }
}
