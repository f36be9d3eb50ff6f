package io.floe.ingest.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.config.SourceLocation;
import io.floe.core.secret.ConfigValue;
import io.floe.ingest.spi.RowStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A binary COPY read ahead on a thread of its own, against a real PostgreSQL server. */
class PostgresCopyInputTest {
  @TempDir Path project;

  @Test
  void closingAStreamWhoseServerStallsCancelsTheCopyInsteadOfWaitingForTheServer() throws Exception {
    // The server sends 4,999 rows, then stalls for two minutes before the 5,000th.
    String query = "SELECT i, CASE WHEN i = 5000 THEN (SELECT 'late' FROM pg_sleep(120)) END AS note"
        + " FROM generate_series(1, 10000) i";
    List<CopyColumn> columns = List.of(CopyColumn.of("i", "int4", 10, 0).orElseThrow(),
        CopyColumn.of("note", "text", 0, 0).orElseThrow());
    SourceLocation location = SourceLocation.of(project.resolve("floe.yaml"));
    PostgresConnection connection = new PostgresConnection("stalling",
        ConfigValue.of(PostgresSettings.URL, TestPostgres.url(), location),
        ConfigValue.of(PostgresSettings.USER, "postgres", location), null, project);
    RowStream rows = new PostgresCopyInput("stalling", connection, query, columns).open();
    for (int i = 1; i <= 1_000; i++) {
      assertThat(rows.hasNext()).isTrue();
      assertThat(rows.next()[0]).isEqualTo(i);
    }
    // The reader thread is waiting for row 5,000 by now; the caller gives up (a failed append, say).
    Thread.sleep(500);
    long start = System.nanoTime();
    rows.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("close() waited for the stalled server")
        .isLessThan(Duration.ofSeconds(60));
    assertThat(runningCopies()).as("the server's COPY is cancelled, not left running").isZero();
  }

  // The server's sessions still running the stalling COPY, once its cancel had a moment to land.
  private static long runningCopies() throws Exception {
    long running = 0;
    for (int attempt = 0; attempt < 50; attempt++) {
      try (Connection db = TestPostgres.get().getPostgresDatabase().getConnection();
          Statement statement = db.createStatement();
          ResultSet result = statement.executeQuery("SELECT count(*) FROM pg_stat_activity"
              + " WHERE query LIKE 'COPY (SELECT i, CASE WHEN i = 5000%' AND pid <> pg_backend_pid()")) {
        result.next();
        running = result.getLong(1);
      }
      if (running == 0) {
        return 0;
      }
      Thread.sleep(100);
    }
    return running;
  }
}
