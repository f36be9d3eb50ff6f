package io.floe.models.project;

import io.floe.core.error.FloeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** The files of a project's folders (models, macros, tests, seeds, snapshots), as every loader lists and reads them. */
public final class ProjectFiles {
  private ProjectFiles() {}

  /** The files under {@code dirs} whose name ends with one of {@code extensions}: each folder's sorted, in order. */
  public static List<Path> files(List<Path> dirs, String... extensions) {
    return files(dirs, name -> Stream.of(extensions).anyMatch(name::endsWith));
  }

  /** The files under {@code dirs} whose name {@code accepted}: each folder's sorted, in order; a missing folder has none. */
  public static List<Path> files(List<Path> dirs, Predicate<String> accepted) {
    List<Path> files = new ArrayList<>();
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.filter(Files::isRegularFile).filter(file -> accepted.test(file.getFileName().toString())).sorted()
            .forEach(files::add);
      } catch (IOException e) {
        throw FloeException.user(e, "Cannot list %s: %s", dir, e.getMessage());
      }
    }
    return files;
  }

  /** The file's text. */
  public static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw FloeException.user(e, "Cannot read %s: %s", file, e.getMessage());
    }
  }
}
