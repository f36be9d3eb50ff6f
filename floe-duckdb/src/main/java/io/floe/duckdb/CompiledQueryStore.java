package io.floe.duckdb;

import io.floe.spark.FloeEngine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CompiledQueries}' memory across processes: what one {@code floe build} compiled, the next one
 * (a new JVM) reads from {@code .floe/compiled-queries/} instead of having Spark parse, analyze and optimize
 * the query again. It is a cache: what it holds is checked before each use exactly as a query kept in memory
 * is (the tables' UUIDs, schemas and partition specs, the views' SQL, the session's time zone), and a file
 * that cannot be read is a miss.
 *
 * <p>Its directory is named by a fingerprint of what else decides a compile: Floe's code (the entries and
 * checksums of the jars of this module and of floe-spark, so every copy of one build of Floe shares it),
 * Iceberg's and Spark's versions and every {@code spark.sql.*} setting of the session. A new Floe build
 * that changed those jars, or a changed setting, reads none of the files an earlier one wrote; those are
 * removed. Files
 * not used for {@link #UNUSED_FOR} are removed too, and beyond {@link #MAX_FILES} the least recently used.
 *
 * <p>Files hold Java-serialized objects of a few known classes, read through an allow-list filter. A
 * query's key (its SQL) can hold literal values, so the files are as private as the project's state
 * directory, where the run history and the catalog already are.
 */
final class CompiledQueryStore {
  private static final Logger LOG = LoggerFactory.getLogger(CompiledQueryStore.class);
  static final String DIRECTORY = "compiled-queries";
  static final Duration UNUSED_FOR = Duration.ofDays(14);
  static final int MAX_FILES = 4096;
  // Changed per query while it plans (DuckDbExecutor.withoutAggregatePushDown): not part of the fingerprint.
  private static final String TOGGLED = "spark.sql.iceberg.aggregate-push-down.enabled";
  private static final ObjectInputFilter ALLOWED = ObjectInputFilter.Config.createFilter(
      "maxdepth=64;maxrefs=100000;maxbytes=16777216;io.floe.duckdb.*;org.apache.iceberg.**;"
          + "org.apache.spark.sql.types.*;org.apache.spark.unsafe.types.*;scala.**;java.lang.*;java.util.*;"
          + "java.math.*;java.nio.ByteBuffer;java.nio.HeapByteBuffer;!*");

  private final Path dir;

  private CompiledQueryStore(Path dir) {
    this.dir = dir;
  }

  /** The store of {@code engine}'s project for its session's settings and this Floe build, its old files removed. */
  static CompiledQueryStore open(FloeEngine engine) {
    Path root = engine.project().stateDir().resolve(DIRECTORY);
    CompiledQueryStore store = new CompiledQueryStore(root.resolve(fingerprint(engine)));
    store.removeStale(root);
    return store;
  }

  Path directory() {
    return dir;
  }

  /** The object stored for {@code key} of {@code kind} (a file suffix), if one is and can be read. */
  <T> Optional<T> read(String kind, String key, Class<T> type) {
    Path file = file(kind, key);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.debug("Cannot read the compiled query {}: {}", file, e.toString());
      return Optional.empty();
    }
    String[] rejected = {"nothing"};
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(info -> {
        ObjectInputFilter.Status status = ALLOWED.checkInput(info);
        if (status == ObjectInputFilter.Status.REJECTED) {
          rejected[0] = String.valueOf(info.serialClass());
        }
        return status;
      });
      Object storedKey = in.readObject();
      Object value = in.readObject();
      if (!key.equals(storedKey) || !type.isInstance(value)) {
        return Optional.empty(); // another key with the same hash
      }
      touch(file);
      return Optional.of(type.cast(value));
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      // Written by a Floe whose classes differ in a way the fingerprint did not show, or cut short: a miss.
      LOG.debug("Cannot read the compiled query {} ({}; rejected: {}); it is removed", file, e.toString(),
          rejected[0]);
      delete(file);
      return Optional.empty();
    }
  }

  boolean has(String kind, String key) {
    return Files.exists(file(kind, key));
  }

  /** Removes what is stored for {@code key} of {@code kind}, if anything is. */
  void remove(String kind, String key) {
    delete(file(kind, key));
  }

  /** Stores {@code value} for {@code key}: whole or not at all (a new file moved into place). */
  void write(String kind, String key, Serializable value) {
    Path file = file(kind, key);
    Path temporary = dir.resolve(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(key);
        out.writeObject(value);
      }
      Files.createDirectories(dir);
      Files.write(temporary, bytes.toByteArray());
      try {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      // The build goes on: the next one compiles the query again.
      LOG.warn("Cannot keep the compiled query in {} for later runs: {}", dir, e.toString());
      delete(temporary);
    }
  }

  private Path file(String kind, String key) {
    return dir.resolve(sha256(key).substring(0, 32) + "." + kind);
  }

  // Other fingerprints' directories, and files unused for UNUSED_FOR or beyond MAX_FILES; concurrent runs may
  // remove a file another one reads: it then reads a miss.
  private void removeStale(Path root) {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path other : dirs.filter(path -> !path.equals(dir)).toList()) {
        deleteTree(other);
      }
      if (!Files.isDirectory(dir)) {
        return;
      }
      Instant oldest = Instant.now().minus(UNUSED_FOR);
      List<Path> kept = new ArrayList<>();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.toList()) {
          if (modified(file).toInstant().isBefore(oldest)) {
            delete(file);
          } else {
            kept.add(file);
          }
        }
      }
      if (kept.size() > MAX_FILES) {
        kept.sort(Comparator.comparing(CompiledQueryStore::modified));
        kept.subList(0, kept.size() - MAX_FILES).forEach(CompiledQueryStore::delete);
      }
    } catch (IOException e) {
      LOG.debug("Cannot remove old compiled queries under {}: {}", root, e.toString());
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static void touch(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
    } catch (IOException e) {
      LOG.debug("Cannot mark {} as used: {}", file, e.toString());
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.debug("Cannot remove {}: {}", file, e.toString());
    }
  }

  private static void deleteTree(Path path) throws IOException {
    try (Stream<Path> all = Files.walk(path)) {
      all.sorted(Comparator.reverseOrder()).forEach(CompiledQueryStore::delete);
    }
  }

  /** Floe's code, Iceberg's and Spark's versions and the session's SQL settings, as a directory name. */
  static String fingerprint(FloeEngine engine) {
    Map<String, String> settings = new TreeMap<>();
    scala.collection.Iterator<scala.Tuple2<String, String>> all = engine.session().conf().getAll().iterator();
    while (all.hasNext()) {
      scala.Tuple2<String, String> setting = all.next();
      if (setting._1().startsWith("spark.sql.") && !setting._1().equals(TOGGLED)) {
        settings.put(setting._1(), setting._2());
      }
    }
    return sha256(codeVersion() + "\n" + engine.session().version() + "\n" + settings).substring(0, 16);
  }

  // What Floe's classes are, those that translate a query (this module) and those that analyze and run it
  // (floe-spark): a jar by its entries' names and checksums (not its path or time, so the bench's copy and
  // ./floe's share a store, and a rebuild that changed no class keeps it); classes in a directory (tests, an
  // IDE) by where they are, with one class file's size and time. Iceberg's version too: its classes are stored.
  private static String codeVersion() {
    try {
      StringBuilder version = new StringBuilder();
      for (Class<?> type : List.of(CompiledQueries.class, FloeEngine.class)) {
        Path code = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isRegularFile(code)) {
          version.append("jar ").append(jarContent(code));
        } else {
          Path classFile = code.resolve(type.getName().replace('.', '/') + ".class");
          version.append(code).append(' ').append(Files.size(classFile)).append(' ')
              .append(Files.getLastModifiedTime(classFile).toMillis());
        }
        version.append('\n');
      }
      return version + "iceberg " + org.apache.iceberg.IcebergBuild.fullVersion();
    } catch (Exception e) {
      // Unknown: a value no other process shares, so nothing written by another Floe is read.
      return "unknown " + UUID.randomUUID();
    }
  }

  // Read from the jar's central directory: the entries' CRC-32s stand for their bytes.
  static String jarContent(Path jar) throws IOException {
    StringBuilder entries = new StringBuilder();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      zip.stream().sorted(Comparator.comparing(ZipEntry::getName)).forEach(entry -> entries.append(entry.getName())
          .append(' ').append(entry.getCrc()).append(' ').append(entry.getSize()).append('\n'));
    }
    return sha256(entries.toString());
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(
          StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
