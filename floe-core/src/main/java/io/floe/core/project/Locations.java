package io.floe.core.project;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Between Iceberg locations and local paths. New tables record {@code file:///...} URIs; projects
 * created before that recorded plain absolute paths ({@code /tmp/...}), which stay readable, so
 * every location is read in both forms.
 */
public final class Locations {
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.*");

  private Locations() {}

  /**
   * The local directory or file as a {@code file:///} URI. Not percent-encoded, as Hadoop's and
   * Trino's file systems read locations: they take the text after the scheme as the path.
   */
  public static String uri(Path path) {
    String absolute = path.toAbsolutePath().normalize().toString().replace('\\', '/');
    return "file://" + (absolute.startsWith("/") ? "" : "/") + absolute;
  }

  /**
   * The local path of a location, if it is local: a {@code file:} URI or a path without a scheme (as
   * older projects recorded); empty for object stores ({@code s3://...}) and other schemes.
   */
  public static Optional<Path> localPath(String location) {
    if (location.startsWith("file:")) {
      // Hadoop writes file:/tmp/x, Floe file:///tmp/x; neither is percent-encoded (see uri).
      String path = location.substring("file:".length());
      if (path.startsWith("//")) {
        int slash = path.indexOf('/', 2);
        String authority = path.substring(2, slash < 0 ? path.length() : slash);
        if (!authority.isEmpty() && !authority.equals("localhost")) {
          return Optional.empty();
        }
        path = slash < 0 ? "/" : path.substring(slash);
      }
      return Optional.of(Path.of(path.matches("/[A-Za-z]:/.*") ? path.substring(1) : path));
    }
    if (SCHEME.matcher(location).matches() && !isWindowsDrive(location)) {
      return Optional.empty();
    }
    return Optional.of(Path.of(location));
  }

  /** Whether the location is on the local file system (with or without a file: scheme). */
  public static boolean isLocal(String location) {
    return localPath(location).isPresent();
  }

  private static boolean isWindowsDrive(String location) {
    return location.length() > 2 && location.charAt(1) == ':' && Character.isLetter(location.charAt(0))
        && (location.charAt(2) == '\\' || location.charAt(2) == '/');
  }
}
