package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCliTest {
  @TempDir Path workspace;

  @Test
  void demoBuildsTheEcommerceLakehouseThenAnIncrementAndTimeTravels() {
    Path dir = workspace.resolve("demo");
    String out = floe("demo", "--dir", dir.toString(), "--rows", "2000").ok();
    assertThat(out)
        .contains("models/silver/silver_customer_sessions.sql")
        .contains("Generated 2,000 rows")
        .contains("customer_events -> raw.customer_events: 1,052 rows")
        .contains("| gold_customer_summary ")
        .contains("gold.customer_summary by segment")
        .contains("gold.product_summary, the top 5 by revenue")
        .contains("| first_build |");
    // Two builds, each published; the second read only the increment (1% of 2,000 rows, per table).
    assertThat(out.split("Published to main\\.", -1)).hasSize(3);
    assertThat(out).contains("customer_events -> raw.customer_events: 11 rows");
    // The project it leaves behind works with the other commands.
    assertThat(floe(dir, "snapshots", "gold.daily_metrics").ok()).contains("first_build");
    CliRun again = floe("demo", "--dir", dir.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("not empty");
  }

  /**
   * The shipped examples/meter project (seed 000) as the demo runs it against a real PostgreSQL:
   * the first build ingests every table and builds the whole vault; after two customers change, a
   * third is touched without a change and 3 readings arrive, the next build adds exactly the new
   * versions; the seed's example queries run against the project it leaves.
   */
  @Test
  void demoMeterBuildsTheVaultFromAnEmbeddedPostgresThenNewVersionsAndTimeTravels() {
    Path dir = workspace.resolve("meter");
    String out = floe("demo", "meter", "--dir", dir.toString(), "--rows", "500").ok();
    assertThat(out)
        .contains("vault/meter.yml")
        .contains("meter_data: 5 customers, 5 accounts, 5 assets, 500 readings")
        .contains("readings -> bronze.readings: 500 rows")
        .contains("readings -> bronze.readings: 3 rows")
        .contains("| hub_customer_account | 5 ")
        .contains("| first_build | 5 ")
        .contains("| now         | 7 ");
    assertThat(out.split("Published to main\\.", -1)).hasSize(3);

    assertThat(sql(dir, "SELECT count(*) FROM raw_vault.hub_customer")).containsExactly("5");
    assertThat(sql(dir, "SELECT count(*) FROM raw_vault.link_account_asset")).containsExactly("5");
    assertThat(sql(dir, "SELECT count(*) FROM raw_vault.sat_customer_details")).containsExactly("7");
    assertThat(sql(dir, "SELECT count(*) FROM raw_vault.sat_asset_measurements")).containsExactly("503");
    assertThat(sql(dir, "SELECT count(*) FROM raw_vault.ref_meter_type")).containsExactly("3");
    assertThat(sql(dir, "SELECT city FROM business_vault.bv_customer_accounts WHERE installation_id ="
        + " 'INST00000001'")).containsExactly("Bonn");
    assertThat(sql(dir, "SELECT count(*) FROM business_vault.bv_customer_asset_hierarchy")).containsExactly("5");
    assertThat(sql(dir, "SELECT count(*) FROM business_vault.bv_asset_measurements WHERE NOT is_usable"))
        .hasSize(1);
    assertThat(floe(dir, "show", "raw_vault.sat_asset_measurements").ok()).contains("day(interval_start)");
    assertThat(floe(dir, "ls", "-s", "tag:hub").ok()).contains("hub_customer").contains("vault/meter.yml:");
    assertThat(floe("demo", "bakery").err())
        .contains("Cannot run demo 'bakery': the demos are ecommerce, meter, bank, audit and pv.");
  }

  /**
   * The shipped examples/bank project (seed 003) as the demo runs it: an embedded PostgreSQL with
   * logical replication, the snapshot, then each statement of the seed's workload arriving while the
   * demo follows the log, then the current state and the vault. The demo ends by itself.
   */
  @Test
  void demoBankFollowsPostgresLogThenBuildsCurrentStateAndEveryVersion() {
    Path dir = workspace.resolve("bank");
    String out = floe("demo", "bank", "--dir", dir.toString()).ok();
    assertThat(out)
        .contains("users -> raw_data.users: 2 rows in 1 batch")
        .contains("DELETE FROM users WHERE email = 'test@test.com'")
        .contains("users -> raw_data.users: 4 changes in")
        .contains("accounts -> raw_data.accounts: 1 changes in")
        .contains("Published to main.");
    assertThat(out.lines().filter(line -> line.contains("-> 1 change in raw_data after"))).hasSize(5);

    assertThat(sql(dir, "SELECT op, count(*) FROM raw_data.users GROUP BY op ORDER BY op"))
        .containsExactly("c,1", "d,1", "r,2", "u,2");
    assertThat(sql(dir, "SELECT email, name FROM parsed_data.parsed_users ORDER BY email"))
        .containsExactly("bruce@wayne.com,\"Bruce Thomas Wayne\"", "clark@kent.com,\"Clark Kent\"");
    assertThat(sql(dir, "SELECT balance FROM parsed_data.parsed_accounts ORDER BY balance"))
        .containsExactly("1001.25", "3000.00");
    // Every version, also the one between two runs: Bruce W, Bruce Wayne, Bruce Thomas Wayne.
    assertThat(sql(dir, "SELECT s.name FROM data_vault.s_users s JOIN data_vault.h_users h USING (user_hk)"
        + " WHERE h.user_id = '1b214475-9054-4f45-91f4-d111422a7b16' ORDER BY s.load_ts"))
        .containsExactly("\"Bruce W\"", "\"Bruce Wayne\"", "\"Bruce Thomas Wayne\"");
    assertThat(sql(dir, "SELECT status FROM data_vault.sts_users ORDER BY load_ts DESC LIMIT 1")).containsExactly("D");
  }

  /**
   * The shipped examples/audit project (seed 004) as the demo runs it: an embedded PostgreSQL's
   * audit table and the Vault stand-in; two builds, the second bringing a new payload key that
   * arrives as a column in staging, the mart and the history.
   */
  @Test
  void demoAuditBuildsCurrentStateAndHistoryThenANewKeyArrivesAsAColumn() {
    Path dir = workspace.resolve("audit");
    String out = floe("demo", "audit", "--dir", dir.toString(), "--rows", "400").ok();
    assertThat(out)
        .contains("Vault (stand-in) at http://127.0.0.1:")
        .contains("orders_changes -> landing.ecomm_orders_changes: 400 rows in 1 batch")
        .contains("orders_changes -> landing.ecomm_orders_changes: 100 rows in 1 batch")
        .contains("schema: added delivery_notes string")
        .contains("| marts.orders_history_scd2 ");
    assertThat(out.split("Published to main\\.", -1)).hasSize(3);
    assertThat(sql(dir, "SELECT count(*) FROM marts.orders_history_scd2")).containsExactly("500");
    assertThat(sql(dir, "SELECT count(*) FROM staging.stg_ecomm_audit_log_dml WHERE audit_operation = 'D'"))
        .isEqualTo(sql(dir, "SELECT count(*) FROM marts.orders_history_scd2 WHERE is_deleted"));
  }

  @Test
  void demoPvReadsBothApisIntoGoldThenOnlyTheNewWindows() {
    Path dir = workspace.resolve("pv");
    String out = floe("demo", "pv", "--dir", dir.toString(), "--plants", "4").ok();
    assertThat(out)
        .contains("OpenElectricity (fixture): http://127.0.0.1:")
        .contains("oe_facilities -> bronze.oe_facilities_raw: 4 rows in 1 batch")
        .contains("answered 429 and retried after Retry-After")
        .contains("run 2 complete, windows up to 2024-01-22T00:00:00Z");
    assertThat(out.split("Published to main\\.", -1)).hasSize(3);
    // Three weeks of hours for 4 plants, less the fixture's telemetry gaps, each hour once.
    long hours = Long.parseLong(sql(dir, "SELECT count(*) FROM silver.fact_generation_hourly").get(0));
    assertThat(hours).isBetween(4L * 21 * 24 * 95 / 100, 4L * 21 * 24 - 1);
    assertThat(sql(dir, "SELECT count(*), count(DISTINCT plant_id, ts_utc) FROM gold.plant_weather_hourly"))
        .containsExactly(hours + "," + hours);
    assertThat(sql(dir, "SELECT count(*) FROM silver.fact_weather_hourly")).containsExactly(String.valueOf(4 * 21 * 24));
    // The weather joins every generation hour, and a plant's energy follows its irradiance.
    assertThat(sql(dir, "SELECT count(*) FROM gold.plant_weather_hourly WHERE ghi_wm2 IS NULL")).containsExactly("0");
    assertThat(sql(dir, "SELECT count(*) FROM gold.plant_weather_hourly WHERE ghi_wm2 = 0 AND energy_mwh > 0"))
        .containsExactly("0");
  }

  private static java.util.List<String> sql(Path dir, String query) {
    return floe(dir, "sql", "-o", "csv", query).ok().lines().skip(1).toList();
  }
}
