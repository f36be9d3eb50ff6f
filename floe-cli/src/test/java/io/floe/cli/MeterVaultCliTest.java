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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped examples/meter project (seed 000) against a real PostgreSQL holding meter_data: the
 * first build ingests every table and builds the whole vault; after customers change and readings
 * arrive, the next build ingests only those and adds exactly the new versions; the seed's example
 * queries run against the result.
 */
class MeterVaultCliTest {
  @TempDir Path project;

  @Test
  void theMeterVaultBuildsFromPostgresAndTheRerunAddsExactlyTheNewVersions() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      MeterCounts counts;
      try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
        counts = MeterDataGenerator.generate(connection, 2_000, 7);
      }
      copyExample(postgres);

      String first = floe(project, "build").ok();
      assertThat(first).contains(String.format("readings -> bronze.readings: %,d rows", counts.readings()))
          .contains(String.format("customers -> bronze.customers: %,d rows", counts.customers()));
      assertThat(count("raw_vault.hub_customer")).isEqualTo(counts.customers());
      assertThat(count("raw_vault.hub_customer_account")).isEqualTo(counts.accounts());
      assertThat(count("raw_vault.hub_asset")).isEqualTo(counts.assets());
      assertThat(count("raw_vault.link_account_asset")).isEqualTo(counts.assets());
      assertThat(count("raw_vault.sat_customer_details")).isEqualTo(counts.customers());
      assertThat(count("raw_vault.sat_asset_measurements")).isEqualTo(counts.readings());
      assertThat(count("raw_vault.ref_meter_type")).isEqualTo(3);
      assertThat(count("business_vault.bv_customer_asset_hierarchy")).isEqualTo(counts.assets());
      assertThat(floe(project, "show", "raw_vault.sat_asset_measurements").ok()).contains("day(interval_start)");
      assertThat(floe(project, "ls", "-s", "tag:hub").ok()).contains("hub_customer").contains("vault/meter.yml:");
      long measurementsSnapshot = snapshot("raw_vault.sat_customer_details");

      try (Connection connection = postgres.getPostgresDatabase().getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute("INSERT INTO meter_data.readings (asset_id, reading_value, interval_start, interval_end)"
            + " SELECT asset_id, 1.0, now(), now() FROM meter_data.assets ORDER BY asset_id LIMIT 3");
        statement.execute("UPDATE meter_data.customers SET city = 'Bonn', last_modified = now()"
            + " WHERE installation_id IN ('INST00000001', 'INST00000002')");
        statement.execute("UPDATE meter_data.customers SET last_modified = now()" // touched, nothing changed
            + " WHERE installation_id = 'INST00000003'");
      }
      floe(project, "build").ok();
      assertThat(count("bronze.readings")).isEqualTo(counts.readings() + 3);
      assertThat(count("raw_vault.sat_asset_measurements")).isEqualTo(counts.readings() + 3);
      assertThat(count("raw_vault.sat_customer_details")).isEqualTo(counts.customers() + 2);
      assertThat(count("raw_vault.hub_customer")).isEqualTo(counts.customers());
      assertThat(sql("SELECT city FROM business_vault.bv_customer_accounts WHERE installation_id = 'INST00000001'"))
          .containsExactly("Bonn");
      // Time travel: the satellite as it was after the first build.
      assertThat(sql("SELECT count(*) FROM raw_vault.sat_customer_details VERSION AS OF " + measurementsSnapshot))
          .containsExactly(String.valueOf(counts.customers()));

      // The seed's example queries.
      assertThat(sql("SELECT count(*) FROM business_vault.bv_asset_measurements WHERE quality_code = 'SUSPECT'"
          + " AND NOT is_usable")).hasSize(1);
      assertThat(sql("SELECT asset_id FROM business_vault.bv_asset_measurements ORDER BY interval_start DESC"
          + " LIMIT 3")).hasSize(3);
      assertThat(sql("SELECT 'hub_customer', count(*) FROM raw_vault.hub_customer UNION ALL SELECT 'hub_asset',"
          + " count(*) FROM raw_vault.hub_asset")).hasSize(2);
      assertThat(floe(project, "sources").ok()).contains("readings").contains("watermark = ");
    }
  }

  private void copyExample(EmbeddedPostgres postgres) throws Exception {
    Path example = Path.of("../examples/meter");
    try (var files = Files.walk(example)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path target = project.resolve(example.relativize(file).toString());
        Files.createDirectories(target.getParent());
        Files.copy(file, target);
      }
    }
    // The example reads its URL from the environment; the test writes it in instead.
    Path config = project.resolve("floe.yaml");
    Files.writeString(config, Files.readString(config)
        .replace("${env:METER_DB_URL}", postgres.getJdbcUrl("postgres", "postgres"))
        .replace("    password: ${env:METER_DB_PASSWORD}\n", ""));
  }

  private long snapshot(String table) throws Exception {
    return Long.parseLong(sql("SELECT snapshot_id FROM " + table + ".snapshots ORDER BY committed_at DESC LIMIT 1")
        .get(0));
  }

  private long count(String table) throws Exception {
    return Long.parseLong(sql("SELECT count(*) AS n FROM " + table).get(0));
  }

  private List<String> sql(String query) throws Exception {
    return floe(project, "sql", "-o", "csv", query).ok().lines().skip(1).toList();
  }
}
