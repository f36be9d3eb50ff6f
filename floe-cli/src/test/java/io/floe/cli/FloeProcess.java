package io.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.runtime.ProjectRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** Starts the floe command in a new JVM, as a user's shell would, with this JVM's class path. */
final class FloeProcess {
  private FloeProcess() {}

  /** Starts {@code floe -p project args...}; stdout is discarded unless {@code keepOut}. */
  static Process start(Path project, boolean keepOut, String... args) throws IOException {
    return start(project, keepOut, List.of(), args);
  }

  /** As {@link #start(Path, boolean, String...)}, with {@code jvmOptions} for the new JVM. */
  static Process start(Path project, boolean keepOut, List<String> jvmOptions, String... args) throws IOException {
    return start(project, keepOut ? null : ProcessBuilder.Redirect.DISCARD, null, Map.of(), jvmOptions, args);
  }

  /** Starts {@code floe -p project args...} with its stdout and stderr both written to {@code log}. */
  static Process startLogged(Path project, Path log, String... args) throws IOException {
    return startLogged(project, log, Map.of(), args);
  }

  /** As {@link #startLogged(Path, Path, String...)}, with {@code env} added to the environment (secrets). */
  static Process startLogged(Path project, Path log, Map<String, String> env, String... args)
      throws IOException {
    return startLogged(project, log, env, List.of(), args);
  }

  /** As {@link #startLogged(Path, Path, Map, String...)}, with {@code jvmOptions} for the new JVM. */
  static Process startLogged(Path project, Path log, Map<String, String> env, List<String> jvmOptions,
      String... args) throws IOException {
    return start(project, ProcessBuilder.Redirect.to(log.toFile()), log, env, jvmOptions, args);
  }

  private static Process start(Path project, ProcessBuilder.Redirect out, Path log, Map<String, String> env,
      List<String> jvmOptions, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (argument.startsWith("--add-") || argument.startsWith("-XX:+Ignore") || argument.startsWith("-Djdk.")
          || argument.startsWith("-Dio.netty")) {
        command.add(argument);
      }
    }
    command.addAll(jvmOptions);
    ChildClassPath.Sharing sharing = ChildClassPath.sharing();
    command.addAll(sharing.options());
    // A short job in a new JVM: C1 only, a code cache that Spark cannot fill, and the parallel
    // collector, as the test JVMs (pom.xml).
    command.addAll(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=240m",
        "-XX:+UseParallelGC", "-cp",
        ChildClassPath.classPath(), FloeCli.class.getName(), "-p", project.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    if (out != null) {
      builder.redirectOutput(out);
    }
    if (log != null) {
      builder.redirectErrorStream(true);
    }
    Process process = builder.start();
    sharing.started(process);
    return process;
  }

  /**
   * Starts floe with {@code command} and kills it (SIGKILL, or SIGTERM when {@code gracefully})
   * {@code delayMillis} after it reported {@code batchesFirst} commits; says what was done, for the
   * assertion's description.
   */
  static String killAfter(Path project, int batchesFirst, int delayMillis, boolean gracefully, String... command)
      throws IOException, InterruptedException {
    return killAfter(project, "batches", line -> line.contains(": batch ") || line.contains("-> bronze."), batchesFirst,
        delayMillis, gracefully, command);
  }

  /**
   * Starts floe with {@code command} and kills it {@code delayMillis} after {@code marksFirst} lines
   * of its stderr matched {@code mark} ({@code marks} names them in the description). Its stderr is
   * read to the end meanwhile, so the process never stalls on a full pipe before the kill.
   */
  static String killAfter(Path project, String marks, Predicate<String> mark, int marksFirst, int delayMillis,
      boolean gracefully, String... command) throws IOException, InterruptedException {
    Process process = start(project, false, command);
    AtomicInteger seen = new AtomicInteger();
    List<String> tail = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread drain = new Thread(() -> {
      try (BufferedReader err = new BufferedReader(
          new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line = err.readLine(); line != null; line = err.readLine()) {
          if (mark.test(line)) {
            seen.incrementAndGet();
          }
          tail.add(line);
          if (tail.size() > 8) {
            tail.remove(0);
          }
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    drain.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (seen.get() < marksFirst && process.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      Thread.sleep(delayMillis);
      if (gracefully) {
        process.destroy();
      } else {
        process.destroyForcibly();
      }
      // SIGTERM lets a run end what it is doing for up to 60 s (StopSignals); SIGKILL ends it at once.
      assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
      drain.join(10_000);
    } finally {
      process.destroyForcibly();
    }
    return (gracefully ? "SIGTERM" : "SIGKILL") + " after " + marksFirst + " " + marks + " + " + delayMillis + " ms, "
        + seen.get() + " " + marks + " (exit " + process.exitValue() + ")"
        + (seen.get() == 0 ? " last output: " + tail : "");
  }

  /**
   * Asserts that the project's last run is an {@code ingest --follow} that a signal stopped after it had
   * committed what it read: a success that says it was asked to stop ({@code what} describes the kills).
   */
  static void assertLastFollowerStoppedAfterItsWork(Path project, String what) {
    String history = CliRun.floe(project, "runs", "-o", "csv").ok();
    assertThat(history.lines().reduce((a, b) -> b).orElseThrow()).as(what + "\n" + history)
        .contains(",\"ingest --follow\",success,").endsWith(",\"" + ProjectRun.STOPPED_AFTER_WORK + "\"");
  }
}
