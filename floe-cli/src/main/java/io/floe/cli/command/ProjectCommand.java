package io.floe.cli.command;

import io.floe.cli.output.OutputFormat;
import io.floe.cli.output.Tabular;
import io.floe.cli.output.TabularPrinter;
import io.floe.core.project.Project;
import io.floe.runtime.FloeRuntime;
import io.floe.runtime.ProjectRun;
import io.floe.spark.FloeEngine;
import io.floe.spark.StorageErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A command that works on the project's tables: loads the project, opens the engine, prints. */
abstract class ProjectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
  OutputFormat output = OutputFormat.TABLE;

  /** The run of a command that writes ({@link #writes()}), while it runs; else null. */
  ProjectRun projectRun;

  @Override
  public final Integer call() {
    Project project = Project.load(root().projectDir());
    // Spark starts while the command checks its models and sources (seconds, both).
    FloeEngine.startInBackground(project);
    check(project);
    try {
      return call(project);
    } catch (RuntimeException e) {
      // An S3 failure surfaces wherever the command met it; one line names the endpoint and bucket.
      throw StorageErrors.translate(project, e);
    }
  }

  private Integer call(Project project) {
    if (!writes()) {
      try (FloeEngine engine = FloeEngine.open(project)) {
        return run(engine);
      }
    }
    // One writer per project: the lock is taken before the engine opens, so a conflict ends the command
    // at once (Spark, still starting on a daemon thread, stops with the JVM).
    try (ProjectRun run = ProjectRun.start(project, commandText(), waitForLock())) {
      projectRun = run;
      // Ctrl-C or SIGTERM cancels the run while the JVM still runs (StopSignals): it discards what it had
      // not published, records itself and ends with its own exit code. Any other shutdown (SIGHUP, a
      // JVM with -Xrs, the signals' grace run out) cancels it from the hook, which waits (briefly) for that.
      java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
      Thread cancelOnExit = new Thread(() -> {
        run.cancel();
        try {
          ended.await(CANCEL_GRACE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "floe-cancel-on-exit");
      Runtime.getRuntime().addShutdownHook(cancelOnExit);
      try (StopSignals signals = StopSignals.install(run::cancel, SIGNAL_GRACE);
          FloeEngine engine = FloeEngine.open(project)) {
        run.recover(engine);
        int exitCode = run(engine);
        run.finish(exitCode == 0, exitCode == 0 ? "" : "exit code " + exitCode);
        return exitCode;
      } catch (RuntimeException e) {
        run.finish(false, String.valueOf(e.getMessage()));
        throw e;
      } finally {
        ended.countDown();
        removeHook(cancelOnExit);
      }
    } finally {
      projectRun = null;
    }
  }

  private static final Duration CANCEL_GRACE = Duration.ofSeconds(20);
  // Longer than the hook's: the JVM is not shutting down yet, and a follower ends the batch it is reading
  // first (a chunk of a table's snapshot took over 20 s on 2 busy cores). systemd waits 90 s by default.
  private static final Duration SIGNAL_GRACE = Duration.ofSeconds(60);

  // During shutdown the hook is running and cannot be removed; that is the one case to ignore.
  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is exiting: the hook itself is what runs now.
      return;
    }
  }

  /** Whether the command writes to the project: then it runs as a recorded {@link ProjectRun}. */
  boolean writes() {
    return false;
  }

  /** How long a writing command waits for another run to release the project. */
  Duration waitForLock() {
    return Duration.ZERO;
  }

  /** The runtime of this command's run (only for commands that {@link #writes()}). */
  FloeRuntime runtime(FloeEngine engine) {
    return new FloeRuntime(engine, projectRun);
  }

  // What the run history shows as the run's command: the name and the arguments the user gave.
  private String commandText() {
    List<String> words = new ArrayList<>();
    words.add(spec.name());
    words.addAll(spec.commandLine().getParseResult().originalArgs().stream()
        .dropWhile(arg -> !arg.equals(spec.name())).skip(1).toList());
    return String.join(" ", words);
  }

  /** Checks what the command needs from the project before the engine starts (it takes seconds). */
  void check(Project project) {}

  /** Does the command's work; returns the exit code. */
  abstract int run(FloeEngine engine);

  FloeCommand root() {
    return (FloeCommand) spec.root().userObject();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  void print(Tabular tabular) {
    TabularPrinter.print(out(), output, tabular);
  }

  /** Prints a one-line confirmation, or a JSON object with the same facts. */
  void confirm(String message, Object json) {
    if (output == OutputFormat.JSON) {
      TabularPrinter.printJson(out(), json);
    } else {
      out().println(message);
      out().flush();
    }
  }
}
