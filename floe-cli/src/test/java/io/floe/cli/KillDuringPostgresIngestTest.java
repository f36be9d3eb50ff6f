package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once from a PostgreSQL table under kill -9: {@code floe ingest} of a watermark source,
 * cut into batches, read by the connector's binary COPY into DuckDB (an unpartitioned table) and by
 * Spark's JDBC reader (a partitioned one), is SIGKILLed at random moments. The run after the kills
 * holds every row once, each batch once, and no run branch. {@code -Dfloe.test.seed=N} replays one.
 */
class KillDuringPostgresIngestTest {
  private static final int ROWS = 6_000;
  private static final int BATCH_ROWS = 1_000;
  private static final int KILLS = 3;
  private static EmbeddedPostgres postgres;

  @TempDir Path project;

  @BeforeAll
  static void start() throws IOException, SQLException {
    postgres = EmbeddedPostgres.builder().start();
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE meter_readings (id serial PRIMARY KEY, meter text NOT NULL,"
          + " kwh numeric(12,3), taken_at timestamp NOT NULL)");
      statement.execute("INSERT INTO meter_readings (meter, kwh, taken_at) SELECT 'M' || (g % 50), g * 0.125,"
          + " TIMESTAMP '2026-11-01' + g * interval '1 minute' FROM generate_series(1, " + ROWS + ") g");
    }
  }

  @AfterAll
  static void stop() throws IOException {
    postgres.close();
  }

  @Test
  void killedRunsLoseAndDuplicateNothing() throws Exception {
    String source = """
            type: postgres
            url: %s
            user: postgres
            table: meter_readings
            watermark: id
            batch: {max-rows: %d}
        """.formatted(postgres.getJdbcUrl("postgres", "postgres"), BATCH_ROWS);
    Files.writeString(project.resolve("floe.yaml"), "name: crash\nengine: {master: \"local[2]\"}\nsources:\n"
        + "  by_copy:\n" + source + "  by_jdbc:\n" + source + "    partition-by: [bucket(4, id)]\n");

    long seed = Long.getLong("floe.test.seed", System.nanoTime());
    Random random = new Random(seed);
    List<String> kills = new ArrayList<>();
    for (int kill = 0; kill < KILLS; kill++) {
      int afterBatches = kill == 0 ? 0 : random.nextInt(ROWS / BATCH_ROWS);
      kills.add(FloeProcess.killAfter(project, afterBatches, random.nextInt(kill == 0 ? 4000 : 600), false, "ingest"));
    }
    String what = "seed " + seed + ", kills: " + kills;

    floe(project, "ingest").ok();

    for (String table : List.of("bronze.by_copy", "bronze.by_jdbc")) {
      assertThat(floe(project, "sql", "-o", "csv", "SELECT count(*), count(DISTINCT id), count(DISTINCT _batch_id), "
          + "sum(kwh), (SELECT count(*) FROM " + table + ".refs WHERE name LIKE 'floe_%') FROM " + table).ok()
          .lines().skip(1).findFirst().orElseThrow())
          .as(table + "; " + what)
          .isEqualTo(ROWS + "," + ROWS + "," + ROWS / BATCH_ROWS + "," + sumOfKwh() + ",0");
    }
    assertThat(floe(project, "sql", "-o", "csv", "SELECT max(taken_at) FROM bronze.by_copy").ok().lines().skip(1)
        .findFirst().orElseThrow()).as(what).startsWith("2026-11-05T04:00");
  }

  // 0.125 * (1 + ... + ROWS), as PostgreSQL's numeric(12,3) prints it.
  private static String sumOfKwh() {
    return new java.math.BigDecimal((long) ROWS * (ROWS + 1) / 2).multiply(new java.math.BigDecimal("0.125"))
        .setScale(3).toPlainString();
  }
}
