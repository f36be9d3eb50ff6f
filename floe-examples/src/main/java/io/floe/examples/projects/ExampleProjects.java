package io.floe.examples.projects;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The example projects shipped in {@code examples/} and packaged on the class path, laid out in a
 * directory of the user's (what {@code floe demo} starts from).
 */
public final class ExampleProjects {
  /** The e-commerce lakehouse of seed 002. */
  public static final String ECOMMERCE = "ecommerce";
  /** The meter data vault of seed 000. */
  public static final String METER = "meter";
  /** The bank CDC lakehouse of seed 003. */
  public static final String BANK = "bank";
  /** The audit-log CDC lakehouse of seed 004. */
  public static final String AUDIT = "audit";
  /** The PV lakehouse of seed 001. */
  public static final String PV = "pv";

  private static final String ROOT = "/io/floe/examples/projects/";

  private ExampleProjects() {}

  /**
   * Copies the project's files (floe.yaml, models, macros, tests) into {@code target}.
   *
   * @return the files copied, relative to {@code target}, sorted
   * @throws IllegalArgumentException if there is no such example
   * @throws UncheckedIOException if a file cannot be read or written
   */
  public static List<Path> copy(String name, Path target) {
    URL url = ExampleProjects.class.getResource(ROOT + name + "/floe.yaml");
    if (url == null) {
      throw new IllegalArgumentException("Cannot find example project '" + name + "' on the class path");
    }
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        FileSystem jar;
        boolean opened;
        try {
          jar = FileSystems.newFileSystem(uri, Map.of());
          opened = true;
        } catch (FileSystemAlreadyExistsException e) {
          jar = FileSystems.getFileSystem(uri); // opened elsewhere in this JVM: leave it open for its owner
          opened = false;
        }
        try {
          return copyTree(jar.getPath(ROOT + name), target);
        } finally {
          if (opened) {
            jar.close();
          }
        }
      }
      return copyTree(Path.of(uri).getParent(), target);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Cannot locate example project " + name + " at " + url, e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy example project " + name + " to " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Points a laid-out meter project at a database of its own: the URL replaces
   * {@code ${env:METER_DB_URL}} in its floe.yaml, and the password line goes (an embedded
   * PostgreSQL trusts local connections).
   *
   * @throws UncheckedIOException if floe.yaml cannot be read or written
   */
  public static void useMeterDatabase(Path project, String jdbcUrl) {
    useDatabase(project, "METER_DB", jdbcUrl);
  }

  /** As {@link #useMeterDatabase}, for the bank project's {@code BANK_DB_URL}. */
  public static void useBankDatabase(Path project, String jdbcUrl) {
    useDatabase(project, "BANK_DB", jdbcUrl);
  }

  /**
   * Points a laid-out audit project at its services: the database URL replaces
   * {@code ${env:ECOMM_DB_URL}}, the Vault address {@code ${env:VAULT_ADDR}} and the token
   * reference {@code ${env:VAULT_TOKEN}} (say, with a {@code ${file:...}} reference).
   */
  public static void useAuditServices(Path project, String jdbcUrl, String vaultAddress, String tokenReference) {
    Path config = project.resolve("floe.yaml");
    try {
      Files.writeString(config, Files.readString(config).replace("${env:ECOMM_DB_URL}", jdbcUrl)
          .replace("${env:VAULT_ADDR}", vaultAddress).replace("${env:VAULT_TOKEN}", tokenReference));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + config + ": " + e.getMessage(), e);
    }
  }

  /**
   * Points a laid-out PV project at its APIs: {@code ${env:OE_API_URL}} and {@code ${env:OM_ARCHIVE_URL}}
   * become the given URLs, and the key reference {@code ${env:OE_API_KEY}} becomes {@code keyReference}
   * (say, a {@code ${file:...}} reference).
   */
  public static void usePvApis(Path project, String openElectricityUrl, String openMeteoUrl, String keyReference) {
    Path config = project.resolve("floe.yaml");
    try {
      Files.writeString(config, Files.readString(config).replace("${env:OE_API_URL}", openElectricityUrl)
          .replace("${env:OM_ARCHIVE_URL}", openMeteoUrl).replace("${env:OE_API_KEY}", keyReference));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + config + ": " + e.getMessage(), e);
    }
  }

  /** Moves where a laid-out PV project's windows end (its {@code end: 'YYYY-MM-DD'}), as time passing would. */
  public static void setPvWindowEnd(Path project, String from, String to) {
    Path config = project.resolve("floe.yaml");
    try {
      Files.writeString(config, Files.readString(config).replace("end: '" + from + "'", "end: '" + to + "'"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + config + ": " + e.getMessage(), e);
    }
  }

  private static void useDatabase(Path project, String variable, String jdbcUrl) {
    Path config = project.resolve("floe.yaml");
    try {
      Files.writeString(config, Files.readString(config).replace("${env:" + variable + "_URL}", jdbcUrl)
          .replace("    password: ${env:" + variable + "_PASSWORD}\n", ""));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + config + ": " + e.getMessage(), e);
    }
  }

  private static List<Path> copyTree(Path source, Path target) throws IOException {
    try (Stream<Path> walk = Files.walk(source)) {
      List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
      for (Path file : files) {
        Path destination = target.resolve(source.relativize(file).toString());
        Files.createDirectories(destination.getParent());
        Files.copy(file, destination);
      }
      return files.stream().map(file -> Path.of(source.relativize(file).toString())).toList();
    }
  }
}
