package io.floe.ingest.spi;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Files the engine reads with its own readers.
 *
 * @param format how the files are written
 * @param files absolute paths, in load order; gzip files are recognised by their {@code .gz} extension
 * @param schema the columns declared by the user, or empty to infer them
 */
public record FileInput(FileFormat format, List<Path> files, Optional<List<SourceColumn>> schema)
    implements BatchInput {
  public FileInput {
    requireNonNull(format, "format is null");
    files = List.copyOf(requireNonNull(files, "files is null"));
    schema = requireNonNull(schema, "schema is null").map(List::copyOf);
    if (files.isEmpty()) {
      throw new IllegalArgumentException("Invalid file input: no files");
    }
  }
}
