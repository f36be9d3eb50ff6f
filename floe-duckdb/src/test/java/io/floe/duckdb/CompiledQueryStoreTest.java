package io.floe.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompiledQueryStoreTest {
  @TempDir
  Path dir;

  @Test
  void twoCopiesOfOneBuildOfFloeShareAStoreAndAChangedClassDoesNot() throws IOException {
    Map<String, String> classes = Map.of("io/floe/duckdb/PlanSql.class", "plan", "META-INF/MANIFEST.MF", "m");
    // The bench's copy and ./floe's: other directories, packed at other times, the same classes.
    Path benchCopy = jar(dir.resolve("bench/lib/floe-duckdb.jar"), classes, Instant.parse("2026-12-01T10:00:00Z"));
    Path cliCopy = jar(dir.resolve("cli/lib/floe-duckdb.jar"), classes, Instant.parse("2026-12-02T11:30:00Z"));
    Path changed = jar(dir.resolve("next/floe-duckdb.jar"),
        Map.of("io/floe/duckdb/PlanSql.class", "plan2", "META-INF/MANIFEST.MF", "m"),
        Instant.parse("2026-12-01T10:00:00Z"));

    assertThat(CompiledQueryStore.jarContent(benchCopy)).isEqualTo(CompiledQueryStore.jarContent(cliCopy));
    assertThat(CompiledQueryStore.jarContent(changed)).isNotEqualTo(CompiledQueryStore.jarContent(benchCopy));
  }

  private static Path jar(Path file, Map<String, String> entries, Instant packed) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, String> entry : new java.util.TreeMap<>(entries).entrySet()) {
        ZipEntry zipEntry = new ZipEntry(entry.getKey());
        zipEntry.setLastModifiedTime(FileTime.from(packed));
        zip.putNextEntry(zipEntry);
        zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    Files.setLastModifiedTime(file, FileTime.from(packed));
    return file;
  }
}
