package io.floe.models.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.graph.Graph;
import io.floe.core.graph.Node;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A model starts once the models of the run it reads have finished, not once its whole level has. */
class ModelScheduleTest {
  @Test
  void aModelStartsWhenItsOwnInputsHaveFinished() {
    // stage -> hub -> bridge; stage -> sat -> pit (pit reads hub too); a test and a source hold nothing back.
    Graph graph = Graph.of(List.of(model("stage", "raw"), source("raw"), model("hub", "stage"),
        model("sat", "stage"), model("another_sat", "stage"), model("bridge", "hub"), model("pit", "hub", "sat"),
        test("pit_test", "pit"), model("other")));
    ModelSchedule schedule = new ModelSchedule(graph, graph.levels(Set.of("raw", "stage", "hub", "sat",
        "another_sat", "bridge", "pit", "pit_test", "other")));

    assertThat(drain(schedule)).containsExactly("other", "stage");
    schedule.finished("other");
    assertThat(schedule.next()).isNull();
    schedule.finished("stage");
    assertThat(drain(schedule)).containsExactly("another_sat", "hub", "sat");
    // The bridge waits for the hub alone; the pit for the satellite too, however long the hub takes.
    schedule.finished("hub");
    assertThat(drain(schedule)).containsExactly("bridge");
    schedule.finished("sat");
    assertThat(drain(schedule)).containsExactly("pit");
    assertThat(List.of("pit", "stage", "bridge", "hub").stream().sorted(Comparator.comparingInt(schedule::rank))
        .toList()).containsExactly("stage", "hub", "bridge", "pit");
  }

  private static List<String> drain(ModelSchedule schedule) {
    List<String> models = new ArrayList<>();
    for (String model = schedule.next(); model != null; model = schedule.next()) {
      models.add(model);
    }
    return models;
  }

  private static Node model(String name, String... inputs) {
    return new Node(name, Node.Kind.MODEL, "models/" + name + ".sql", Set.of(), List.of(inputs));
  }

  private static Node source(String name) {
    return new Node(name, Node.Kind.SOURCE, "floe.yaml", Set.of(), List.of());
  }

  private static Node test(String name, String model) {
    return new Node(name, Node.Kind.TEST, "models/schema.yml", Set.of(), List.of(model));
  }
}
