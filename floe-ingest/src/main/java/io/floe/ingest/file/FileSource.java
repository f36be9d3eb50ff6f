package io.floe.ingest.file;

import io.floe.core.error.FloeException;
import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.FileFormat;
import io.floe.ingest.spi.FileInput;
import io.floe.ingest.spi.Position;
import io.floe.ingest.spi.Source;
import io.floe.ingest.spi.SourceDefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Plans the files not loaded yet into batches of at most {@code batch.max-files} files and
 * {@code batch.max-mb} megabytes. The position is the set of loaded files, so a file is loaded once
 * whatever its name sorts like, and a file added later is picked up by the next run.
 */
final class FileSource implements Source {
  private final SourceDefinition definition;
  private final FileFormat format;
  private final FileMatcher matcher;
  private final int maxFiles;
  private final long maxBytes;

  FileSource(SourceDefinition definition, FileFormat format, FileMatcher matcher, int maxFiles, long maxBytes) {
    this.definition = definition;
    this.format = format;
    this.matcher = matcher;
    this.maxFiles = maxFiles;
    this.maxBytes = maxBytes;
  }

  @Override
  public String name() {
    return definition.name();
  }

  @Override
  public List<Batch> plan(Position committed) {
    LoadedFiles loaded = LoadedFiles.of(committed, name());
    List<Batch> batches = new ArrayList<>();
    List<Path> chunk = new ArrayList<>();
    long chunkBytes = 0;
    for (Path file : matcher.files(name())) {
      if (loaded.contains(matcher.nameOf(file))) {
        continue;
      }
      long size = sizeOf(file);
      if (!chunk.isEmpty() && (chunk.size() >= maxFiles || chunkBytes + size > maxBytes)) {
        loaded = addBatch(batches, chunk, chunkBytes, loaded);
        chunk = new ArrayList<>();
        chunkBytes = 0;
      }
      chunk.add(file);
      chunkBytes += size;
    }
    if (!chunk.isEmpty()) {
      addBatch(batches, chunk, chunkBytes, loaded);
    }
    return List.copyOf(batches);
  }

  @Override
  public String describe(Position position) {
    int count = LoadedFiles.of(position, name()).names().size();
    return count == 1 ? "1 file" : count + " files";
  }

  private LoadedFiles addBatch(List<Batch> batches, List<Path> files, long bytes, LoadedFiles loaded) {
    List<String> names = files.stream().map(matcher::nameOf).toList();
    LoadedFiles after = loaded.plus(names);
    // The id depends only on the source and the files, so a replay after a crash gets the same id.
    String id = UUID.nameUUIDFromBytes((name() + "\n" + String.join("\n", names)).getBytes(StandardCharsets.UTF_8))
        .toString();
    String description = names.size() == 1 ? names.get(0) : names.size() + " files (" + names.get(0) + " ...)";
    batches.add(new Batch(id, new FileInput(format, files, definition.schema()), after.position(), bytes,
        description));
    return after;
  }

  private long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw FloeException.external(e, "Cannot read file %s of source '%s': %s", file, name(), e.getMessage());
    }
  }
}
