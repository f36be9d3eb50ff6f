package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code floe ingest} and {@code floe sources} as a user runs them, asserting on the tables they leave. */
class IngestCliTest {
  @TempDir Path project;

  @Test
  void ingestLoadsNewFilesOnceAndSourcesShowsThePosition() throws IOException {
    write("floe.yaml", """
        name: shop
        sources:
          orders:
            type: csv
            path: landing/orders_*.csv
            batch: {max-files: 1}
            hash: true
        """);
    write("landing/orders_1.csv", "id,amount\n1,10.5\n2,20\n");
    write("landing/orders_2.csv", "id,amount\n3,1\n");

    CliRun first = floe(project, "ingest");
    assertThat(first.ok()).startsWith("orders -> bronze.orders: 3 rows in 2 batches,").contains("position: 2 files");
    assertThat(first.err()).contains("orders: batch 2/2 (landing/orders_2.csv), 1 rows");
    assertThat(floe(project, "ingest", "orders").ok()).isEqualTo("orders -> bronze.orders: nothing new (2 files)\n");
    write("landing/orders_3.csv", "id,amount\n4,2\n");
    assertThat(floe(project, "ingest", "-o", "json").ok()).contains("\"rows_written\" : 1");

    assertThat(floe(project, "sql", "-o", "csv",
        "SELECT count(*) n, count(DISTINCT id) ids, count(DISTINCT _hash) hashes FROM bronze.orders").ok())
        .isEqualTo("n,ids,hashes\n4,4,4\n");
    String sources = floe(project, "sources", "-o", "json").ok();
    assertThat(sources).contains("\"source\" : \"orders\"", "\"table\" : \"bronze.orders\"",
        "\"position\" : \"3 files\"", "\"last_run\" : \"20");
  }

  @Test
  void aMissingFileIsOneLineAndExitCodeOne() throws IOException {
    write("floe.yaml", "name: shop\nsources:\n  orders: {type: csv, path: landing/orders.csv}\n");

    CliRun run = floe(project, "ingest");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo(
        "error: floe.yaml:3: Cannot read source 'orders': landing/orders.csv does not exist. Fix the source's path.\n");
  }

  @Test
  void sourcesLoadSideBySideAreReportedInTheirOrderAndOneThatFailsLeavesTheOthersLoaded() throws IOException {
    write("floe.yaml", """
        name: shop
        sources:
          orders: {type: csv, path: landing/orders_*.csv}
          customers: {type: csv, path: landing/customers.csv}
          payments: {type: csv, path: landing/payments_*.csv}
          refunds: {type: csv, path: landing/refunds.csv}
        """);
    write("landing/orders_1.csv", "id,amount\n1,10.5\n2,20\n");
    write("landing/payments_1.csv", "id,amount\n7,1\n");
    write("landing/refunds.csv", "id,amount\n9,3\n");

    CliRun run = floe(project, "ingest");

    // customers has no file: the run fails with its error, and the three others are loaded and reported in order.
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("Cannot read source 'customers': landing/customers.csv does not exist");
    assertThat(run.out().lines().filter(line -> line.contains(" -> ")).map(line -> line.split(" ")[0]).toList())
        .containsExactly("orders", "payments", "refunds");
    assertThat(floe(project, "sql", "-o", "csv", "SELECT (SELECT count(*) FROM bronze.orders) o,"
        + " (SELECT count(*) FROM bronze.payments) p, (SELECT count(*) FROM bronze.refunds) r").ok())
        .isEqualTo("o,p,r\n2,1,1\n");
    write("landing/customers.csv", "id,name\n1,Ann\n");
    assertThat(floe(project, "ingest").ok()).contains("customers -> bronze.customers: 1 rows",
        "orders -> bronze.orders: nothing new");
  }

  @Test
  void aBadSourceSettingFailsBeforeAnythingRuns() throws IOException {
    write("floe.yaml", "name: shop\nsources:\n  orders:\n    type: csv\n    path: x.csv\n    max_rejects: 10\n");

    CliRun run = floe(project, "sources");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo(
        "error: floe.yaml:6: Unknown key 'max_rejects' in sources.orders. Did you mean 'max-rejects'?\n");
    write("floe.yaml", "name: shop\nsources:\n  orders:\n    type: csv\n    path: x.csv\n    max-rejects: 10\n");
    assertThat(floe(project, "ingest", "order").err())
        .isEqualTo("error: Cannot find source 'order' in floe.yaml. Did you mean 'orders'? Sources: orders.\n");
  }

  @Test
  void configDocumentsTheSettingsOfEverySourceType() {
    String reference = floe("config").ok();

    assertThat(reference).contains("## Sources", "| `max-rejects` | string |", "`type: csv`:",
        "| `csv.delimiter` | string | `,` |", "`type: parquet`:");
  }

  private void write(String path, String content) throws IOException {
    Path file = project.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
