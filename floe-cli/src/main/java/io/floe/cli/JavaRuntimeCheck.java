package io.floe.cli;

import java.io.PrintWriter;
import java.util.Optional;

/**
 * Refuses a Java the engine cannot run on, before it fails deep inside a write. Hadoop 3.4's file
 * system layer (under Spark and Iceberg's Hadoop catalog) calls {@code Subject.getSubject}, which
 * Java 23 and later refuse ("getSubject is not supported"); Spark 4.1 supports Java 17 and 21.
 */
public final class JavaRuntimeCheck {
  static final int FIRST_UNSUPPORTED = 23;

  private JavaRuntimeCheck() {}

  /** What is wrong with Java {@code feature} (e.g. 25), or empty when Floe runs on it. */
  public static Optional<String> problem(int feature, String javaHome) {
    if (feature < FIRST_UNSUPPORTED) {
      return Optional.empty();
    }
    return Optional.of("Floe cannot run on Java " + feature + " (" + javaHome + "): Hadoop's file system "
        + "layer calls Subject.getSubject, which Java " + FIRST_UNSUPPORTED + " and later refuse. "
        + "Set JAVA_HOME to a Java 17 or 21 JDK and run again.");
  }

  /** For a launcher's main: on a Java Floe cannot run on, says why on {@code err} and exits with 1. */
  public static void exitIfUnsupported(PrintWriter err) {
    Optional<String> problem = problem(Runtime.version().feature(), System.getProperty("java.home"));
    if (problem.isPresent()) {
      err.println("error: " + problem.get());
      err.flush();
      System.exit(1);
    }
  }
}
