package io.floe.spark;

import io.floe.core.project.EngineConfig;
import io.floe.spark.storage.HadoopSettings;
import io.floe.spark.storage.LegacyMd5Checksums;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Owns the one SparkContext of this JVM. Settings that Spark fixes at context start (master,
 * extensions, UI) are applied here; per-project settings (the catalog) go on a child session, so
 * one JVM can serve several projects (tests do) without restarting Spark.
 */
final class SparkSessions {
  static final String ICEBERG_EXTENSIONS =
      "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions";

  private static final String EXECUTOR_JAVA_OPTIONS = "spark.executor.extraJavaOptions";
  /** The AWS SDK's checksum modes, read from system properties when it builds an S3 client. */
  static final java.util.List<String> AWS_CHECKSUM_PROPERTIES =
      java.util.List.of(LegacyMd5Checksums.REQUEST_CHECKSUMS, LegacyMd5Checksums.RESPONSE_CHECKSUMS);

  private SparkSessions() {}

  /** Returns the JVM's base session, starting it with {@code engine}'s settings if none runs. */
  static synchronized SparkSession base(EngineConfig engine) {
    HadoopSettings.apply();
    SparkSession.Builder builder =
        SparkSession.builder()
            .appName("floe")
            .master(engine.master())
            .config("spark.sql.extensions", ICEBERG_EXTENSIONS)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.datetime.java8API.enabled", "true")
            .config("spark.sql.shuffle.partitions", String.valueOf(engine.shufflePartitions()));
    if (engine.driverMemory() != null) {
      builder.config("spark.driver.memory", engine.driverMemory());
    }
    if (engine.executorMemory() != null) {
      builder.config("spark.executor.memory", engine.executorMemory());
    }
    if (!engine.master().startsWith("local")) {
      // Executors on a cluster need Iceberg and the catalog driver; ship the jars we run with.
      builder.config("spark.jars", ClusterJars.list());
    }
    for (Map.Entry<String, String> entry : engine.conf().entrySet()) {
      builder.config(entry.getKey(), entry.getValue());
    }
    if (!engine.master().startsWith("local")) {
      String forwarded = forwardedSystemProperties();
      if (!forwarded.isEmpty()) {
        String configured = engine.conf().getOrDefault(EXECUTOR_JAVA_OPTIONS, "");
        builder.config(EXECUTOR_JAVA_OPTIONS, (configured + " " + forwarded).strip());
      }
    }
    // Spark compiles generated code with the context class loader of the thread that runs a query
    // (the driver's, and the local executor's, which it takes from the thread that starts the
    // context): give them one that answers repeated misses at once (KnownMissingClasses says why).
    // The threads Spark starts from this one inherit it.
    Thread thread = Thread.currentThread();
    thread.setContextClassLoader(KnownMissingClasses.over(thread.getContextClassLoader()));
    return builder.getOrCreate();
  }

  // The AWS SDK's client settings that FloeEngine sets as system properties (storage.request-checksums):
  // the executors build S3 clients of their own, so they get them as JVM options.
  private static String forwardedSystemProperties() {
    StringBuilder options = new StringBuilder();
    for (String name : AWS_CHECKSUM_PROPERTIES) {
      String value = System.getProperty(name);
      if (value != null) {
        options.append(options.isEmpty() ? "" : " ").append("-D").append(name).append('=').append(value);
      }
    }
    return options.toString();
  }

  /**
   * Applies the project's session-level settings to {@code session}. The JVM's Spark context may
   * have been started for another project (tests share one), so what can change per session is
   * set here rather than trusted to the context.
   */
  static void applySessionSettings(SparkSession session, EngineConfig engine) {
    session.conf().set("spark.sql.shuffle.partitions", String.valueOf(engine.shufflePartitions()));
    for (Map.Entry<String, String> entry : engine.conf().entrySet()) {
      if (session.conf().isModifiable(entry.getKey())) {
        session.conf().set(entry.getKey(), entry.getValue());
      }
    }
  }
}
