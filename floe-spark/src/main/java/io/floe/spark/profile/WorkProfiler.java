package io.floe.spark.profile;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Sums what Spark's tasks do by the job description their thread set ({@code model NAME},
 * {@code test NAME}) and the run's job tag ({@code floe-run-ID}): the profile {@code floe runs show}
 * prints beside each model's and test's seconds. One listener per Spark context; Spark delivers its
 * events on a thread of its own, so a run waits for them ({@link #awaitDelivered}) before it takes
 * its figures.
 */
public final class WorkProfiler extends SparkListener {
  private static final Logger LOG = LoggerFactory.getLogger(WorkProfiler.class);
  private static final String RUN_TAG_PREFIX = "floe-run-";
  // The local properties SparkContext.setJobDescription and addJobTag set (their constants are Spark-internal).
  private static final String JOB_DESCRIPTION = "spark.job.description";
  private static final Map<SparkContext, WorkProfiler> PROFILERS = new WeakHashMap<>();

  private record Key(String runTag, String description) {}

  private final SparkContext context;
  private final Map<Key, SparkWork> work = new HashMap<>();
  private final Map<Integer, Key> stages = new HashMap<>();
  private final Map<Integer, List<Integer>> jobStages = new HashMap<>();

  private WorkProfiler(SparkContext context) {
    this.context = context;
  }

  /** The profiler of {@code context}, registered on first use (before the jobs it is to count). */
  public static synchronized WorkProfiler of(SparkContext context) {
    return PROFILERS.computeIfAbsent(context, c -> {
      WorkProfiler profiler = new WorkProfiler(c);
      c.addSparkListener(profiler);
      return profiler;
    });
  }

  /** The job tag that marks every Spark job of run {@code runId}. */
  public static String runTag(String runId) {
    return RUN_TAG_PREFIX + runId;
  }

  /**
   * Waits, at most {@code timeoutMillis}, until Spark has delivered the events of the jobs that have
   * ended, so that {@link #take} sees all of their tasks. Returns false when it timed out (another
   * run keeps the queue busy): the figures taken then may miss the last tasks.
   */
  public boolean awaitDelivered(long timeoutMillis) {
    try {
      // LiveListenerBus is Spark-internal (public in bytecode); nothing public waits for delivery.
      context.listenerBus().waitUntilEmpty(timeoutMillis);
      return true;
    } catch (TimeoutException e) {
      LOG.debug("Spark's events were not all delivered within {} ms; the run's profile may miss tasks",
          timeoutMillis, e);
      return false;
    }
  }

  /** Removes and returns the work of the jobs of run {@code runId} described as {@code description}. */
  public synchronized SparkWork take(String runId, String description) {
    SparkWork taken = work.remove(new Key(runTag(runId), description));
    return taken == null ? SparkWork.NONE : taken;
  }

  /** Drops what is left of run {@code runId}'s work (its jobs whose figures no one took). */
  public synchronized void forget(String runId) {
    String runTag = runTag(runId);
    work.keySet().removeIf(key -> key.runTag().equals(runTag));
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart start) {
    Properties properties = start.properties();
    String description = properties == null ? null : properties.getProperty(JOB_DESCRIPTION);
    String runTag = runTagOf(io.floe.spark.RunCancellation.jobTags(properties));
    if (description == null || runTag == null) {
      return;
    }
    Key key = new Key(runTag, description);
    add(key, new SparkWork(1, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    List<Integer> stageIds = CollectionConverters.asJava(start.stageIds()).stream()
        .map(id -> ((Number) id).intValue()).toList();
    stageIds.forEach(id -> stages.put(id, key));
    jobStages.put(start.jobId(), stageIds);
  }

  @Override
  public synchronized void onJobEnd(SparkListenerJobEnd end) {
    List<Integer> stageIds = jobStages.remove(end.jobId());
    if (stageIds != null) {
      stageIds.forEach(stages::remove);
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
    Key key = stages.get(end.stageId());
    TaskMetrics metrics = end.taskMetrics();
    if (key == null || metrics == null) {
      return;
    }
    add(key, new SparkWork(0, 1, metrics.executorCpuTime(), metrics.executorRunTime(),
        metrics.jvmGCTime(), metrics.inputMetrics().recordsRead(), metrics.shuffleWriteMetrics().bytesWritten(),
        metrics.diskBytesSpilled(), metrics.outputMetrics().recordsWritten(), metrics.outputMetrics().bytesWritten()));
  }

  private void add(Key key, SparkWork more) {
    work.merge(key, more, SparkWork::plus);
  }

  private static String runTagOf(List<String> tags) {
    for (String tag : tags) {
      if (tag.startsWith(RUN_TAG_PREFIX)) {
        return tag;
      }
    }
    return null;
  }
}
