package io.floe.core.project;

import io.floe.core.error.FloeException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The name a project's runs write under: 12 random hexadecimal digits kept in {@code .floe/writer-id},
 * made by the first run that needs it. The branches and tables a run leaves until it publishes carry
 * it, so that the recovery after a killed run removes what its own project left, and not what a live
 * run of another project writing to the same catalog holds at that moment.
 */
public final class WriterId {
  public static final String FILE_NAME = "writer-id";
  private static final Pattern FORM = Pattern.compile("[0-9a-f]{12}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private WriterId() {}

  /** The writer id of the project whose state directory ({@code .floe}) is {@code stateDir}. */
  public static String of(Path stateDir) {
    Path file = stateDir.resolve(FILE_NAME);
    try {
      if (!Files.exists(file)) {
        create(stateDir, file);
      }
      String id = Files.readString(file).strip();
      if (!FORM.matcher(id).matches()) {
        throw FloeException.user("Cannot read %s: expected 12 hexadecimal digits (the name this project's runs write "
            + "under), found '%s'. Delete the file: the next run makes a new one.", file, id);
      }
      return id;
    } catch (IOException e) {
      throw FloeException.external(e, "Cannot read or create %s (the name this project's runs write under): %s",
          file, e.getMessage());
    }
  }

  // Written whole under another name, then linked into place: a run that reads it at the same time
  // sees no file or the whole id, and of two runs making it at once, one id wins.
  private static void create(Path stateDir, Path file) throws IOException {
    Files.createDirectories(stateDir);
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    Path written = Files.createTempFile(stateDir, FILE_NAME, ".tmp");
    try {
      Files.writeString(written, HexFormat.of().formatHex(bytes) + "\n");
      Files.createLink(file, written);
    } catch (FileAlreadyExistsException e) {
      // Another run made it first: its id is the project's.
    } catch (UnsupportedOperationException e) {
      try {
        Files.move(written, file);
      } catch (FileAlreadyExistsException alreadyMade) {
        // Another run made it first.
      }
    } finally {
      Files.deleteIfExists(written);
    }
  }
}
