package io.floe.ingest.file;

import io.floe.core.config.SourceLocation;
import io.floe.core.error.FloeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files a source's {@code path} names: one file, the files of a directory, or the files a glob
 * matches ({@code *} within a directory, {@code **} across directories). Hidden files and files
 * starting with {@code _} are skipped, as Spark and Hadoop do; a skipped one that looks like data is
 * reported, and one named on its own is an error.
 *
 * @param root the project directory, which relative paths and the names in positions are relative to
 * @param written the path as written in floe.yaml
 * @param base the directory to search, or the single file
 * @param glob the matcher for a glob, or null
 */
record FileMatcher(Path root, String written, Path base, PathMatcher glob, SourceLocation location) {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FileMatcher.class);
  private static final String GLOB_CHARACTERS = "*?[{";

  static FileMatcher of(Path root, String written, SourceLocation location) {
    // A relative path stays in the project (so "../../etc/passwd" is refused); files elsewhere are
    // named by an absolute path, on purpose. Symbolic links inside the project are followed.
    if (!Path.of(written).isAbsolute() && !root.resolve(written).normalize().startsWith(root.normalize())) {
      throw FloeException.user("%s: Cannot use path '%s': a relative path must stay inside the project directory."
          + " Write an absolute path to read files outside it.", location, written);
    }
    int firstGlob = indexOfGlob(written);
    if (firstGlob < 0) {
      return new FileMatcher(root, written, root.resolve(written).normalize(), null, location);
    }
    String fixed = written.substring(0, firstGlob);
    int slash = fixed.lastIndexOf('/');
    Path base = root.resolve(slash < 0 ? "" : fixed.substring(0, slash)).normalize();
    String pattern = root.resolve(written).normalize().toString();
    return new FileMatcher(root, written, base, FileSystems.getDefault().getPathMatcher("glob:" + pattern), location);
  }

  /**
   * The files, sorted by path.
   *
   * @throws FloeException a user error when the file or the glob's directory does not exist, or a glob
   *     matches nothing
   */
  List<Path> files(String sourceName) {
    if (glob == null && Files.isRegularFile(base)) {
      if (isHidden(base)) {
        throw FloeException.user("%s: Cannot read source '%s': %s is a hidden file (its name starts with '_' or "
            + "'.'), which Spark's readers skip. Rename it.", location, sourceName, written);
      }
      return List.of(base);
    }
    if (!Files.isDirectory(base)) {
      if (glob == null) {
        throw FloeException.user("%s: Cannot read source '%s': %s does not exist. Fix the source's path.",
            location, sourceName, written);
      }
      throw FloeException.user("%s: Cannot read source '%s': the directory %s does not exist, so nothing can match"
          + " '%s'. Create it and put the files there, or fix the source's path.", location, sourceName,
          root.relativize(base), written);
    }
    List<Path> files;
    try (Stream<Path> walk = glob == null ? Files.list(base) : Files.walk(base)) {
      List<Path> matched = walk.filter(Files::isRegularFile)
          .filter(file -> glob == null || glob.matches(file))
          .sorted()
          .toList();
      files = matched.stream().filter(file -> !isHidden(file)).toList();
      // Markers such as _SUCCESS are skipped quietly; a data file skipped for its name is reported.
      matched.stream().filter(FileMatcher::isHidden).filter(FileMatcher::looksLikeData).forEach(file ->
          LOG.warn("Source {}: skipping {}: its name starts with '_' or '.', which marks a hidden file that Spark's "
              + "readers skip; rename it to load it.", sourceName, nameOf(file)));
    } catch (IOException | UncheckedIOException e) {
      throw FloeException.external(e, "Cannot list files of source '%s' in %s: %s", sourceName, base, e.getMessage());
    }
    if (files.isEmpty()) {
      throw FloeException.user("%s: Cannot read source '%s': no file matches '%s'.", location, sourceName, written);
    }
    return files;
  }

  /** The name a file has in positions: relative to the project when inside it, so a project can move. */
  String nameOf(Path file) {
    return file.startsWith(root) ? root.relativize(file).toString() : file.toString();
  }

  private static boolean isHidden(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith(".") || name.startsWith("_");
  }

  private static boolean looksLikeData(Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    return List.of(".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".parquet", ".gz").stream()
        .anyMatch(name::endsWith);
  }

  private static int indexOfGlob(String path) {
    for (int i = 0; i < path.length(); i++) {
      if (GLOB_CHARACTERS.indexOf(path.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
