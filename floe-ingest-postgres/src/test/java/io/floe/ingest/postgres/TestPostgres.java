package io.floe.ingest.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** One real PostgreSQL per test JVM (embedded binaries from Maven Central), stopped at exit. */
final class TestPostgres {
  private static EmbeddedPostgres postgres;

  private TestPostgres() {}

  static synchronized EmbeddedPostgres get() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
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

  static String url() {
    return get().getJdbcUrl("postgres", "postgres");
  }

  static void execute(String... statements) {
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
