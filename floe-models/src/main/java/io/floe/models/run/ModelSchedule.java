package io.floe.models.run;

import io.floe.core.graph.Graph;
import io.floe.core.graph.Node;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Which model of a run starts next: one whose inputs among the run's models have all finished, the
 * first in graph order. Sources and tests in the selection are not run here, so they hold nothing
 * back. Not thread-safe: the run's coordinating thread alone asks it.
 *
 * <p>Tried and left: the model with the longest chain of models after it first. It started the
 * meter vault's 1,000,000-row satellite last (a model with none after it), and its first load took
 * 30 s instead of 16 s; how long a model takes is not known before it runs.
 */
final class ModelSchedule {
  // Model name -> its place in graph order (level by level, by name within a level).
  private final Map<String, Integer> ranks = new LinkedHashMap<>();
  private final Map<String, Integer> waitingFor = new HashMap<>();
  private final Map<String, List<String>> readers = new HashMap<>();
  private final PriorityQueue<String> ready;

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
    ready = new PriorityQueue<>(Comparator.comparingInt(ranks::get));
    ranks.keySet().stream().filter(model -> waitingFor.get(model) == 0).forEach(ready::add);
  }

  /** The model to start now, or null when none may start until another finishes. */
  String next() {
    return ready.poll();
  }

  /** Notes that {@code model} finished: the models waiting only for it may start. */
  void finished(String model) {
    for (String reader : readers.getOrDefault(model, List.of())) {
      if (waitingFor.merge(reader, -1, Integer::sum) == 0) {
        ready.add(reader);
      }
    }
  }

  /** The model's place in graph order. */
  int rank(String model) {
    return ranks.getOrDefault(model, Integer.MAX_VALUE);
  }
}
