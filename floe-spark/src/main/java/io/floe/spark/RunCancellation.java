package io.floe.spark;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels a run's Spark jobs: those running when it is cancelled and those it starts afterwards.
 * {@code SparkContext.cancelJobsWithTag} stops only the jobs active at the call, and a model whose query was
 * still being planned at that moment submits its job just after it; this listener cancels such a job when it
 * starts, so a cancelled run does not go on computing until the JVM's grace after a SIGTERM runs out.
 */
public final class RunCancellation extends SparkListener {
  private static final Logger LOG = LoggerFactory.getLogger(RunCancellation.class);
  // The local property SparkContext.addJobTag sets (its constant is Spark-internal).
  private static final String JOB_TAGS = "spark.job.tags";
  private static final Map<SparkContext, RunCancellation> LISTENERS = new WeakHashMap<>();

  private final SparkContext context;
  /** Tags cancelled in this context; a run's tag is unique to it, and one string per cancelled run is kept. */
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();

  private RunCancellation(SparkContext context) {
    this.context = context;
  }

  /** Cancels the jobs tagged {@code tag}, now and whenever one starts later. */
  public static void cancel(SparkContext context, String tag) {
    RunCancellation listener;
    synchronized (LISTENERS) {
      listener = LISTENERS.computeIfAbsent(context, c -> {
        RunCancellation added = new RunCancellation(c);
        c.addSparkListener(added);
        return added;
      });
    }
    // Marked before the call: a job that starts between the two is cancelled by one of them.
    listener.cancelled.add(tag);
    context.cancelJobsWithTag(tag, "its run was cancelled");
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    for (String tag : jobTags(start.properties())) {
      if (cancelled.contains(tag)) {
        LOG.debug("Cancelling Spark job {}: it started after its run ({}) was cancelled", start.jobId(), tag);
        context.cancelJob(start.jobId(), "its run was cancelled");
        return;
      }
    }
  }

  /** The job tags a job started with, from its local properties (none when it has none). */
  public static List<String> jobTags(Properties properties) {
    String tags = properties == null ? null : properties.getProperty(JOB_TAGS);
    return tags == null || tags.isEmpty() ? List.of() : List.of(tags.split(","));
  }
}
