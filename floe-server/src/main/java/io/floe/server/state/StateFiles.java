package io.floe.server.state;

import io.floe.core.error.FloeException;
import io.floe.server.http.Exchange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The server's own state files under {@code .floe/} (schedules, backfills), kept as JSON. */
public final class StateFiles {
  private StateFiles() {}

  /**
   * Writes {@code value} as JSON to {@code file}: to a temporary file first, then moved over the old
   * one, so a kill never leaves half a file.
   *
   * @param what the file's contents in an error, e.g. {@code the schedules' state}
   */
  public static void write(Path file, Object value, String what) {
    try {
      Files.createDirectories(file.getParent());
      Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
      Exchange.JSON.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), value);
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw FloeException.external(e, "Cannot write %s %s: %s", what, file, e.getMessage());
    }
  }
}
