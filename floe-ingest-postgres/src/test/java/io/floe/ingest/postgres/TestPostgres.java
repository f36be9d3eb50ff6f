package io.floe.ingest.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** One real PostgreSQL per test JVM (embedded binaries from Maven Central), stopped at exit. */
public final class TestPostgres {
  private static EmbeddedPostgres postgres;

  private TestPostgres() {}

  public static synchronized EmbeddedPostgres get() {
    if (postgres == null) {
      try {
        // Logical decoding for the change source's tests; the batch tests do not mind it.
        postgres = EmbeddedPostgres.builder().setServerConfig("wal_level", "logical")
            .setServerConfig("max_replication_slots", "20").setServerConfig("max_wal_senders", "20").start();
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
