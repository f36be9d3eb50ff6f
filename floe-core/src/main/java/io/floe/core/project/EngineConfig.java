package io.floe.core.project;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How Spark runs ({@code engine.*} in floe.yaml).
 *
 * @param master the Spark master URL, e.g. {@code local[*]}
 * @param driverMemory e.g. {@code 4g}; null for Spark's default
 * @param executorMemory e.g. {@code 8g}; null for Spark's default
 * @param conf extra {@code spark.*} settings, in the order written
 * @param threads how many independent models of a run execute at once
 * @param localDuckDb whether a local engine lets DuckDB run the table models it can run with Spark's
 *     exact results ({@code engine.local-sql})
 */
public record EngineConfig(
    String master, String driverMemory, String executorMemory, int shufflePartitions, Map<String, String> conf,
    int threads, boolean localDuckDb) {
  public EngineConfig {
    requireNonNull(master, "master is null");
    requireNonNull(conf, "conf is null");
    if (master.isBlank()) {
      throw new IllegalArgumentException("Invalid engine master: the master is blank");
    }
    if (shufflePartitions < 1) {
      throw new IllegalArgumentException("Invalid shuffle partitions: must be positive, but was: " + shufflePartitions);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("Invalid engine threads: must be positive, but was: " + threads);
    }
    conf.forEach((key, value) -> {
      requireNonNull(key, "conf key is null");
      requireNonNull(value, () -> "conf value of " + key + " is null");
    });
    conf = Collections.unmodifiableMap(new LinkedHashMap<>(conf));
  }

  /** An engine whose local SQL is DuckDB's where it can be ({@code engine.local-sql: duckdb}, the default). */
  public EngineConfig(String master, String driverMemory, String executorMemory, int shufflePartitions,
      Map<String, String> conf, int threads) {
    this(master, driverMemory, executorMemory, shufflePartitions, conf, threads, true);
  }

  /** Whether Spark runs in this process ({@code local} or {@code local[N]}), not on a cluster. */
  public boolean local() {
    return master.equals("local") || master.startsWith("local[");
  }
}
