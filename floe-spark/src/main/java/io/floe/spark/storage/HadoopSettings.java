package io.floe.spark.storage;

import org.apache.hadoop.conf.Configuration;

/**
 * Hadoop settings Floe applies to every Hadoop {@link Configuration} of the JVM, through a default
 * resource ({@value #RESOURCE}): Spark's, Iceberg's catalogs' and file IO's alike, including those
 * made before the engine started. A value set on a configuration (engine.conf's
 * {@code spark.hadoop.fs.file.impl}) still wins over a resource.
 */
public final class HadoopSettings {
  static final String RESOURCE = "floe-hadoop-defaults.xml";
  private static boolean applied;

  private HadoopSettings() {}

  /** Registers Floe's defaults once per JVM. */
  public static synchronized void apply() {
    if (!applied) {
      Configuration.addDefaultResource(RESOURCE);
      applied = true;
    }
  }
}
