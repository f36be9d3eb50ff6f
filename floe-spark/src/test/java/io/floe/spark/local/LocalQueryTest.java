package io.floe.spark.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.project.Project;
import io.floe.spark.FloeEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A query shared for a check and the write after it: the same SQL is analyzed once, on that thread only. */
class LocalQueryTest {
  @TempDir Path workspace;

  @Test
  void aSharedQueryIsWhatOfGivesForItsSqlOnItsThreadWhileItIsShared() throws IOException {
    Files.writeString(workspace.resolve("floe.yaml"), "name: shared\n");
    try (FloeEngine engine = FloeEngine.open(Project.load(workspace))) {
      LocalQuery shared = LocalQuery.of(engine.session(), "SELECT 1 AS one");
      long columns = shared.rows().schema().size();

      LocalQuery[] seen = new LocalQuery[3];
      LocalQuery.sharedWhile(shared, () -> {
        seen[0] = LocalQuery.of(engine.session(), "SELECT 1 AS one");
        seen[1] = LocalQuery.of(engine.session(), "SELECT 2 AS two");
        seen[2] = CompletableFuture.supplyAsync(() -> LocalQuery.of(engine.session(), "SELECT 1 AS one")).join();
        return null;
      });

      assertThat(seen[0]).isSameAs(shared);
      assertThat(seen[0].rows()).isSameAs(shared.rows()); // analyzed once
      assertThat(columns).isEqualTo(1);
      assertThat(seen[1]).isNotSameAs(shared);
      assertThat(seen[2]).as("another thread").isNotSameAs(shared);
      assertThat(LocalQuery.of(engine.session(), "SELECT 1 AS one")).as("after it").isNotSameAs(shared);
      assertThatThrownBy(() -> LocalQuery.sharedWhile(shared.then("a step", rows -> rows), () -> null))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void movingTheParametersGivesTheSameKeyWithEachTimestampEarlier() {
    String sql = "SELECT * FROM silver.t WHERE ts > TIMESTAMP '2024-01-02 09:00:00.500000'"
        + " AND ntz > TIMESTAMP_NTZ '2024-01-01 00:00:00.000000' AND day > DATE '2024-01-01'";
    String moved = LocalQuery.withParametersMoved(sql);
    assertThat(moved).isEqualTo("SELECT * FROM silver.t WHERE ts > TIMESTAMP '2024-01-02 08:59:59.499999'"
        + " AND ntz > TIMESTAMP_NTZ '2023-12-31 23:59:58.999999' AND day > DATE '2024-01-01'");
    assertThat(LocalQuery.hasParameters(sql)).isTrue();
    assertThat(LocalQuery.hasParameters("SELECT DATE '2024-01-01'")).isFalse();
    assertThat(LocalQuery.withParametersMoved("SELECT 1")).isEqualTo("SELECT 1");
  }

  @Test
  void aCompileOnlyPassEndsWhereTheExecutorCompiledOrWhereSparkWouldWork() {
    assertThat(CompileOnly.active()).isFalse();
    assertThat(CompileOnly.run(() -> {
      assertThat(CompileOnly.active()).isTrue();
      CompileOnly.compiled();
      throw new AssertionError("the pass goes on after the compile");
    })).isTrue();
    assertThat(CompileOnly.run(() -> {
      CompileOnly.beforeSparkWork();
      throw new AssertionError("the pass goes on where Spark would work");
    })).isFalse();
    assertThat(CompileOnly.run(() -> "finished without the executor")).isFalse();
    assertThat(CompileOnly.active()).isFalse();
    // Outside a pass, both are no-ops: a run goes on.
    CompileOnly.compiled();
    CompileOnly.beforeSparkWork();
    assertThatThrownBy(() -> CompileOnly.run(() -> CompileOnly.run(() -> null)))
        .isInstanceOf(IllegalStateException.class);
  }
}
