package io.floe.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Log levels for {@code -v}: by default only Floe's warnings (and its one-line errors) show; {@code -v} shows Floe's
 * progress and Spark's warnings; {@code -vv} shows everything at debug and info.
 */
final class Verbosity {
  private Verbosity() {}

  static void apply(int level) {
    switch (Math.min(level, 2)) {
      case 0 -> {
        // Floe reports a failure itself, in one line; Spark's own error logs would repeat it with
        // stack traces (a division by zero printed dozens of lines). -v shows them.
        Configurator.setRootLevel(Level.OFF);
        Configurator.setLevel("io.floe", Level.WARN);
      }
      case 1 -> {
        Configurator.setRootLevel(Level.WARN);
        Configurator.setLevel("io.floe", Level.INFO);
      }
      default -> {
        Configurator.setRootLevel(Level.INFO);
        Configurator.setLevel("io.floe", Level.DEBUG);
      }
    }
  }
}
