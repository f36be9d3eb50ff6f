package io.floe.bench;

import io.floe.core.project.Project;
import io.floe.examples.audit.AuditEventGenerator;
import io.floe.examples.projects.ExampleProjects;
import io.floe.ingest.SourceRun;
import io.floe.models.project.ModelProject;
import io.floe.models.run.RunReport;
import io.floe.models.run.ModelRunner;
import io.floe.secrets.vault.standin.VaultStandInServer;
import io.floe.spark.FloeEngine;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Benchmark 8, audit-log CDC (seed 004, examples/audit): order events in PostgreSQL's
 * {@code audit_log_dml} (the scale: 1,000,000 events of 100,000 orders, 20% of them
 * deleted), credentials from the Vault stand-in. Floe with the engine up lands the events (both of
 * the example's sources), flattens them and keeps the orders' current state and their history,
 * no tests; and runs the current-state model alone from the same staging table. The peer is the
 * MERGE a user writes by hand with plain Spark SQL for the same mart: the newest event of each
 * order, {@code WHEN MATCHED AND deleted THEN DELETE ... UPDATE SET * ... INSERT *}. Then 1% more
 * events arrive and each runs again. The peer's mart is checked equal to Floe's.
 */
final class AuditBenchmark {
  static final String INITIAL = "audit_cdc";
  static final String INCREMENT = "audit_cdc_1pct";
  private static final Logger LOG = LoggerFactory.getLogger(AuditBenchmark.class);
  private static final String STAGING = "staging.stg_ecomm_audit_log_dml_orders_flattened";
  private static final Set<String> ALL_MODELS = Set.of("stg_ecomm_audit_log_dml",
      "stg_ecomm_audit_log_dml_orders_flattened", "orders", "orders_history_scd2");
  private static final Set<String> STAGING_MODELS = Set.of("stg_ecomm_audit_log_dml",
      "stg_ecomm_audit_log_dml_orders_flattened");

  private final Runs runs;
  private final Path workDir;
  private final long events;
  private final long seed;
  private AuditEventGenerator generator;
  private long peerPosition;

  AuditBenchmark(Runs runs, Path workDir, long events, long seed) {
    this.runs = runs;
    this.workDir = workDir;
    this.events = events;
    this.seed = seed;
  }

  List<Figure> run() throws Exception {
    String token = "bench-" + UUID.randomUUID();
    try (VaultStandInServer vault = VaultStandInServer.start(token);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(workDir.resolve("audit-pg"))
            .setCleanDataDirectory(true).start()) {
      vault.putSecret("secret/postgres/ecommerce", Map.of("user", "postgres", "password", token));
      Path dir = workDir.resolve("floe-audit");
      Files.createDirectories(dir.resolve(".floe"));
      ExampleProjects.copy(ExampleProjects.AUDIT, dir);
      Files.writeString(dir.resolve(".floe/vault-token"), token);
      ExampleProjects.useAuditServices(dir, postgres.getJdbcUrl("postgres", "postgres"), vault.address(),
          "${file:.floe/vault-token}");
      Project project = Project.load(dir);
      try (FloeEngine engine = FloeEngine.open(project)) {
        ModelProject models = ModelProject.load(project);
        String all = "Floe, engine up: " + events + " events from PostgreSQL -> landing -> staging -> marts.orders"
            + " and marts.orders_history_scd2, no tests";
        String mart = "Floe, engine up: the marts.orders model alone, from the same staging table";
        String peer = "plain Spark SQL: MERGE INTO the mart, the newest event per order, deletes";
        List<Figure> figures = new ArrayList<>();
        figures.add(runs.measure(INITIAL, "floe_warm", all, () -> restart(engine, postgres),
            () -> load(engine, models, ALL_MODELS, true), () -> checkMart(engine)));
        figures.add(runs.measure(INITIAL, "floe_mart", mart, () -> drop(engine, "marts.orders"),
            () -> load(engine, models, Set.of("orders"), false), () -> checkMart(engine)));
        figures.add(runs.measure(INITIAL, "spark_merge", peer, () -> resetPeer(engine),
            () -> peerMerge(engine), () -> checkPeer(engine)));
        String increment = ", after 1% more events";
        figures.add(runs.measure(INCREMENT, "floe_warm", all + increment, () -> {
          restart(engine, postgres);
          load(engine, models, ALL_MODELS, true);
          addEvents(postgres);
        }, () -> load(engine, models, ALL_MODELS, true), () -> checkMart(engine)));
        // Each of these goes on from the state the last one left: one more 1% of events each time.
        figures.add(runs.measure(INCREMENT, "floe_mart", mart + increment, () -> {
          addEvents(postgres);
          load(engine, models, STAGING_MODELS, true);
        }, () -> load(engine, models, Set.of("orders"), false), () -> checkMart(engine)));
        figures.add(runs.measure(INCREMENT, "spark_merge", peer + increment, () -> {
          load(engine, models, ALL_MODELS, false);
          resetPeer(engine);
          peerMerge(engine);
          addEvents(postgres);
          load(engine, models, ALL_MODELS, true);
        }, () -> peerMerge(engine), () -> checkPeer(engine)));
        return figures;
      }
    }
  }

  // A new audit table with the same events (the generator starts again from the seed), and no tables.
  private void restart(FloeEngine engine, EmbeddedPostgres postgres) throws Exception {
    for (TableIdentifier table : engine.tables()) {
      if (Set.of("landing", "staging", "marts", "peer").contains(table.namespace().toString())) {
        engine.sql("DROP TABLE IF EXISTS " + table + " PURGE", 0);
      }
    }
    generator = new AuditEventGenerator(seed);
    try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
      connection.createStatement().execute("DROP TABLE IF EXISTS audit_log_dml");
      AuditEventGenerator.createTables(connection);
      generator.write(connection, events, 0.1, 0.02, false);
    }
  }

  private void addEvents(EmbeddedPostgres postgres) throws Exception {
    try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
      generator.write(connection, Math.max(1, events / 100), 0.1, 0.02, true);
    }
  }

  private static void load(FloeEngine engine, ModelProject models, Set<String> selected, boolean ingest) {
    if (ingest) {
      for (SourceRun source : FloeIngestBenchmark.ingest(engine)) {
        if (source.rejects() > 0) {
          throw new BenchException("Cannot trust the figure: " + source.source() + " rejected " + source.rejects()
              + " events");
        }
      }
    }
    RunReport report = new ModelRunner(engine, models).run(selected, false);
    if (!report.succeeded()) {
      throw new BenchException("The audit models failed: " + report);
    }
    LOG.info("Audit models: {}", report.models().stream()
        .map(result -> result.model() + " " + result.millis() + " ms (" + result.rowsWritten() + " rows)").toList());
  }

  private void checkMart(FloeEngine engine) {
    BenchChecks.rows("Floe's marts.orders", FloeIngestBenchmark.count(engine, "marts.orders"),
        generator.liveOrderIds().size());
  }

  private static void drop(FloeEngine engine, String table) {
    engine.sql("DROP TABLE IF EXISTS " + table + " PURGE", 0);
  }

  private void resetPeer(FloeEngine engine) {
    engine.sql("CREATE NAMESPACE IF NOT EXISTS peer", 0);
    drop(engine, "peer.orders");
    engine.sql("CREATE TABLE peer.orders USING iceberg AS SELECT " + columns(engine) + " FROM " + STAGING
        + " WHERE false", 0);
    peerPosition = Long.MIN_VALUE;
  }

  // What a user writes by hand: the newest new event of each order, merged with its delete.
  private void peerMerge(FloeEngine engine) {
    String columns = columns(engine);
    // A new payload key: the user adds its column by hand before the MERGE can set it.
    Set<String> existing = Set.of(engine.session().table("peer.orders").columns());
    for (org.apache.spark.sql.types.StructField field : engine.session().table(STAGING).schema().fields()) {
      if (!existing.contains(field.name()) && Arrays.asList(columns.split(", ")).contains(field.name())) {
        engine.sql("ALTER TABLE peer.orders ADD COLUMNS (" + field.name() + " " + field.dataType().sql() + ")", 0);
      }
    }
    engine.session().sql("MERGE INTO peer.orders t USING (SELECT " + columns + " FROM (SELECT *, row_number() OVER"
        + " (PARTITION BY order_id ORDER BY _source_ts DESC, _source_position DESC) AS newest FROM " + STAGING
        + " WHERE _source_position > " + peerPosition + ") WHERE newest = 1) s ON t.order_id = s.order_id"
        + " WHEN MATCHED AND s._op = 'd' THEN DELETE WHEN MATCHED THEN UPDATE SET *"
        + " WHEN NOT MATCHED AND s._op <> 'd' THEN INSERT *");
    peerPosition = ((Number) engine.sql("SELECT max(_source_position) FROM " + STAGING, 1).rows().get(0).get(0))
        .longValue();
  }

  // The same rows as Floe's mart, column for column (the peer's columns are the staging table's).
  private static void checkPeer(FloeEngine engine) {
    String columns = columns(engine);
    long different = FloeIngestBenchmark.count(engine, "(SELECT " + columns + " FROM peer.orders EXCEPT SELECT "
        + columns + " FROM marts.orders) differences") + FloeIngestBenchmark.count(engine, "(SELECT " + columns
        + " FROM marts.orders EXCEPT SELECT " + columns + " FROM peer.orders) differences");
    if (different > 0) {
      throw new BenchException("Cannot trust the figure: plain Spark's mart and Floe's differ in " + different
          + " rows");
    }
  }

  // The staging table's own columns, without Floe's batch metadata (the peer did not ingest them).
  private static String columns(FloeEngine engine) {
    return Arrays.stream(engine.session().table(STAGING).columns())
        .filter(column -> !Set.of("_ingested_at", "_source", "_batch_id", "_hash").contains(column))
        .collect(Collectors.joining(", "));
  }
}
