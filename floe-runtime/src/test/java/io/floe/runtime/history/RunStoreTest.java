package io.floe.runtime.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.runtime.history.RunStore.RunStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {
  @TempDir Path stateDir;

  @Test
  void keepsRunsTheirNodesInOrderAndTheirLog() {
    try (RunStore store = RunStore.open(stateDir)) {
      store.start("20261130_100000_000", "build");
      store.node("20261130_100000_000", new RunStore.Node("batch", "orders", "raw.orders", "success", 10, 2048, 5,
          "123", "[\"a.csv\"]", ""));
      store.node("20261130_100000_000", new RunStore.Node("model", "stg_orders", "silver.stg_orders", "success", 10,
          0, 7, "456", "", ""));
      store.log("20261130_100000_000", "published to main");
      store.finish("20261130_100000_000", RunStatus.SUCCESS, "");
    }

    try (RunStore store = RunStore.open(stateDir)) {
      RunStore.Run run = store.run("20261130_100000_000").orElseThrow();
      assertThat(run.status()).isEqualTo(RunStatus.SUCCESS);
      assertThat(run.command()).isEqualTo("build");
      assertThat(run.finishedAt()).isPresent();
      assertThat(store.nodes(run.id())).extracting(RunStore.Node::kind, RunStore.Node::name, RunStore.Node::snapshotId)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("batch", "orders", "123"),
              org.assertj.core.groups.Tuple.tuple("model", "stg_orders", "456"));
      assertThat(store.log(run.id())).containsExactly("published to main");
      assertThat(store.run("nope")).isEmpty();
    }
  }

  @Test
  void runsLeftRunningAreMarkedInterruptedOnce() {
    try (RunStore store = RunStore.open(stateDir)) {
      store.start("20261130_100000_000", "ingest");
      store.start("20261130_110000_000", "build");
      store.finish("20261130_110000_000", RunStatus.FAILED, "a test failed");

      assertThat(store.markInterrupted()).containsExactly("20261130_100000_000");
      assertThat(store.markInterrupted()).isEmpty();
      assertThat(store.runs(10)).extracting(RunStore.Run::status)
          .containsExactly(RunStatus.INTERRUPTED, RunStatus.FAILED);
      assertThat(store.runs(1)).extracting(RunStore.Run::id).containsExactly("20261130_110000_000");
    }
  }
}
