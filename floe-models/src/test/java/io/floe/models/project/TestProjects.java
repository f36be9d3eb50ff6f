package io.floe.models.project;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small project files for tests. */
public final class TestProjects {
  private TestProjects() {}

  /** A floe.yaml with the three medallion namespaces and one var. */
  public static Path create(Path dir) {
    write(dir, "floe.yaml", "name: shop\nnamespaces: [bronze, silver, gold]\nengine:\n  shuffle-partitions: 2\n"
        + "vars:\n  min_amount: 5\n");
    return dir;
  }

  public static void write(Path dir, String relative, String text) {
    try {
      Path file = dir.resolve(relative);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
