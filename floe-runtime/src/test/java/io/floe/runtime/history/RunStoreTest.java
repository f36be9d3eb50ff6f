package io.floe.runtime.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.runtime.history.RunStore.RunStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
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

  /** A history written before nodes had their Spark work gains the columns; its old nodes read as none. */
  @Test
  void anOlderHistoryGainsTheWorkColumnsAndANodesWorkIsSetAfterIt() throws Exception {
    try (Connection old = DriverManager.getConnection("jdbc:sqlite:" + stateDir.resolve(RunStore.FILE_NAME));
        Statement statement = old.createStatement()) {
      statement.execute("CREATE TABLE nodes (run_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, "
          + "name TEXT NOT NULL, target TEXT NOT NULL, status TEXT NOT NULL, rows INTEGER NOT NULL, bytes INTEGER "
          + "NOT NULL, millis INTEGER NOT NULL, snapshot_id TEXT NOT NULL, position TEXT NOT NULL, detail TEXT NOT "
          + "NULL, PRIMARY KEY (run_id, seq))");
      statement.execute("INSERT INTO nodes VALUES ('r1', 1, 'model', 'old', 'gold.old', 'success', 1, 0, 5, '', '', '')");
    }
    RunStore.Work work = new RunStore.Work(3, 1200, 2500, 40, 1_000_000, 4096, 0, 500, 8192);
    try (RunStore store = RunStore.open(stateDir)) {
      store.node("r2", new RunStore.Node("model", "m", "gold.m", "success", 500, 0, 900, "7", "", ""));
      store.node("r2", new RunStore.Node("test", "not_null(m.id)", "m", "pass", 0, 0, 0, "", "", ""));
      store.work("r2", "model", "m", work);
    }
    try (RunStore store = RunStore.open(stateDir)) {
      assertThat(store.nodes("r1")).extracting(RunStore.Node::work).containsExactly(RunStore.Work.NONE);
      assertThat(store.nodes("r2")).extracting(RunStore.Node::name, RunStore.Node::work).containsExactly(
          org.assertj.core.groups.Tuple.tuple("m", work),
          org.assertj.core.groups.Tuple.tuple("not_null(m.id)", RunStore.Work.NONE));
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
