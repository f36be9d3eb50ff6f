package io.floe.cli.demo;

import static java.util.Objects.requireNonNull;

import io.floe.core.project.Project;
import io.floe.examples.audit.AuditEventGenerator;
import io.floe.examples.projects.ExampleProjects;
import io.floe.secrets.vault.standin.VaultStandInServer;
import io.floe.spark.FloeEngine;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

/**
 * The tour {@code floe demo audit} gives: seed 004's audit-log CDC lakehouse ({@code examples/audit}).
 * It starts an embedded PostgreSQL whose {@code audit_log_dml} records order events, and a Vault
 * STAND-IN (no Vault binary can run here; see {@link VaultStandInServer}) holding the database
 * credentials; builds the project (events landed by event id, flattened, the orders' current state
 * and every version); then writes a second batch of events whose updates carry a payload key the
 * first never had, and builds again: the key arrives as a column in staging, the mart and the history.
 */
public final class AuditDemo {
  private final Path root;
  private final PrintWriter out;
  private final DemoConsole console;

  public AuditDemo(Path root, PrintWriter out, PrintWriter err) {
    this.root = requireNonNull(root, "root is null");
    this.out = requireNonNull(out, "out is null");
    this.console = new DemoConsole(root, out, err);
  }

  /** Runs the tour with {@code events} events in the first batch; returns the first failing step's exit code, else 0. */
  public int run(long events) throws IOException, SQLException {
    String token = "demo-" + UUID.randomUUID();
    console.step("Starting a Vault stand-in on 127.0.0.1 (an HTTP server implementing Vault's KV v2 and token"
        + " endpoints; not Vault) and an embedded PostgreSQL");
    try (VaultStandInServer vault = VaultStandInServer.start(token);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      vault.putSecret("secret/postgres/ecommerce", Map.of("user", "postgres", "password",
          "demo-" + UUID.randomUUID()));
      out.println("  Vault (stand-in) at " + vault.address() + ": secret/postgres/ecommerce holds user and password");
      DemoConsole.execute(postgres, "postgres", "CREATE DATABASE ecom");
      AuditEventGenerator generator = new AuditEventGenerator(4);
      try (Connection connection = postgres.getDatabase("postgres", "ecom").getConnection()) {
        AuditEventGenerator.createTables(connection);
        generator.write(connection, events, 0.3, 0.1, false);
      }
      console.step("ecom.public.audit_log_dml: " + events + " order events (30% inserts, 10% deletes, the rest updates)");

      console.step("Laying out examples/audit (seed 004: audit_log_dml -> landing -> staging -> marts)");
      ExampleProjects.copy(ExampleProjects.AUDIT, root).forEach(file -> out.println("  " + file));
      // The token goes in a file only this user reads, referenced as ${file:...}, not into floe.yaml.
      Path tokenFile = root.resolve(".floe/vault-token");
      Files.createDirectories(tokenFile.getParent());
      Files.writeString(tokenFile, token);
      ExampleProjects.useAuditServices(root, postgres.getJdbcUrl("postgres", "ecom"), vault.address(),
          "${file:.floe/vault-token}");

      console.step("floe build: land the new events (credentials read from Vault), flatten them, merge the"
          + " current state, add every version to the history, test, publish");
      int exit = console.floe("build");
      if (exit != 0) {
        return exit;
      }
      try (FloeEngine engine = FloeEngine.open(Project.load(root))) {
        console.step("marts.orders: the orders as they are now (deleted ones are gone)");
        console.query(engine, "SELECT count(*) AS orders, (SELECT count(*) FROM staging"
            + ".stg_ecomm_audit_log_dml_orders_flattened) AS events FROM marts.orders");
      }

      try (Connection connection = postgres.getDatabase("postgres", "ecom").getConnection()) {
        generator.write(connection, Math.max(10, events / 4), 0.1, 0.05, true);
      }
      console.step("A second batch: " + Math.max(10, events / 4) + " more events; the application now sends"
          + " a new key, " + AuditEventGenerator.NEW_KEY + ", with its updates");
      exit = console.floe("build");
      if (exit != 0) {
        return exit;
      }
      try (FloeEngine engine = FloeEngine.open(Project.load(root))) {
        console.step(AuditEventGenerator.NEW_KEY + " arrived as a column, with no edit to any model:");
        console.query(engine, "SELECT 'staging.stg_ecomm_audit_log_dml_orders_flattened' AS table_name,"
            + " count(" + AuditEventGenerator.NEW_KEY + ") AS rows_with_it FROM"
            + " staging.stg_ecomm_audit_log_dml_orders_flattened UNION ALL SELECT 'marts.orders', count("
            + AuditEventGenerator.NEW_KEY + ") FROM marts.orders UNION ALL SELECT 'marts.orders_history_scd2', count("
            + AuditEventGenerator.NEW_KEY + ") FROM marts.orders_history_scd2");
        console.step("marts.orders_history_scd2: every version of the most changed order, one per event"
            + " (also those between two runs)");
        console.query(engine, "SELECT order_id, audit_operation, order_status, total_amount, "
            + AuditEventGenerator.NEW_KEY + ", valid_from, valid_to, is_current, is_deleted FROM"
            + " marts.orders_history_scd2 WHERE order_id = (SELECT order_id FROM marts.orders_history_scd2"
            + " GROUP BY order_id ORDER BY count(*) DESC, order_id LIMIT 1) ORDER BY valid_from, audit_event_id");
      }
    }
    out.println();
    out.println("PostgreSQL and the Vault stand-in have stopped: the project's tables stay.");
    return 0;
  }

}
