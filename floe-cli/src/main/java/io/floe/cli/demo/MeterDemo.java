package io.floe.cli.demo;

import static java.util.Objects.requireNonNull;

import io.floe.core.project.Project;
import io.floe.examples.meter.MeterCounts;
import io.floe.examples.meter.MeterDataGenerator;
import io.floe.examples.projects.ExampleProjects;
import io.floe.spark.FloeEngine;
import io.floe.spark.table.TableVersions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The tour {@code floe demo meter} gives: seed 000's meter data vault ({@code examples/meter}). It
 * starts an embedded PostgreSQL (Maven Central's binaries), fills its {@code meter_data} schema,
 * builds the vault (ingest, staging, hubs, links, satellites, reference tables, business-vault
 * views, tests, publish), then changes customers and adds readings in PostgreSQL, builds again
 * incrementally, and shows the new satellite versions and a time-travel query.
 */
public final class MeterDemo {
  static final String FIRST_BUILD_TAG = "first_build";

  private final Path root;
  private final PrintWriter out;
  private final DemoConsole console;

  public MeterDemo(Path root, PrintWriter out, PrintWriter err) {
    this.root = requireNonNull(root, "root is null");
    this.out = requireNonNull(out, "out is null");
    this.console = new DemoConsole(root, out, err);
  }

  /** Runs the tour on {@code readings} generated readings; returns the exit code of the first failing step, else 0. */
  public int run(long readings) throws IOException, SQLException {
    console.step("Starting an embedded PostgreSQL (Maven Central's binaries) for the meter_data source schema");
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      MeterCounts counts;
      try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
        counts = MeterDataGenerator.generate(connection, readings, Demo.SEED);
      }
      console.step(String.format(Locale.ROOT, "meter_data: %,d customers, %,d accounts, %,d assets, %,d readings",
          counts.customers(), counts.accounts(), counts.assets(), counts.readings()));

      console.step("Laying out examples/meter (seed 000: PostgreSQL -> bronze -> Data Vault 2.0 -> business vault)");
      ExampleProjects.copy(ExampleProjects.METER, root).forEach(file -> out.println("  " + file));
      ExampleProjects.useMeterDatabase(root, postgres.getJdbcUrl("postgres", "postgres"));

      console.step("floe build: ingest the four tables, load staging, hubs, links and satellites, run the tests, publish");
      int exit = console.floe("build");
      if (exit != 0) {
        return exit;
      }
      try (FloeEngine engine = FloeEngine.open(Project.load(root))) {
        new TableVersions("raw_vault.sat_customer_details", engine.table("raw_vault.sat_customer_details"))
            .createTag(FIRST_BUILD_TAG, null);
        console.step("Hub record counts");
        console.query(engine, "SELECT 'hub_customer' AS hub, count(*) AS records FROM raw_vault.hub_customer UNION ALL"
            + " SELECT 'hub_customer_account', count(*) FROM raw_vault.hub_customer_account UNION ALL"
            + " SELECT 'hub_asset', count(*) FROM raw_vault.hub_asset");
        console.step("business_vault.bv_customer_asset_hierarchy (the first 5)");
        console.query(engine, "SELECT installation_id, customer_name, account_id, asset_id, asset_type, manufacturer"
            + " FROM business_vault.bv_customer_asset_hierarchy ORDER BY installation_id, asset_id LIMIT 5");

        console.step("In PostgreSQL: two customers move to Bonn, one is touched without a change, 3 readings arrive;"
            + " floe build again. Only the changed rows are read, and only real changes become versions");
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
            Statement statement = connection.createStatement()) {
          statement.execute("UPDATE meter_data.customers SET city = 'Bonn', last_modified = now()"
              + " WHERE installation_id IN ('INST00000001', 'INST00000002')");
          statement.execute("UPDATE meter_data.customers SET last_modified = now() WHERE installation_id ="
              + " 'INST00000003'");
          statement.execute("INSERT INTO meter_data.readings (asset_id, reading_value, interval_start, interval_end,"
              + " reading_type, unit_of_measure, quality_code, status, source_system) SELECT asset_id, 42.0,"
              + " now(), now() + interval '15 minutes', 'CONSUMPTION', 'kWh', 'GOOD', 'VALID', 'HES'"
              + " FROM meter_data.assets ORDER BY asset_id LIMIT 3");
        }
        exit = console.floe("build");
        if (exit != 0) {
          return exit;
        }
        console.step("The versions of the changed customers in sat_customer_details");
        console.query(engine, "SELECT h.installation_id, s.city, s.load_ts, s.hashdiff FROM raw_vault.sat_customer_details s"
            + " JOIN raw_vault.hub_customer h USING (customer_hk) WHERE h.installation_id IN ('INST00000001',"
            + " 'INST00000002', 'INST00000003') ORDER BY 1, 3");
        console.step("Time travel: sat_customer_details now, and as of the tag " + FIRST_BUILD_TAG);
        console.query(engine, "SELECT 'now' AS version, count(*) AS satellite_rows FROM raw_vault.sat_customer_details"
            + " UNION ALL SELECT '" + FIRST_BUILD_TAG + "', count(*) FROM raw_vault.sat_customer_details"
            + " VERSION AS OF '" + FIRST_BUILD_TAG + "'");
        console.step("Data quality: readings by quality code");
        console.query(engine, "SELECT quality_code, is_usable, count(*) AS readings FROM business_vault.bv_asset_measurements"
            + " GROUP BY 1, 2 ORDER BY 1");
      }
    }
    out.println();
    out.println("The embedded PostgreSQL has stopped: the project's tables stay, a new build needs METER_DB_URL.");
    return 0;
  }

}
