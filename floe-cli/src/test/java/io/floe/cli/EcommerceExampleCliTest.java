package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.examples.ecommerce.EcommerceDataGenerator;
import io.floe.examples.projects.ExampleProjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/ecommerce (seed 002) end to end through the CLI: build, a failing test that blocks the
 * publish, an incremental build, and the incremental result checked against a full build of the
 * same files.
 */
class EcommerceExampleCliTest {
  private static final long ROWS = 3_000;
  private static final long SEED = 7;
  private static final List<String> TABLES = List.of("silver.customer_sessions", "silver.payment_analysis",
      "silver.inventory_health", "silver.support_metrics", "gold.customer_summary", "gold.daily_metrics",
      "gold.product_summary");

  @TempDir Path workspace;

  @Test
  void aFailingTestBlocksThePublishAndTheIncrementalBuildMatchesAFullOne() throws IOException {
    Path shop = workspace.resolve("shop");
    ExampleProjects.copy(ExampleProjects.ECOMMERCE, shop);
    EcommerceDataGenerator.generate(shop.resolve("landing"), ROWS, SEED);

    String first = floe(shop, "build").ok();
    assertThat(first)
        .contains("customer_events -> raw.customer_events: 1,578 rows")
        .contains("| gold_product_summary ")
        .contains("0 failed")
        .contains("Published to main.");
    String goldBefore = table(shop, "gold.daily_metrics");
    String mainBefore = mainSnapshot(shop, "gold.customer_summary");

    // New rows arrive, and a test that every day breaks is added: the build ingests them, runs the
    // models on its branch, and publishes nothing.
    EcommerceDataGenerator.generateIncrement(shop.resolve("landing"), ROWS, 0.01, 1, SEED);
    Path failing = shop.resolve("tests/deliberately_failing.sql");
    Files.writeString(failing, "select metric_date, total_revenue from {{ ref('gold_daily_metrics') }}"
        + " where total_revenue >= 0");
    CliRun blocked = floe(shop, "build");
    assertThat(blocked.exitCode()).isEqualTo(1);
    assertThat(blocked.out())
        .contains("FAIL deliberately_failing")
        .contains("metric_date=20")
        .contains("Nothing published: main of every table is unchanged.");
    assertThat(table(shop, "gold.daily_metrics")).isEqualTo(goldBefore);
    // main still points at the same snapshot (the discarded branch's snapshot is left for expiry)
    assertThat(mainSnapshot(shop, "gold.customer_summary")).isEqualTo(mainBefore);

    // Without it, the next build merges the increment (already in raw) into silver and gold.
    Files.delete(failing);
    String incremental = floe(shop, "build").ok();
    assertThat(incremental).contains("nothing new").contains("Published to main.");
    assertThat(table(shop, "gold.daily_metrics")).isNotEqualTo(goldBefore);

    // The same files built from scratch give the same silver and gold rows.
    Path full = workspace.resolve("full");
    ExampleProjects.copy(ExampleProjects.ECOMMERCE, full);
    try (Stream<Path> files = Files.list(shop.resolve("landing"))) {
      Files.createDirectories(full.resolve("landing"));
      for (Path file : files.toList()) {
        Files.copy(file, full.resolve("landing").resolve(file.getFileName()));
      }
    }
    floe(full, "build").ok();
    for (String table : TABLES) {
      assertThat(table(shop, table)).as(table).isEqualTo(table(full, table));
    }
  }

  // The snapshot row main points at, its cells without the padding (which follows the widest id).
  private static String mainSnapshot(Path project, String table) {
    return floe(project, "snapshots", table).ok().lines().filter(line -> line.contains("| main |")).findFirst()
        .orElseThrow().replaceAll(" +", " ");
  }

  // The table's rows as sorted CSV lines, without the columns that record when rows were loaded.
  private static String table(Path project, String table) {
    List<String> lines = floe(project, "sql", "-o", "csv", "SELECT * FROM " + table).ok().lines().toList();
    List<String> header = List.of(lines.get(0).split(",", -1));
    List<String> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      List<String> cells = List.of(line.split(",", -1));
      List<String> kept = new ArrayList<>();
      for (int i = 0; i < header.size(); i++) {
        if (!header.get(i).contains("ingested")) {
          kept.add(cells.get(i));
        }
      }
      rows.add(String.join(",", kept));
    }
    rows.sort(null);
    return String.join("\n", rows);
  }
}
