package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.examples.meter.MeterCounts;
import io.floe.examples.meter.MeterDataGenerator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped examples/meter project against a real PostgreSQL holding seed 000's meter_data:
 * the first ingest loads every table, the next loads only what changed.
 */
class MeterIngestCliTest {
  @TempDir Path project;

  @Test
  void meterDataIngestsIntoBronzeAndRerunsLoadOnlyWhatIsNew() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      MeterCounts counts;
      try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
        counts = MeterDataGenerator.generate(connection, 2_000, 7);
      }
      // The example reads its URL from the environment; the test writes it in instead.
      String example = Files.readString(Path.of("../examples/meter/floe.yaml"))
          .replace("${env:METER_DB_URL}", postgres.getJdbcUrl("postgres", "postgres"))
          .replace("    password: ${env:METER_DB_PASSWORD}\n", "");
      Files.writeString(project.resolve("floe.yaml"), example);

      String first = floe(project, "ingest").ok();
      assertThat(first).contains(String.format("readings -> bronze.readings: %,d rows", counts.readings()))
          .contains(String.format("customers -> bronze.customers: %,d rows", counts.customers()));
      assertThat(count("bronze.readings")).isEqualTo(counts.readings());
      assertThat(count("bronze.assets")).isEqualTo(counts.assets());
      assertThat(floe(project, "show", "bronze.readings").ok()).contains("day(interval_start)");

      try (Connection connection = postgres.getPostgresDatabase().getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute("INSERT INTO meter_data.readings (asset_id, reading_value, interval_start,"
            + " interval_end) SELECT asset_id, 1.0, now(), now() FROM meter_data.assets LIMIT 3");
        statement.execute("UPDATE meter_data.customers SET status = 'INACTIVE', last_modified = now()"
            + " WHERE installation_id = (SELECT min(installation_id) FROM meter_data.customers)");
      }
      String second = floe(project, "ingest").ok();
      assertThat(second).contains("readings -> bronze.readings: 3 rows");
      assertThat(count("bronze.readings")).isEqualTo(counts.readings() + 3);
      assertThat(count("bronze.customers")).isEqualTo(counts.customers());
      assertThat(floe(project, "sql", "-o", "csv",
          "SELECT count(*) AS n FROM bronze.customers WHERE status = 'INACTIVE'").ok()).isNotEqualTo("n\n0\n");
      assertThat(floe(project, "sources").ok()).contains("readings").contains("watermark = ");
    }
  }

  private long count(String table) throws Exception {
    String csv = floe(project, "sql", "-o", "csv", "SELECT count(*) AS n FROM " + table).ok();
    return Long.parseLong(csv.lines().skip(1).findFirst().orElseThrow());
  }
}
