package io.floe.runtime;

import static java.util.Objects.requireNonNull;

import io.floe.core.project.Project;
import io.floe.runtime.history.RunStore;
import io.floe.runtime.history.RunStore.RunStatus;
import io.floe.runtime.lock.ProjectLock;
import io.floe.spark.FloeEngine;
import io.floe.spark.table.RunLeftovers;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a project that writes to it ({@code floe build}, {@code run}, {@code test},
 * {@code ingest}): it holds the project's writer lock for its whole life, records itself and each
 * of its nodes in the run history as they happen, and, when it finds runs that a kill interrupted,
 * first removes what they left in the catalog ({@link Leftovers}).
 */
public final class ProjectRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProjectRun.class);

  private final String id;
  private final ProjectLock lock;
  private final RunStore store;
  private final List<String> interrupted;
  private final boolean firstRecordedRun;
  private final boolean afterUncleanRun;
  private boolean finished;
  private volatile boolean cancelled;
  private volatile boolean stopping;
  private final List<Runnable> onCancel = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final JvmWork jvmAtStart = JvmWork.now();

  private ProjectRun(String id, ProjectLock lock, RunStore store, List<String> interrupted, boolean firstRecordedRun,
      boolean afterUncleanRun) {
    this.id = id;
    this.lock = lock;
    this.store = store;
    this.interrupted = List.copyOf(interrupted);
    this.firstRecordedRun = firstRecordedRun;
    this.afterUncleanRun = afterUncleanRun;
  }

  /**
   * Takes the project's lock (waiting up to {@code wait}) and records the run as started.
   *
   * @param command what the user ran, e.g. {@code build -s orders+}
   * @throws io.floe.core.error.FloeException a conflict when another run holds the project
   */
  public static ProjectRun start(Project project, String command, Duration wait) {
    requireNonNull(command, "command is null");
    String id = RunLeftovers.RUN_ID.format(Instant.now());
    ProjectLock lock = ProjectLock.acquire(project.stateDir(), "floe " + command + " (run " + id + ")", wait);
    try {
      boolean first = !Files.exists(project.stateDir().resolve(RunStore.FILE_NAME));
      RunStore store = RunStore.open(project.stateDir());
      try {
        List<String> interrupted = store.markInterrupted();
        if (!interrupted.isEmpty()) {
          LOG.info("Runs {} were interrupted (their process stopped); this run cleans up after them", interrupted);
        }
        // A run that failed or was cancelled cleans up after itself, unless the JVM was stopping.
        boolean unclean = store.runs(1, null, null).stream().anyMatch(run -> run.status() != RunStatus.SUCCESS);
        store.start(id, command);
        return new ProjectRun(id, lock, store, interrupted, first, unclean);
      } catch (RuntimeException e) {
        store.close();
        throw e;
      }
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /**
   * What a long-lived process ({@code floe serve}) does when it starts: marks the runs a kill left
   * {@code running} as interrupted and removes what they left in the catalog, without recording a
   * run of its own. When another process holds the project, nothing was interrupted: it returns at once.
   *
   * @return the ids of the runs found interrupted
   */
  public static List<String> recoverInterrupted(Project project, FloeEngine engine) {
    ProjectLock lock;
    try {
      lock = ProjectLock.acquire(project.stateDir(), "floe serve (recovering interrupted runs)", Duration.ZERO);
    } catch (io.floe.core.error.FloeException e) {
      if (e.category() != io.floe.core.error.ErrorCategory.CONFLICT) {
        throw e;
      }
      LOG.info("Another process is writing to the project; runs it holds are not interrupted: {}", e.getMessage());
      return List.of();
    }
    try (lock; RunStore store = RunStore.open(project.stateDir())) {
      List<String> interrupted = store.markInterrupted();
      if (!interrupted.isEmpty()) {
        LOG.info("Runs {} were interrupted (their process stopped); cleaned {}", interrupted,
            removeLeftovers(engine, store));
      }
      return interrupted;
    }
  }

  /** The run's id, e.g. {@code 20261130_101500_123}; model branches are {@code floe_run_<id>}. */
  public String id() {
    return id;
  }

  /** Runs found interrupted when this one started. */
  public List<String> interrupted() {
    return interrupted;
  }

  /**
   * Removes what interrupted runs left (run and batch branches, tables only they created), when
   * there were any, when the last run did not succeed, or when this is the project's first
   * recorded run (history began after them).
   *
   * @return tables cleaned
   */
  public List<String> recover(FloeEngine engine) {
    if (interrupted.isEmpty() && !firstRecordedRun && !afterUncleanRun) {
      return List.of();
    }
    List<String> cleaned = removeLeftovers(engine, store);
    if (!cleaned.isEmpty()) {
      log("recovered from interrupted runs: cleaned " + String.join(", ", cleaned));
    }
    return cleaned;
  }

  // What killed or stopped runs left: their branches and never-published tables, and staging files.
  private static List<String> removeLeftovers(FloeEngine engine, RunStore store) {
    List<String> cleaned = new java.util.ArrayList<>(Leftovers.remove(engine, run -> store.run(run).isPresent()));
    if (Leftovers.removeStagingFiles(engine.project().stateDir())) {
      cleaned.add("staging files");
    }
    return cleaned;
  }

  /** Records a node of this run; followed sources record from threads of their own. */
  public synchronized void record(RunStore.Node node) {
    store.node(id, node);
  }

  /** Sets the engine work of this run's last node of {@code kind} named {@code name}. */
  public synchronized void recordWork(String kind, String name, RunStore.Work work) {
    store.work(id, kind, name, work);
  }

  /** Adds a line to this run's log. */
  public synchronized void log(String line) {
    store.log(id, line);
  }

  /**
   * Cancels the run, from any thread: what has not started does not start, running Spark jobs are
   * cancelled, and nothing not yet published is published (the run's branches are discarded).
   * Batches already committed stay, as after a failure.
   */
  public void cancel() {
    cancelled = true;
    onCancel.forEach(Runnable::run);
  }

  /**
   * Says the process is stopping (a server's SIGTERM): a failure from now on is recorded as a
   * cancellation, since the JVM's shutdown (Iceberg's and Spark's thread pools closing under the
   * run) may be what made it fail. A run that still succeeds is recorded as a success.
   */
  public void stopping() {
    stopping = true;
  }

  /** Whether {@link #cancel()} was called. */
  public boolean isCancelled() {
    return cancelled;
  }

  /** Runs {@code action} when the run is cancelled (at once if it already was). */
  void onCancel(Runnable action) {
    onCancel.add(action);
    if (cancelled) {
      action.run();
    }
  }

  /**
   * Records how the run ended; {@link #close()} records a failure when this was never called. A run that
   * succeeded is a success even when a cancel came while it ended: that cancel found its work committed
   * (published, or every batch an {@code ingest --follow} read), so {@code cancelled}, which says what was
   * not published was discarded, would misstate it. Its message then says it was asked to stop.
   */
  public void finish(boolean succeeded, String message) {
    log(JvmWork.now().since(jvmAtStart));
    String said = succeeded && cancelled && message.isEmpty() ? STOPPED_AFTER_WORK : message;
    store.finish(id, succeeded ? RunStatus.SUCCESS : cancelled || stopping ? RunStatus.CANCELLED : RunStatus.FAILED,
        said);
    finished = true;
  }

  /** The message of a run that succeeded although it was cancelled: the cancel came after its work was committed. */
  public static final String STOPPED_AFTER_WORK = "asked to stop after its work was committed";

  @Override
  public void close() {
    try {
      if (!finished) {
        log(JvmWork.now().since(jvmAtStart));
        store.finish(id, cancelled || stopping ? RunStatus.CANCELLED : RunStatus.FAILED,
            cancelled || stopping ? "cancelled" : "stopped by an error");
      }
      store.close();
    } finally {
      lock.close();
    }
  }
}
