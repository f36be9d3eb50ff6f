package io.floe.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cancelled run's Spark jobs stop, the one running at the cancel and the ones it starts after it. */
class RunCancellationTest {
  @TempDir Path workspace;

  @Test
  void aJobARunStartsAfterItsCancelIsCancelledAndOtherRunsJobsAreNot() throws Exception {
    Files.writeString(workspace.resolve("floe.yaml"), "name: cancel\nengine:\n  shuffle-partitions: 2\n");
    try (FloeEngine engine = FloeEngine.open(Project.load(workspace))) {
      SparkContext spark = engine.session().sparkContext();
      // Cancelled while its model was still being planned: no job of it was running yet.
      RunCancellation.cancel(spark, "floe-run-cancelled");

      CompletableFuture<Object> late = new CompletableFuture<>();
      Thread run = new Thread(() -> {
        spark.addJobTag("floe-run-cancelled");
        try {
          // Minutes of work unless the job is cancelled as it starts.
          late.complete(engine.session().sql("SELECT count(*) FROM range(0, 100000000000)").collectAsList());
        } catch (Exception e) { // SparkException, which Scala throws unchecked
          late.complete(e);
        }
      });
      run.start();

      assertThat(late.get(120, TimeUnit.SECONDS)).isInstanceOfSatisfying(Exception.class,
          e -> assertThat(e).hasMessageContaining("SPARK_JOB_CANCELLED").hasMessageContaining("its run was cancelled"));
      spark.addJobTag("floe-run-other");
      try {
        assertThat(engine.session().sql("SELECT count(*) FROM range(0, 1000)").first().getLong(0)).isEqualTo(1000L);
      } finally {
        spark.removeJobTag("floe-run-other");
      }
    }
  }
}
