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
}
