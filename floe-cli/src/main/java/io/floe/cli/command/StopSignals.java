package io.floe.cli.command;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ctrl-C (SIGINT) and SIGTERM, handled before the JVM begins to shut down. Stopping a run from a
 * shutdown hook raced the libraries' own hooks: Iceberg shuts its worker pool down in one, so a
 * follower committing what it had read, or a cancelled run removing what it had not published, could
 * find its tasks rejected ({@code rejected from ThreadPoolExecutor[Terminated]}) and leave that work
 * undone. Here the first signal starts {@code stop} on a thread of its own while every pool still
 * runs, and the command then ends as it would have, with its own exit code. When it has not ended
 * within the grace period, or a second signal comes, the JVM exits with the signal's code (128 + its
 * number) and the shutdown hooks do what they can, as before.
 *
 * <p>The handlers use {@code sun.misc.Signal} (module jdk.unsupported), the JDK's only way to act on a
 * signal before shutdown; where the JVM keeps a signal to itself ({@code -Xrs}), it is left alone and
 * the shutdown hooks stop the run.
 */
final class StopSignals implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
  private static final List<String> SIGNALS = List.of("INT", "TERM");

  private final Map<sun.misc.Signal, sun.misc.SignalHandler> previous = new LinkedHashMap<>();
  private final AtomicBoolean signalled = new AtomicBoolean();
  private final Runnable stop;
  private final Duration grace;

  private StopSignals(Runnable stop, Duration grace) {
    this.stop = requireNonNull(stop, "stop is null");
    this.grace = requireNonNull(grace, "grace is null");
  }

  /**
   * Handles SIGINT and SIGTERM until {@link #close()}: the first runs {@code stop} once; the JVM exits
   * {@code grace} later if it is still running, or at a second signal.
   */
  static StopSignals install(Runnable stop, Duration grace) {
    StopSignals signals = new StopSignals(stop, grace);
    for (String name : SIGNALS) {
      sun.misc.Signal signal = new sun.misc.Signal(name);
      try {
        signals.previous.put(signal, sun.misc.Signal.handle(signal, signals::handle));
      } catch (IllegalArgumentException reserved) {
        LOG.debug("SIG{} is the JVM's here; a shutdown hook stops the run instead", name, reserved);
      }
    }
    return signals;
  }

  private void handle(sun.misc.Signal signal) {
    int code = 128 + signal.getNumber();
    if (!signalled.compareAndSet(false, true)) {
      exitLater(code, Duration.ZERO, "SIG" + signal.getName() + " again: stopping now");
      return;
    }
    LOG.info("SIG{}: stopping (at most {} s; again to stop at once)", signal.getName(), grace.toSeconds());
    Thread stopping = new Thread(stop, "floe-stop");
    stopping.setDaemon(true);
    stopping.start();
    exitLater(code, grace, "the run did not stop within " + grace.toSeconds() + " s");
  }

  // System.exit from a thread of its own: the signal's dispatch thread must not wait for the shutdown hooks.
  private static void exitLater(int code, Duration delay, String why) {
    Thread exit = new Thread(() -> {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      LOG.warn("Exiting with code {}: {}", code, why);
      System.exit(code);
    }, "floe-stop-exit");
    exit.setDaemon(true);
    exit.start();
  }

  /** Gives the signals back to the handlers they had (the JVM's: a signal then shuts it down). */
  @Override
  public void close() {
    previous.forEach(sun.misc.Signal::handle);
    previous.clear();
  }
}
