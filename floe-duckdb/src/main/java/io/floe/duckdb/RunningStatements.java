package io.floe.duckdb;

import io.floe.core.error.FloeException;
import io.floe.spark.FloeEngine;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DuckDB statements in use, each under the Spark job tags of the thread that opened it, so that cancelling a
 * run's tag stops its DuckDB queries as {@code SparkContext.cancelJobsWithTag} stops its Spark jobs. A run's threads
 * carry its tag through Spark's inheritable local properties; DuckDB has no tags of its own, so they are read here.
 *
 * <p>A cancelled statement's running query is interrupted ({@link Statement#cancel}, DuckDB's interrupt), and a
 * statement of a cancelled tag refuses to start another query. A cancel that comes between the check and the start
 * of the native query would miss it, so cancelling repeats for a while until the tag's statements are closed.
 */
final class RunningStatements {
  private static final Logger LOG = LoggerFactory.getLogger(RunningStatements.class);
  private static final long REPEAT_MILLIS = 100;
  private static final long REPEAT_FOR_MILLIS = TimeUnit.SECONDS.toMillis(10);
  /** Tags cancelled in this JVM; a run's tag is unique to it, and a few strings per cancelled run are kept. */
  private static final Set<String> CANCELLED = ConcurrentHashMap.newKeySet();
  private static final Map<Statement, Set<String>> RUNNING = new ConcurrentHashMap<>();

  private RunningStatements() {}

  /**
   * {@code statement}, tracked under the current thread's job tags until it is closed; its queries fail with a
   * {@link FloeException#cancelled} error once one of its tags is cancelled.
   *
   * @throws FloeException when the thread's run is already cancelled (the statement is closed)
   */
  static Statement track(FloeEngine engine, Statement statement, String description) throws SQLException {
    Set<String> tags = jobTags(engine);
    if (tags.isEmpty()) {
      return statement;
    }
    // Registered before the check: a cancel after the check finds it.
    RUNNING.put(statement, tags);
    if (cancelled(tags)) {
      RUNNING.remove(statement);
      statement.close();
      throw stopped(description);
    }
    InvocationHandler handler = new Tracked(statement, tags, description);
    return (Statement) Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {Statement.class},
        handler);
  }

  /** Whether the current thread's run was cancelled: a query that failed then failed because of it. */
  static boolean cancelledNow(FloeEngine engine) {
    return !CANCELLED.isEmpty() && cancelled(jobTags(engine));
  }

  // The Spark job tags of the current thread: its run's, inherited through Spark's local properties.
  private static Set<String> jobTags(FloeEngine engine) {
    return Set.copyOf(scala.jdk.javaapi.CollectionConverters.asJava(engine.session().sparkContext().getJobTags()));
  }

  static FloeException stopped(String description) {
    return FloeException.cancelled("%s was stopped: its run was cancelled", description);
  }

  /** Interrupts the queries of {@code tag}'s statements, now and for a while, and refuses their next ones. */
  static void cancel(String tag) {
    CANCELLED.add(tag);
    if (interrupt(tag) == 0) {
      return;
    }
    Thread repeat = new Thread(() -> {
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REPEAT_FOR_MILLIS);
      try {
        while (System.nanoTime() < until && interrupt(tag) > 0) {
          Thread.sleep(REPEAT_MILLIS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "floe-duckdb-cancel");
    repeat.setDaemon(true);
    repeat.start();
  }

  /** The number of statements open under {@code tag}. */
  static long open(String tag) {
    return RUNNING.values().stream().filter(tags -> tags.contains(tag)).count();
  }

  // The number of the tag's statements still open.
  private static int interrupt(String tag) {
    int open = 0;
    for (Map.Entry<Statement, Set<String>> entry : RUNNING.entrySet()) {
      if (entry.getValue().contains(tag)) {
        open++;
        try {
          entry.getKey().cancel();
        } catch (SQLException e) {
          // Closed meanwhile: its query ended.
          LOG.debug("Cannot interrupt a DuckDB query of cancelled run tag {}: {}", tag, e.getMessage());
        }
      }
    }
    return open;
  }

  private static boolean cancelled(Set<String> tags) {
    for (String tag : tags) {
      if (CANCELLED.contains(tag)) {
        return true;
      }
    }
    return false;
  }

  /** A statement that checks its run before each query and leaves the registry when closed. */
  private record Tracked(Statement statement, Set<String> tags, String description) implements InvocationHandler {
    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (name.equals("close")) {
        RUNNING.remove(statement);
      } else if (name.startsWith("execute") && cancelled(tags)) {
        throw stopped(description);
      }
      try {
        return method.invoke(statement, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }
}
