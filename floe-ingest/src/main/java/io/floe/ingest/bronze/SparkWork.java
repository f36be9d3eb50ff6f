package io.floe.ingest.bronze;

import io.floe.spark.sql.SparkErrors;

/** Runs Spark work that declares checked exceptions (Spark's Java API does) through {@link SparkErrors}. */
final class SparkWork {
  /** Work that may throw what Spark throws. */
  @FunctionalInterface
  interface Work {
    void run() throws Exception;
  }

  private SparkWork() {}

  /** Runs {@code work}; a failure becomes a "Cannot {@code action}: ..." {@link io.floe.core.error.FloeException}. */
  static void run(String action, Work work) {
    SparkErrors.translate(action, () -> {
      try {
        work.run();
      } catch (Exception e) {
        // Rethrown unchanged, so SparkErrors sees (and categorises) the original exception.
        throw SparkWork.<RuntimeException>unchecked(e);
      }
      return null;
    });
  }

  @SuppressWarnings("unchecked")
  private static <E extends Exception> E unchecked(Exception e) throws E {
    throw (E) e;
  }
}
