package io.floe.ingest.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One real PostgreSQL per test JVM (embedded binaries from Maven Central), stopped at exit: the
 * default binaries on the class path (14), or, when {@code floe.test.postgres.binaries} names a
 * binaries jar (the pom's postgres-17 execution), those.
 */
public final class TestPostgres {
  private static EmbeddedPostgres postgres;

  private TestPostgres() {}

  public static synchronized EmbeddedPostgres get() {
    if (postgres == null) {
      try {
        // Logical decoding for the change source's tests; the batch tests do not mind it.
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setServerConfig("wal_level", "logical")
            .setServerConfig("max_replication_slots", "20").setServerConfig("max_wal_senders", "20");
        String binaries = System.getProperty("floe.test.postgres.binaries");
        if (binaries != null) {
          builder.setPgBinaryResolver((system, machine) -> binaries(binaries, system, machine));
        }
        postgres = builder.start();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start embedded PostgreSQL", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          postgres.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }));
    }
    return postgres;
  }

  /** Where a binaries jar keeps its archive, as zonky's own resolver names it. */
  private static java.io.InputStream binaries(String jar, String system, String machine) throws IOException {
    java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar);
    String name = "postgres-" + system.toLowerCase(java.util.Locale.ROOT) + "-" + machine + ".txz";
    java.util.zip.ZipEntry entry = zip.getEntry(name);
    if (entry == null) {
      zip.close();
      throw new IOException("Invalid PostgreSQL binaries jar " + jar + ": it holds no " + name);
    }
    return new java.io.FilterInputStream(zip.getInputStream(entry)) {
      @Override
      public void close() throws IOException {
        super.close();
        zip.close();
      }
    };
  }

  /** The server's major version, e.g. 14 or 17. */
  public static int majorVersion() {
    try (Connection connection = get().getPostgresDatabase().getConnection()) {
      return connection.getMetaData().getDatabaseMajorVersion();
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the test server's version", e);
    }
  }

  public static String url() {
    return get().getJdbcUrl("postgres", "postgres");
  }

  public static void execute(String... statements) {
    try (Connection connection = get().getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot run test SQL: " + e.getMessage(), e);
    }
  }
}
