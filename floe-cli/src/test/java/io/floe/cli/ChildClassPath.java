package io.floe.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The class path of the floe JVMs the tests start, with a class-data archive as {@code ./floe} has
 * one: each new JVM otherwise spends seconds loading and verifying Spark's, Scala's and Iceberg's
 * classes. The archive is dumped at exit by the first child that ends normally and shared by every
 * later one, across the module's test JVMs. The JVM archives classes from jars only, so the main
 * classes directory goes into a jar first (the children run {@link FloeCli}: test classes are left
 * out). When an entry stays a directory (say, a module resolved to its classes in an IDE), the
 * children start without an archive, as before.
 */
final class ChildClassPath {
  private static final Path WORK = Path.of("target", "floe-children").toAbsolutePath();
  // The dump warns on stdout about each class it cannot archive; the children's stdout is checked.
  private static final String QUIET = "-Xlog:cds*=off,class+path=off";
  private static final AtomicBoolean DUMPING = new AtomicBoolean();

  private static String classPath;
  private static Path archive;

  private ChildClassPath() {}

  /** The {@code -cp} value for a child. */
  static synchronized String classPath() {
    if (classPath == null) {
      List<String> entries = new ArrayList<>();
      boolean jarsOnly = true;
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        Path path = Path.of(entry);
        if (!Files.isDirectory(path)) {
          entries.add(entry);
        } else if (path.endsWith("test-classes")) {
          continue;
        } else if (path.endsWith(Path.of("floe-cli", "target", "classes"))) {
          entries.add(jarOf(path).toString());
        } else {
          entries.add(entry);
          jarsOnly = false;
        }
      }
      classPath = String.join(File.pathSeparator, entries);
      archive = jarsOnly ? WORK.resolve("floe-" + digest(classPath + System.getProperty("java.home")) + ".jsa") : null;
    }
    return classPath;
  }

  /**
   * How the next child shares classes: it uses the archive; or, when there is none yet and no child
   * of this JVM is making one, it makes one at its exit ({@link Sharing#started} keeps it).
   */
  static synchronized Sharing sharing() {
    classPath();
    if (archive == null) {
      return new Sharing(List.of(), null);
    }
    if (Files.isRegularFile(archive)) {
      return new Sharing(List.of("-XX:SharedArchiveFile=" + archive, QUIET), null);
    }
    if (!DUMPING.compareAndSet(false, true)) {
      return new Sharing(List.of(), null);
    }
    Path partial = WORK.resolve(archive.getFileName() + "." + UUID.randomUUID() + ".partial");
    return new Sharing(List.of("-XX:ArchiveClassesAtExit=" + partial, QUIET), partial);
  }

  /**
   * A child's class sharing.
   *
   * @param options its JVM options
   * @param dump where it dumps a new archive at its exit, or null when it dumps none
   */
  record Sharing(List<String> options, Path dump) {
    /** Keeps the archive the child dumps at its exit, if it was started to dump one. */
    void started(Process process) {
      if (dump == null) {
        return;
      }
      process.onExit().whenComplete((ended, failure) -> {
        try {
          if (Files.size(dump) > 0) {
            Files.createLink(archive, dump); // fails if another JVM's child made it first
          }
        } catch (FileAlreadyExistsException | java.nio.file.NoSuchFileException e) {
          // Another child's archive is in place, or this child was killed before it could dump.
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } finally {
          try {
            Files.deleteIfExists(dump);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } finally {
            DUMPING.set(false);
          }
        }
      });
    }
  }

  // One jar per content of the directory, made once across the module's test JVMs (under a file lock).
  private static Path jarOf(Path directory) {
    try {
      Files.createDirectories(WORK);
      List<Path> files;
      try (Stream<Path> walk = Files.walk(directory)) {
        files = walk.filter(path -> !path.equals(directory)).sorted().toList();
      }
      StringBuilder listing = new StringBuilder();
      for (Path file : files) {
        if (Files.isRegularFile(file)) {
          listing.append(directory.relativize(file)).append(' ').append(Files.size(file)).append(' ')
              .append(Files.getLastModifiedTime(file).toMillis()).append('\n');
        }
      }
      Path jar = WORK.resolve("floe-cli-classes-" + digest(listing.toString()) + ".jar");
      try (FileChannel lock = FileChannel.open(WORK.resolve(".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock held = lock.lock()) {
        if (!Files.isRegularFile(jar)) {
          Path partial = WORK.resolve(jar.getFileName() + ".partial");
          try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(partial))) {
            for (Path file : files) {
              String name = directory.relativize(file).toString().replace(File.separatorChar, '/');
              boolean isDirectory = Files.isDirectory(file);
              out.putNextEntry(new JarEntry(isDirectory ? name + "/" : name));
              if (!isDirectory) {
                Files.copy(file, out);
              }
              out.closeEntry();
            }
          }
          Files.move(partial, jar);
        }
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot make a jar of " + directory, e);
    }
  }

  private static String digest(String text) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
