package io.floe.models.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.graph.Graph;
import io.floe.core.graph.Node;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A model starts once the models of the run it reads have finished, not once its whole level has. */
class ModelScheduleTest {
  @Test
  void aModelStartsWhenItsOwnInputsHaveFinished() {
    // stage -> hub -> bridge; stage -> sat -> pit (pit reads hub too); a test and a source hold nothing back.
    Graph graph = Graph.of(List.of(model("stage", "raw"), source("raw"), model("hub", "stage"),
        model("sat", "stage"), model("bridge", "hub"), model("pit", "hub", "sat"), test("pit_test", "pit"),
        model("other")));
    ModelSchedule schedule = new ModelSchedule(graph,
        graph.levels(Set.of("raw", "stage", "hub", "sat", "bridge", "pit", "pit_test", "other")));

    assertThat(schedule.ready()).containsExactly("other", "stage");
    assertThat(schedule.finished("other")).isEmpty();
    assertThat(schedule.finished("stage")).containsExactly("hub", "sat");
    // The bridge waits for the hub alone; the pit for the satellite too, however long the hub takes.
    assertThat(schedule.finished("hub")).containsExactly("bridge");
    assertThat(schedule.finished("sat")).containsExactly("pit");
    assertThat(schedule.finished("bridge")).isEmpty();
    assertThat(List.of("pit", "stage", "bridge", "hub").stream().sorted(
        java.util.Comparator.comparingInt(schedule::rank)).toList()).containsExactly("stage", "hub", "bridge", "pit");
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
