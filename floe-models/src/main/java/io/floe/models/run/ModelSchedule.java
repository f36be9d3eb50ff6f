package io.floe.models.run;

import io.floe.core.graph.Graph;
import io.floe.core.graph.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When each model of a run may start: once every model of the run it reads has finished. Sources
 * and tests in the selection are not run here, so they hold nothing back. Not thread-safe: the
 * run's coordinating thread alone asks it.
 */
final class ModelSchedule {
  // Model name -> its place in graph order (level by level, by name within a level).
  private final Map<String, Integer> ranks = new LinkedHashMap<>();
  private final Map<String, Integer> waitingFor = new HashMap<>();
  private final Map<String, List<String>> readers = new HashMap<>();

  ModelSchedule(Graph graph, List<List<Node>> levels) {
    for (List<Node> level : levels) {
      for (Node node : level) {
        if (node.kind() == Node.Kind.MODEL) {
          ranks.put(node.name(), ranks.size());
        }
      }
    }
    for (String model : ranks.keySet()) {
      int parents = 0;
      for (String parent : graph.node(model).dependsOn()) {
        if (ranks.containsKey(parent)) {
          parents++;
          readers.computeIfAbsent(parent, name -> new ArrayList<>()).add(model);
        }
      }
      waitingFor.put(model, parents);
    }
  }

  /** The models that read no other model of the run, in graph order. */
  List<String> ready() {
    return ranks.keySet().stream().filter(model -> waitingFor.get(model) == 0).toList();
  }

  /** The models {@code model}'s finish lets start, in graph order. */
  List<String> finished(String model) {
    List<String> ready = new ArrayList<>();
    for (String reader : readers.getOrDefault(model, List.of())) {
      if (waitingFor.merge(reader, -1, Integer::sum) == 0) {
        ready.add(reader);
      }
    }
    ready.sort(java.util.Comparator.comparingInt(ranks::get));
    return ready;
  }

  /** The model's place in graph order. */
  int rank(String model) {
    return ranks.getOrDefault(model, Integer.MAX_VALUE);
  }
}
