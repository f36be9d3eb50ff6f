package io.floe.core.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Where a configured value was written, so that every error can point at it.
 *
 * @param file the configuration file
 * @param line the 1-based line, or 0 when the value is a default and was written on no line
 */
public record SourceLocation(Path file, int line) {
  public SourceLocation {
    requireNonNull(file, "file is null");
    if (line < 0) {
      throw new IllegalArgumentException("Invalid line: must be 0 or more, but was: " + line);
    }
  }

  /** The location of a value that comes from the file as a whole, such as a default. */
  public static SourceLocation of(Path file) {
    return new SourceLocation(file, 0);
  }

  /** {@code floe.yaml:7}, or just {@code floe.yaml} without a line: short enough for one-line errors. */
  @Override
  public String toString() {
    Path name = file.getFileName();
    String fileName = name == null ? file.toString() : name.toString();
    return line == 0 ? fileName : fileName + ":" + line;
  }
}
