package io.floe.spark;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The jars a Spark cluster's executors need to read and write Floe's Iceberg tables. */
final class ClusterJars {
  private static final List<String> CLASSES_TO_SHIP =
      List.of(
          "org.apache.iceberg.spark.SparkCatalog",
          "org.sqlite.JDBC",
          "org.postgresql.Driver",
          "io.floe.core.project.Project",
          "io.floe.spark.FloeEngine");

  private ClusterJars() {}

  static String list() {
    Set<String> jars = new LinkedHashSet<>();
    for (String className : CLASSES_TO_SHIP) {
      try {
        CodeSource source = Class.forName(className).getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation().getPath().endsWith(".jar")) {
          jars.add(Path.of(source.getLocation().toURI()).toString());
        }
      } catch (ClassNotFoundException | URISyntaxException e) {
        throw new IllegalStateException("Cannot locate the jar of " + className, e);
      }
    }
    return String.join(",", jars);
  }
}
