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

  @Test
  void demoMeterBuildsTheVaultFromAnEmbeddedPostgresThenNewVersionsAndTimeTravels() {
    Path dir = workspace.resolve("meter");
    String out = floe("demo", "meter", "--dir", dir.toString(), "--rows", "500").ok();
    assertThat(out)
        .contains("vault/meter.yml")
        .contains("meter_data: 5 customers, 5 accounts, 5 assets, 500 readings")
        .contains("| hub_customer_account | 5 ")
        .contains("| sat_asset_measurements ")
        .contains("| first_build | 5 ")
        .contains("| now         | 7 ");
    assertThat(out.split("Published to main\\.", -1)).hasSize(3);
    assertThat(floe("demo", "bakery").err()).contains("Cannot run demo 'bakery': the demos are ecommerce and meter.");
  }
}
