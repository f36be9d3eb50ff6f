package io.floe.spark.local;

import java.util.function.Supplier;

/**
 * A pass through a materialization that ends once the {@link LocalExecutor} has compiled its query,
 * before anything is read or written: a run uses it to compile a model's query as the model's next run
 * will have it (see {@code ModelRunner}), so that the executor keeps it and that run does not wait for
 * Spark to compile it. Only for this thread.
 */
public final class CompileOnly {
  private static final ThreadLocal<Boolean> ACTIVE = new ThreadLocal<>();

  /** Ends a pass: thrown by {@link #compiled} and {@link #beforeSparkWork}, caught by {@link #run}. */
  static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean compiled;

    Stop(boolean compiled) {
      super(compiled ? "compiled" : "not compiled by the local executor", null, false, false);
      this.compiled = compiled;
    }
  }

  private CompileOnly() {}

  /**
   * Runs {@code materialize} until the local executor has compiled the query it runs.
   *
   * @return true when the executor compiled it (or had it compiled); false when the materialization
   *     finished without it, or was about to have Spark run the query instead
   */
  public static boolean run(Supplier<?> materialize) {
    if (Boolean.TRUE.equals(ACTIVE.get())) {
      throw new IllegalStateException("A compile-only pass is already running on this thread");
    }
    ACTIVE.set(Boolean.TRUE);
    try {
      materialize.get();
      return false;
    } catch (Stop stop) {
      return stop.compiled;
    } finally {
      ACTIVE.remove();
    }
  }

  /** Whether this thread is in a compile-only pass. */
  public static boolean active() {
    return Boolean.TRUE.equals(ACTIVE.get());
  }

  /** Called by an executor once it has the query compiled: in a compile-only pass, the pass ends here. */
  public static void compiled() {
    if (active()) {
      throw new Stop(true);
    }
  }

  /**
   * Called by a materialization where Spark would now compute or write the rows (the executor declined
   * the query): in a compile-only pass, the pass ends here, with nothing run.
   */
  public static void beforeSparkWork() {
    if (active()) {
      throw new Stop(false);
    }
  }
}
