package io.floe.cli.command;

import java.time.Duration;
import picocli.CommandLine.Option;

/** Options of the commands that write to the project (one writer per project at a time). */
final class WriterOptions {
  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      arity = "0..1",
      fallbackValue = "86400",
      description = "When another run holds the project, wait for it (up to SECONDS; a day without a value)"
          + " instead of stopping at once with exit code 4.")
  long waitSeconds;

  Duration waitForLock() {
    return Duration.ofSeconds(Math.max(0, waitSeconds));
  }
}
