package io.floe.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Deleting the bench's scratch directories. */
final class BenchFiles {
  private BenchFiles() {}

  /** Deletes a file or a directory with everything in it; nothing happens if it does not exist. */
  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(path)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path each : paths) {
      Files.delete(each);
    }
  }
}
