package io.floe.bench;

import io.floe.core.project.Project;
import io.floe.examples.meter.MeterCounts;
import io.floe.examples.meter.MeterDataGenerator;
import io.floe.examples.projects.ExampleProjects;
import io.floe.models.project.ModelProject;
import io.floe.models.run.ModelRunner;
import io.floe.models.run.RunReport;
import io.floe.spark.FloeEngine;
import io.floe.vault.hash.HashAlgorithm;
import io.floe.vault.hash.HashSql;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Benchmark 6, the meter data vault (seed 000, examples/meter): PostgreSQL's meter_data ingested
 * into bronze (untimed), then the vault loaded by Floe with the engine up (every generated model:
 * staging, hubs, links, satellites, the effectivity satellite, reference tables, PIT, bridge; no
 * tests), and its four satellites alone; the peer loads the same four satellites with plain Spark
 * SQL {@code INSERT INTO ... SELECT ... WHERE NOT EXISTS} (the same hash expressions) into Iceberg
 * tables. Then 1% of customers, accounts and assets change and 1% new readings arrive (ingested
 * untimed), and each loads again. Every run's satellites are checked to hold as many rows as the
 * peer's.
 */
final class MeterVaultBenchmark {
  static final String INITIAL = "meter_vault";
  static final String INCREMENT = "meter_vault_1pct";
  /** The tool of the row that loads 1% changes for the third time in a row, compared with floe_warm's initial load. */
  static final String STEADY = "floe_steady";
  private static final Logger LOG = LoggerFactory.getLogger(MeterVaultBenchmark.class);
  private static final List<String> SATELLITES = List.of("sat_customer_details", "sat_customer_acc_details",
      "sat_asset_details", "sat_asset_measurements");

  private final Runs runs;
  private final Path workDir;
  private final long readings;
  private final long entities;
  private final long seed;
  private int change;

  MeterVaultBenchmark(Runs runs, Path workDir, long readings, long entities, long seed) {
    this.runs = runs;
    this.workDir = workDir;
    this.readings = readings;
    this.entities = entities;
    this.seed = seed;
  }

  List<Figure> run() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(workDir.resolve("meter-pg"))
        .setCleanDataDirectory(true).start()) {
      MeterCounts counts;
      try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
        counts = MeterDataGenerator.generate(connection, readings, entities, entities, seed);
      }
      LOG.info("meter_data: {}", counts);
      Path dir = workDir.resolve("floe-meter");
      Files.createDirectories(dir);
      ExampleProjects.copy(ExampleProjects.METER, dir);
      ExampleProjects.useMeterDatabase(dir, postgres.getJdbcUrl("postgres", "postgres"));
      Project project = Project.load(dir);
      try (FloeEngine engine = FloeEngine.open(project)) {
        ModelProject models = ModelProject.load(project);
        Set<String> vault = new TreeSet<>();
        models.models().values().stream().filter(model -> model.tags().contains("vault"))
            .forEach(model -> vault.add(model.name()));
        Set<String> satellites = new TreeSet<>(SATELLITES);
        models.models().values().stream().filter(model -> model.tags().contains("stage"))
            .forEach(model -> satellites.add(model.name()));
        List<Figure> figures = new ArrayList<>();
        String vaultLabel = "Floe, engine up: the whole vault (" + vault.size() + " models), no tests";
        String satLabel = "Floe, engine up: the 4 satellites (and their staging views)";
        String peerLabel = "plain Spark SQL: INSERT INTO the 4 satellites ... WHERE NOT EXISTS";
        FloeIngestBenchmark.ingest(engine);
        figures.add(runs.measure(INITIAL, "floe_warm", vaultLabel, () -> reset(engine),
            () -> load(engine, models, vault), () -> checkSatellites(engine, counts, false)));
        figures.add(runs.measure(INITIAL, "floe_satellites", satLabel, () -> reset(engine),
            () -> load(engine, models, satellites), () -> checkSatellites(engine, counts, false)));
        figures.add(runs.measure(INITIAL, "spark_not_exists", peerLabel, () -> resetPeer(engine),
            () -> peerLoad(engine), () -> checkPeer(engine)));
        figures.add(runs.measure(INCREMENT, "floe_warm", vaultLabel + ", after 1% changes",
            () -> {
              reset(engine);
              load(engine, models, vault);
              resetPeer(engine);
              peerLoad(engine);
              change(engine, postgres);
            },
            () -> load(engine, models, vault), () -> {
              peerLoad(engine);
              checkPeer(engine);
            }));
        // As a schedule loads it: the engine's third 1% load in a row, its queries compiled by the two before.
        figures.add(runs.measure(INCREMENT, STEADY, vaultLabel + ", its third 1% load in a row (the two"
            + " before untimed, each after its own 1% changes)",
            () -> {
              reset(engine);
              load(engine, models, vault);
              for (int i = 0; i < 2; i++) {
                change(engine, postgres);
                load(engine, models, vault);
              }
              change(engine, postgres);
            },
            () -> load(engine, models, vault), () -> checkSatellites(engine, counts, true)));
        figures.add(runs.measure(INCREMENT, "floe_satellites", satLabel + ", after 1% changes",
            () -> {
              reset(engine);
              load(engine, models, satellites);
              change(engine, postgres);
            },
            () -> load(engine, models, satellites), () -> checkSatellites(engine, counts, true)));
        long[] before = new long[1];
        figures.add(runs.measure(INCREMENT, "spark_not_exists", peerLabel + ", after 1% changes",
            () -> {
              resetPeer(engine);
              peerLoad(engine);
              change(engine, postgres);
              before[0] = FloeIngestBenchmark.count(engine, "peer.sat_customer_details");
            },
            () -> peerLoad(engine), () -> {
              if (FloeIngestBenchmark.count(engine, "peer.sat_customer_details") <= before[0]) {
                throw new BenchException("Cannot trust the figure: plain Spark's load after 1% changes added no row");
              }
            }));
        return figures;
      }
    }
  }

  // Drops the vault's tables, so that the next load is an initial one.
  private static void reset(FloeEngine engine) {
    for (TableIdentifier table : engine.tables()) {
      if (table.namespace().toString().equals("raw_vault")) {
        engine.sql("DROP TABLE IF EXISTS " + table + " PURGE", 0);
      }
    }
  }

  // 1% of customers, accounts and assets change (a city, a billing cycle, a status) and 1% new
  // readings arrive; then bronze ingests them.
  private void change(FloeEngine engine, EmbeddedPostgres postgres) throws Exception {
    change++;
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      String some = " WHERE (right(KEY, 8)::bigint + " + change + ") % 100 = 0";
      statement.execute("UPDATE meter_data.customers SET city = 'Bonn " + change + "', last_modified = now()"
          + some.replace("KEY", "installation_id"));
      statement.execute("UPDATE meter_data.customer_accounts SET billing_cycle = 'CYCLE " + change
          + "', last_modified = now()" + some.replace("KEY", "account_id"));
      statement.execute("UPDATE meter_data.assets SET status = 'STATUS " + change + "', last_modified = now()"
          + some.replace("KEY", "asset_id"));
      statement.execute("INSERT INTO meter_data.readings (asset_id, reading_value, interval_start, interval_end,"
          + " reading_type, unit_of_measure, quality_code, status, source_system) SELECT asset_id, 1.5,"
          + " timestamp '2030-01-01' + " + change + " * interval '1 day' + (row_number() over ()) * interval '1"
          + " second', timestamp '2030-01-01', 'CONSUMPTION', 'kWh', 'GOOD', 'VALID', 'HES' FROM meter_data.readings"
          + " LIMIT " + Math.max(1, readings / 100));
    }
    FloeIngestBenchmark.ingest(engine);
  }

  private static void load(FloeEngine engine, ModelProject models, Set<String> selected) {
    RunReport report = new ModelRunner(engine, models).run(selected, false);
    if (!report.succeeded()) {
      throw new BenchException("The vault load failed: " + report);
    }
    // The slowest models, for the profile in docs/benchmarks.md.
    LOG.info("Slowest models: {}", report.models().stream()
        .sorted(java.util.Comparator.comparingLong(io.floe.models.run.ModelResult::millis).reversed()).limit(8)
        .map(result -> result.model() + " " + result.millis() + " ms (" + result.rowsWritten() + " rows)").toList());
  }

  private static void checkSatellites(FloeEngine engine, MeterCounts counts, boolean changed) {
    if (changed) {
      long rows = FloeIngestBenchmark.count(engine, "raw_vault.sat_customer_details");
      if (rows <= counts.customers()) {
        throw new BenchException("Cannot trust the figure: the 1% changes added no version to sat_customer_details ("
            + rows + " rows for " + counts.customers() + " customers)");
      }
    } else {
      BenchChecks.rows("Floe's sat_customer_details", FloeIngestBenchmark.count(engine,
          "raw_vault.sat_customer_details"), counts.customers());
      BenchChecks.rows("Floe's sat_asset_measurements", FloeIngestBenchmark.count(engine,
          "raw_vault.sat_asset_measurements"), counts.readings());
    }
  }

  // The peer's satellites hold as many rows as Floe's, table by table.
  private static void checkPeer(FloeEngine engine) {
    for (String satellite : SATELLITES) {
      if (engine.tables().contains(TableIdentifier.of("raw_vault", satellite))) {
        BenchChecks.rows("plain Spark's " + satellite, FloeIngestBenchmark.count(engine, "peer." + satellite),
            FloeIngestBenchmark.count(engine, "raw_vault." + satellite));
      }
    }
  }

  private static void resetPeer(FloeEngine engine) {
    engine.sql("CREATE NAMESPACE IF NOT EXISTS peer", 0);
    for (PeerSatellite satellite : PeerSatellite.ALL) {
      engine.sql("DROP TABLE IF EXISTS peer." + satellite.name() + " PURGE", 0);
      engine.sql("CREATE TABLE peer." + satellite.name() + " USING iceberg" + satellite.partitioning()
          + " AS " + satellite.staged() + " WHERE false", 0);
    }
  }

  private static void peerLoad(FloeEngine engine) {
    for (PeerSatellite satellite : PeerSatellite.ALL) {
      String on = satellite.keys().stream().map(key -> "t." + key + " = s." + key)
          .reduce((a, b) -> a + " AND " + b).orElseThrow();
      engine.session().sql("INSERT INTO peer." + satellite.name() + " SELECT DISTINCT * FROM (" + satellite.staged()
          + ") s WHERE NOT EXISTS (SELECT 1 FROM peer." + satellite.name() + " t WHERE " + on
          + " AND t.hashdiff = s.hashdiff)");
    }
  }

  /** A satellite as a user writes it by hand: the hash key and hash diff over bronze, insert what is new. */
  private record PeerSatellite(String name, String source, String key, List<String> childKey, List<String> payload,
      String loadTs, String partitioning) {
    static final List<PeerSatellite> ALL = List.of(
        new PeerSatellite("sat_customer_details", "customers", "installation_id", List.of(),
            List.of("customer_name", "customer_type", "address", "city", "postal_code", "country",
                "registration_date", "status"), "last_modified", ""),
        new PeerSatellite("sat_customer_acc_details", "customer_accounts", "account_id", List.of(),
            List.of("account_number", "account_type", "billing_cycle", "account_opened_date", "account_closed_date",
                "status"), "last_modified", ""),
        new PeerSatellite("sat_asset_details", "assets", "asset_id", List.of(),
            List.of("asset_serial_number", "asset_type", "manufacturer", "model", "installation_date",
                "last_calibration_date", "next_calibration_date", "status"), "last_modified", ""),
        new PeerSatellite("sat_asset_measurements", "readings", "asset_id", List.of("interval_start"),
            List.of("reading_value", "interval_end", "reading_type", "unit_of_measure", "quality_code", "status",
                "source_system"), "creation_time", " PARTITIONED BY (days(interval_start))"));

    List<String> keys() {
      List<String> keys = new ArrayList<>(List.of("hk"));
      keys.addAll(childKey);
      return keys;
    }

    String staged() {
      List<String> hashed = new ArrayList<>(childKey);
      hashed.addAll(payload);
      List<String> columns = new ArrayList<>(childKey);
      columns.addAll(payload);
      return "SELECT " + HashSql.key(HashSql.Dialect.SPARK, HashAlgorithm.MD5, List.of(key)) + " AS hk, "
          + HashSql.diff(HashSql.Dialect.SPARK, HashAlgorithm.MD5, hashed) + " AS hashdiff, "
          + String.join(", ", columns) + ", CAST(" + loadTs + " AS TIMESTAMP) AS load_ts, 'meter_data." + source
          + "' AS record_source FROM bronze." + source;
    }
  }
}
