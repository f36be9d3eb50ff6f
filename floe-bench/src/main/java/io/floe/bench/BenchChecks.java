package io.floe.bench;

/** Checks that a tool's output holds what it was given, so that no figure is of a short cut. */
final class BenchChecks {
  private BenchChecks() {}

  /**
   * @throws BenchException if the rows differ
   */
  static void rows(String what, long actual, long expected) {
    if (actual != expected) {
      throw new BenchException("Cannot trust the figure of " + what + ": it holds " + actual + " rows, but "
          + expected + " were expected");
    }
  }
}
