package io.floe.spark.profile;

/**
 * What Spark's tasks did for one model or test of a run, summed over its jobs: the executor CPU it
 * took, the rows it read, the bytes it shuffled and what it wrote. A node's wall time less its
 * jobs' time is the driver's (planning, catalog and commit work).
 *
 * @param jobs Spark jobs started
 * @param tasks tasks finished
 * @param cpuNanos executor CPU time of the tasks, in nanoseconds
 * @param taskMillis executor run time of the tasks (CPU, I/O and waiting)
 * @param gcMillis time the tasks spent in garbage collection
 * @param rowsRead rows the tasks read from tables and files
 * @param shuffleBytes bytes the tasks wrote to shuffles (and so read back)
 * @param spillBytes bytes spilled to disk by sorts and aggregations
 * @param rowsWritten rows the tasks wrote to tables
 * @param bytesWritten bytes the tasks wrote to tables
 */
public record SparkWork(long jobs, long tasks, long cpuNanos, long taskMillis, long gcMillis, long rowsRead,
    long shuffleBytes, long spillBytes, long rowsWritten, long bytesWritten) {
  /** No Spark work at all. */
  public static final SparkWork NONE = new SparkWork(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** This work and {@code other} together. */
  public SparkWork plus(SparkWork other) {
    return new SparkWork(jobs + other.jobs, tasks + other.tasks, cpuNanos + other.cpuNanos,
        taskMillis + other.taskMillis, gcMillis + other.gcMillis, rowsRead + other.rowsRead,
        shuffleBytes + other.shuffleBytes, spillBytes + other.spillBytes, rowsWritten + other.rowsWritten,
        bytesWritten + other.bytesWritten);
  }

  /** True when no Spark job ran. */
  public boolean isEmpty() {
    return jobs == 0;
  }
}
