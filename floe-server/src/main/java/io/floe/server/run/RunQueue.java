package io.floe.server.run;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.ingest.ProjectSources;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.models.project.ModelProject;
import io.floe.models.run.RunReport;
import io.floe.models.run.TestResult;
import io.floe.runtime.FloeRuntime;
import io.floe.runtime.ProjectRun;
import io.floe.server.run.RunRequest.Kind;
import io.floe.spark.FloeEngine;
import io.floe.core.graph.Selector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the server's runs one after another on the warm engine, each a {@link ProjectRun} (the
 * project's lock, run history, recovery) like the CLI's. The project is read from disk again for
 * every run, so edited models and sources take effect without a restart.
 */
public final class RunQueue implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunQueue.class);
  /** How long a queued run waits for a CLI run that holds the project. */
  private static final Duration LOCK_WAIT = Duration.ofMinutes(10);

  /** A run asked for: it starts (gets its id) when the runs before it have ended. */
  public record Submission(RunRequest request, CompletableFuture<String> started,
      CompletableFuture<Outcome> finished) {}

  /**
   * How a run ended.
   *
   * @param runId empty when it never started
   * @param cancelled it was cancelled (by the API, its timeout, or the server stopping)
   */
  public record Outcome(String runId, boolean succeeded, boolean cancelled, String message) {
    Outcome(String runId, boolean succeeded, String message) {
      this(runId, succeeded, false, message);
    }
  }

  private final Path projectDir;
  private final FloeEngine engine;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "floe-serve-run");
    thread.setDaemon(true);
    return thread;
  });
  private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "floe-serve-timeout");
    thread.setDaemon(true);
    return thread;
  });
  private final AtomicReference<ProjectRun> current = new AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean closing;

  public RunQueue(Path projectDir, FloeEngine engine) {
    this.projectDir = requireNonNull(projectDir, "projectDir is null");
    this.engine = requireNonNull(engine, "engine is null");
  }

  /**
   * Queues a run. A selection or source that does not exist fails now, before anything is queued.
   *
   * @throws FloeException (user) for an unknown model selector or source; (conflict) when the server is stopping
   */
  public Submission submit(RunRequest request) {
    if (closing) {
      throw FloeException.conflict("The server is stopping: no new run starts.");
    }
    Plan plan = plan(request);
    Submission submission = new Submission(request, new CompletableFuture<>(), new CompletableFuture<>());
    queued.incrementAndGet();
    worker.execute(() -> {
      queued.decrementAndGet();
      execute(plan, submission);
    });
    return submission;
  }

  /** Whether runs are still taken (false once the server is stopping). */
  public boolean accepting() {
    return !closing;
  }

  /**
   * Checks a request against the project as it is now, as {@link #submit} does, without queueing it.
   *
   * @throws FloeException (user) for an unknown model selector or source
   */
  public void check(RunRequest request) {
    plan(request);
  }

  /** Runs waiting for the one running. */
  public int queued() {
    return queued.get();
  }

  /** The id of the run running now, if any. */
  public Optional<String> running() {
    return Optional.ofNullable(current.get()).map(ProjectRun::id);
  }

  /**
   * Cancels run {@code runId} if it is the one running.
   *
   * @return false when it is not running here (finished, or never started by this server)
   */
  public boolean cancel(String runId) {
    ProjectRun run = current.get();
    if (run == null || !run.id().equals(runId)) {
      return false;
    }
    LOG.info("Cancelling run {}", runId);
    run.cancel();
    return true;
  }

  // What a request resolves to in the project as it is on disk now.
  private record Plan(RunRequest request, Project project, ModelProject models, ProjectSources sources,
      Set<String> selected, List<SourceDefinition> toIngest) {}

  private Plan plan(RunRequest request) {
    Project project = Project.load(projectDir);
    boolean needsModels = request.kind() != Kind.INGEST && !(request.schedule().isPresent() && request.select().isEmpty());
    ModelProject models = needsModels ? ModelProject.load(project.withVars(request.vars())) : null;
    Set<String> selected = models == null ? Set.of() : Selector.select(models.graph(), request.select());
    boolean loads = request.kind() == Kind.INGEST || (request.kind() == Kind.BUILD && request.ingest())
        || (request.schedule().isPresent() && !request.sources().isEmpty());
    ProjectSources sources = loads ? ProjectSources.load(project) : null;
    List<SourceDefinition> toIngest;
    if (!loads) {
      toIngest = List.of();
    } else if (request.kind() == Kind.INGEST || request.schedule().isPresent()) {
      toIngest = sources.select(request.sources());
    } else {
      toIngest = FloeRuntime.sourcesOf(sources, request.select(), selected);
    }
    return new Plan(request, project, models, sources, selected, toIngest);
  }

  private void execute(Plan plan, Submission submission) {
    RunRequest request = plan.request();
    if (closing) {
      submission.started().completeExceptionally(FloeException.conflict("The server stopped before the run started."));
      submission.finished().complete(new Outcome("", false, true, "not started: the server stopped"));
      return;
    }
    ProjectRun run;
    try {
      run = ProjectRun.start(plan.project(), request.command(), LOCK_WAIT);
    } catch (RuntimeException e) {
      LOG.warn("Run '{}' could not start: {}", request.command(), e.getMessage());
      submission.started().completeExceptionally(e);
      submission.finished().complete(new Outcome("", false, String.valueOf(e.getMessage())));
      return;
    }
    ScheduledFuture<?> timeout = request.timeout().map(limit -> timeouts.schedule(() -> {
      LOG.warn("Run {} is still going after {}: cancelling it", run.id(), limit);
      run.log("timed out after " + limit + ": cancelled");
      run.cancel();
    }, limit.toMillis(), TimeUnit.MILLISECONDS)).orElse(null);
    current.set(run);
    submission.started().complete(run.id());
    Outcome outcome;
    try (run) {
      // Recorded before the run is closed: close() would record only "stopped by an error".
      try {
        run.recover(engine);
        outcome = work(plan, run);
      } catch (RuntimeException e) {
        LOG.warn("Run {} failed: {}", run.id(), e.getMessage(), e);
        outcome = new Outcome(run.id(), false, String.valueOf(e.getMessage()));
      }
      if (run.isCancelled()) {
        outcome = new Outcome(outcome.runId(), false, true, outcome.message());
      }
      run.finish(outcome.succeeded(), outcome.message());
    } catch (RuntimeException e) {
      LOG.error("Run {} could not record its end: {}", run.id(), e.getMessage(), e);
      outcome = new Outcome(run.id(), false, String.valueOf(e.getMessage()));
    } finally {
      current.set(null);
      if (timeout != null) {
        timeout.cancel(false);
      }
    }
    submission.finished().complete(outcome);
  }

  private Outcome work(Plan plan, ProjectRun run) {
    RunRequest request = plan.request();
    FloeRuntime runtime = new FloeRuntime(engine, run);
    FloeRuntime.Listener quiet = new FloeRuntime.Listener() { };
    RunReport report;
    String maintained = "";
    switch (request.kind()) {
      case INGEST -> {
        runtime.ingest(plan.sources(), plan.toIngest(), quiet);
        return new Outcome(run.id(), true, plan.toIngest().size() + " sources loaded");
      }
      case TEST -> {
        List<TestResult> tests = runtime.test(plan.models(), plan.selected(), false);
        long failed = tests.stream().filter(TestResult::blocks).count();
        return new Outcome(run.id(), failed == 0, tests.size() + " tests, " + failed + " failed");
      }
      case RUN -> report = runtime.models(plan.models(), plan.selected(), false, false, request.fullRefresh());
      default -> {
        if (request.schedule().isPresent()) {
          if (!plan.toIngest().isEmpty()) {
            runtime.ingest(plan.sources(), plan.toIngest(), quiet);
          }
          if (plan.models() == null) {
            return new Outcome(run.id(), true, plan.toIngest().size() + " sources loaded" + maintain(plan, runtime));
          }
          report = runtime.models(plan.models(), plan.selected(), true, false, request.fullRefresh());
          if (report.succeeded()) {
            maintained = maintain(plan, runtime);
          }
        } else {
          report = runtime.build(plan.models(), plan.sources(), plan.toIngest(), plan.selected(), false,
              request.fullRefresh(), quiet);
        }
      }
    }
    long failedTests = report.tests().stream().filter(TestResult::blocks).count();
    String message = report.nothingChanged() ? "nothing changed"
        : report.models().size() + " models, " + report.tests().size() + " tests (" + failedTests + " failed); "
            + (report.published() ? "published to main" : "nothing published")
            // The first model that failed says why, so a run's one line is enough to act on.
            + report.models().stream().filter(model -> model.status() == io.floe.models.run.ModelResult.Status.ERROR)
                .findFirst().map(model -> "; " + model.model() + ": " + model.message()).orElse("");
    return new Outcome(run.id(), report.succeeded(), message + maintained);
  }

  // A schedule with maintain: true maintains every table of the project after its work, in the same run.
  private static String maintain(Plan plan, FloeRuntime runtime) {
    boolean scheduled = plan.request().schedule().flatMap(name -> io.floe.core.schedule.Schedules.load(
        plan.project().configFile()).stream().filter(s -> s.name().equals(name)).findFirst())
        .map(io.floe.core.schedule.Schedules.Schedule::maintain).orElse(false);
    if (!scheduled) {
      return "";
    }
    int tables = runtime.maintain(runtime.projectTables(), new FloeRuntime.Listener() { }).size();
    return "; " + tables + (tables == 1 ? " table" : " tables") + " maintained";
  }

  /**
   * Stops taking runs; waits up to {@code grace} for the running one to finish, then cancels it
   * and waits (briefly) for it to record itself as cancelled. A run that fails meanwhile (the JVM
   * may be shutting down under it) is recorded as cancelled too.
   */
  public void shutdown(Duration grace) {
    closing = true;
    ProjectRun stopped = current.get();
    if (stopped != null) {
      stopped.stopping();
    }
    worker.shutdown();
    try {
      if (!worker.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        running().ifPresent(this::cancel);
        if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
          LOG.warn("The running run did not stop within 30 s of its cancel");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running().ifPresent(this::cancel);
    }
    timeouts.shutdownNow();
  }

  @Override
  public void close() {
    shutdown(Duration.ZERO);
  }
}
