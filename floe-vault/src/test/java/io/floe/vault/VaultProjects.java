package io.floe.vault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small project files for tests. */
public final class VaultProjects {
  private VaultProjects() {}

  /** A floe.yaml with bronze and the vault's namespaces. */
  public static Path create(Path dir) {
    return create(dir, "duckdb");
  }

  /** The same, with {@code engine.local-sql} set to {@code localSql} (duckdb or spark). */
  public static Path create(Path dir, String localSql) {
    write(dir, "floe.yaml", "name: vaulted\nnamespaces: [bronze, staging, raw_vault]\nengine:\n"
        + "  shuffle-partitions: 2\n  local-sql: " + localSql + "\n");
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
