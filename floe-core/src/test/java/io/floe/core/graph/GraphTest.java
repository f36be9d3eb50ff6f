package io.floe.core.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.FloeException;
import io.floe.core.graph.Node.Kind;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GraphTest {
  // raw.events -> stg_events -> (fct_sessions, fct_daily) ; fct_daily also reads dim_dates
  private static final List<Node> SHOP =
      List.of(
          node("raw.events", Kind.SOURCE, "", Set.of()),
          node("stg_events", Kind.MODEL, "models/staging/stg_events.sql", Set.of("staging"),
              "raw.events"),
          node("dim_dates", Kind.MODEL, "models/marts/dim_dates.sql", Set.of("daily")),
          node("fct_sessions", Kind.MODEL, "models/marts/fct_sessions.sql", Set.of(), "stg_events"),
          node("fct_daily", Kind.MODEL, "models/marts/fct_daily.sql", Set.of("daily"),
              "stg_events", "dim_dates"));

  @Test
  void levelsGroupWhatCanRunInParallel() {
    Graph graph = Graph.of(SHOP);
    List<List<String>> levels =
        graph.levels(Selector.select(graph, List.of())).stream()
            .map(level -> level.stream().map(Node::name).toList())
            .toList();
    assertThat(levels)
        .containsExactly(
            List.of("dim_dates", "raw.events"),
            List.of("stg_events"),
            List.of("fct_daily", "fct_sessions"));
  }

  @Test
  void selectorsFollowDbtSyntax() {
    Graph graph = Graph.of(SHOP);
    assertThat(Selector.select(graph, List.of("stg_events"))).containsExactly("stg_events");
    assertThat(Selector.select(graph, List.of("stg_events+")))
        .containsExactlyInAnyOrder("stg_events", "fct_sessions", "fct_daily");
    assertThat(Selector.select(graph, List.of("+fct_daily")))
        .containsExactlyInAnyOrder("fct_daily", "stg_events", "raw.events", "dim_dates");
    assertThat(Selector.select(graph, List.of("tag:daily")))
        .containsExactlyInAnyOrder("dim_dates", "fct_daily");
    assertThat(Selector.select(graph, List.of("path:models/marts")))
        .containsExactlyInAnyOrder("dim_dates", "fct_sessions", "fct_daily");
    assertThat(Selector.select(graph, List.of("dim_dates", "fct_sessions")))
        .containsExactlyInAnyOrder("dim_dates", "fct_sessions");
  }

  @Test
  void levelsOfASelectionIgnoreUnselectedParents() {
    Graph graph = Graph.of(SHOP);
    assertThat(graph.levels(Set.of("fct_daily", "fct_sessions"))).hasSize(1);
  }

  @Test
  void aCycleIsNamedInFull() {
    List<Node> cyclic =
        List.of(
            node("a", Kind.MODEL, "models/a.sql", Set.of(), "c"),
            node("b", Kind.MODEL, "models/b.sql", Set.of(), "a"),
            node("c", Kind.MODEL, "models/c.sql", Set.of(), "b"));
    assertThatThrownBy(() -> Graph.of(cyclic))
        .isInstanceOf(FloeException.class)
        .hasMessage("Cannot build the graph: there is a cycle a -> c -> b -> a."
            + " Remove one of these ref()s.");
  }

  @Test
  void unknownDependencyAndSelectorSuggestAName() {
    assertThatThrownBy(
            () -> Graph.of(List.of(node("stg", Kind.MODEL, "models/stg.sql", Set.of(), "stg_evnts"),
                node("stg_events", Kind.MODEL, "", Set.of()))))
        .hasMessage("Cannot build the graph: model 'stg' (models/stg.sql) depends on 'stg_evnts',"
            + " which is not a model or source. Did you mean 'stg_events'?");
    Graph graph = Graph.of(SHOP);
    assertThatThrownBy(() -> Selector.select(graph, List.of("fct_sesions+")))
        .hasMessage("Cannot find node 'fct_sesions'. Did you mean 'fct_sessions'?");
    assertThatThrownBy(() -> Selector.select(graph, List.of("tag:nope")))
        .hasMessage("Cannot select tag:nope: no node matches.");
    assertThatThrownBy(() -> Selector.parse("owner:me"))
        .hasMessageContaining("unknown method 'owner'");
  }

  @Test
  void duplicateNamesAreRejected() {
    assertThatThrownBy(
            () -> Graph.of(List.of(node("a", Kind.MODEL, "models/a.sql", Set.of()),
                node("a", Kind.MODEL, "models/x/a.sql", Set.of()))))
        .hasMessageContaining("two nodes are named 'a'");
  }

  private static Node node(String name, Kind kind, String path, Set<String> tags, String... deps) {
    return new Node(name, kind, path, tags, List.of(deps));
  }
}
