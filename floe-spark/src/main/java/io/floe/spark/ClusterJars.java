package io.floe.spark;

import io.floe.core.error.FloeException;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The jars a Spark cluster's executors need to read and write Floe's Iceberg tables: Iceberg's
 * runtime, the AWS SDK its S3FileIO uses, the JDBC drivers Spark's JDBC reads load on executors, and
 * Floe's own code (its functions and row mappers run there). A stock Spark has none of them. Class
 * path directories holding Floe's classes (a development checkout, a test) are packed into a jar
 * first: Spark ships only files.
 */
final class ClusterJars {
  private static final List<String> CLASSES_TO_SHIP =
      List.of(
          "org.apache.iceberg.spark.SparkCatalog",
          "org.sqlite.JDBC",
          "org.postgresql.Driver",
          // S3FileIO's client, when the AWS bundle is on the class path (storage.type s3)
          "software.amazon.awssdk.services.s3.S3Client");
  private static final String FLOE_PACKAGE = "io/floe/";

  private ClusterJars() {}

  /** The comma-separated jars for {@code spark.jars}. */
  static String list() {
    Set<String> jars = new LinkedHashSet<>();
    for (String className : CLASSES_TO_SHIP) {
      try {
        CodeSource source = Class.forName(className).getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation().getPath().endsWith(".jar")) {
          jars.add(Path.of(source.getLocation().toURI()).toString());
        }
      } catch (ClassNotFoundException e) {
        // An optional driver that this distribution does not carry: nothing to ship.
        continue;
      } catch (URISyntaxException e) {
        throw new IllegalStateException("Cannot locate the jar of " + className, e);
      }
    }
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (Files.isDirectory(path) && Files.isDirectory(path.resolve(FLOE_PACKAGE))) {
        jars.add(packed(path).toString());
      } else if (entry.endsWith(".jar") && Files.isRegularFile(path) && holdsFloe(path)) {
        jars.add(path.toAbsolutePath().toString());
      }
    }
    return String.join(",", jars);
  }

  private static boolean holdsFloe(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.stream().anyMatch(entry -> entry.getName().startsWith(FLOE_PACKAGE));
    } catch (IOException e) {
      throw FloeException.external(e, "Cannot read %s on the class path to ship it to the cluster: %s", jar, e);
    }
  }

  /** {@code classes} packed into a temporary jar, deleted when the JVM exits. */
  private static Path packed(Path classes) {
    try {
      Path jar = Files.createTempFile("floe-classes-", ".jar");
      jar.toFile().deleteOnExit();
      try (OutputStream out = Files.newOutputStream(jar);
          JarOutputStream stream = new JarOutputStream(out);
          Stream<Path> files = Files.walk(classes)) {
        for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
          stream.putNextEntry(new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
          Files.copy(file, stream);
          stream.closeEntry();
        }
      }
      return jar;
    } catch (IOException e) {
      throw FloeException.external(e, "Cannot pack %s into a jar to ship it to the cluster: %s", classes, e);
    }
  }
}
