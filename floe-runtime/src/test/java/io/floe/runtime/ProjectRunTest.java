package io.floe.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.runtime.history.RunStore;
import io.floe.runtime.history.RunStore.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a run's end is recorded when a cancel came: what the record says must match what happened to the data. */
class ProjectRunTest {
  @TempDir Path dir;

  @Test
  void aCancelThatFindsTheWorkCommittedLeavesASuccessThatSaysItWasAskedToStop() throws IOException {
    RunStore.Run recorded = ended(project(), "ingest --follow", run -> {
      run.cancel();
      run.finish(true, "");
    });
    assertThat(recorded.status()).isEqualTo(RunStatus.SUCCESS);
    assertThat(recorded.message()).isEqualTo(ProjectRun.STOPPED_AFTER_WORK);
  }

  @Test
  void aCancelThatStoppedTheWorkIsACancel() throws IOException {
    RunStore.Run recorded = ended(project(), "build", run -> {
      run.cancel();
      run.finish(false, "Run r was cancelled: what it had not published was discarded");
    });
    assertThat(recorded.status()).isEqualTo(RunStatus.CANCELLED);
  }

  @Test
  void aRunClosedWithoutAnEndAfterACancelIsACancel() throws IOException {
    RunStore.Run recorded = ended(project(), "build", ProjectRun::cancel);
    assertThat(recorded.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(recorded.message()).isEqualTo("cancelled");
  }

  @Test
  void aFailureWhileTheProcessStopsIsACancelAndASuccessStaysOne() throws IOException {
    Project project = project();
    assertThat(ended(project, "build", run -> {
      run.stopping();
      run.finish(false, "the executor was shut down");
    }).status()).isEqualTo(RunStatus.CANCELLED);
    RunStore.Run succeeded = ended(project, "build", run -> {
      run.stopping();
      run.finish(true, "");
    });
    assertThat(succeeded.status()).isEqualTo(RunStatus.SUCCESS);
    assertThat(succeeded.message()).isEmpty();
  }

  // Runs body on a new run of project, closes it, and returns how the run was recorded.
  private static RunStore.Run ended(Project project, String command, Consumer<ProjectRun> body) {
    try (ProjectRun run = ProjectRun.start(project, command, Duration.ZERO)) {
      body.accept(run);
    }
    try (RunStore store = RunStore.open(project.stateDir())) {
      List<RunStore.Run> runs = store.runs(1);
      return runs.get(runs.size() - 1);
    }
  }

  private Project project() throws IOException {
    Files.writeString(dir.resolve("floe.yaml"), "name: runs\n");
    return Project.load(dir);
  }
}
