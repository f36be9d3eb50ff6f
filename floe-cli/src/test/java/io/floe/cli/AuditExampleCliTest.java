package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.examples.audit.AuditEventGenerator;
import io.floe.examples.projects.ExampleProjects;
import io.floe.secrets.vault.standin.VaultStandInServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped examples/audit project (seed 004) against a real PostgreSQL audit table, with its
 * credentials in the Vault stand-in: every change kept, deletes applied, late events harmless,
 * reruns idempotent, a new payload key arriving as a column, and the secret in no output.
 */
class AuditExampleCliTest {
  private static final String PASSWORD = "pw-" + java.util.UUID.randomUUID();
  private static EmbeddedPostgres postgres;
  private static VaultStandInServer vault;

  @TempDir Path workspace;

  @BeforeAll
  static void start() throws IOException, SQLException {
    postgres = EmbeddedPostgres.builder().start();
    execute("postgres", "ALTER USER postgres PASSWORD '" + PASSWORD + "'", "CREATE DATABASE ecom");
    vault = VaultStandInServer.start("root-token");
    vault.putSecret("secret/postgres/ecommerce", Map.of("user", "postgres", "password", PASSWORD));
  }

  @AfterAll
  static void stop() throws IOException {
    vault.close();
    postgres.close();
  }

  @Test
  void everyChangeKeptDeletesAppliedLateEventsHarmlessRerunsIdempotentAndNewKeysBecomeColumns() throws Exception {
    Path project = workspace.resolve("audit");
    ExampleProjects.copy(ExampleProjects.AUDIT, project);
    Files.createDirectories(project.resolve(".floe"));
    Files.writeString(project.resolve(".floe/vault-token"), "root-token\n");
    ExampleProjects.useAuditServices(project, postgres.getJdbcUrl("postgres", "ecom"), vault.address(),
        "${file:.floe/vault-token}");
    AuditEventGenerator generator = new AuditEventGenerator(11);
    try (Connection connection = postgres.getDatabase("postgres", "ecom").getConnection()) {
      AuditEventGenerator.createTables(connection);
      generator.write(connection, 300, 0.3, 0.2, false);
    }
    StringBuilder output = new StringBuilder();
    output.append(build(project));

    List<String> live = generator.liveOrderIds().stream().map(String::valueOf).toList();
    assertThat(sql(project, "SELECT order_id FROM marts.orders ORDER BY order_id")).isEqualTo(live);
    // One version per event, also for orders changed several times before the run.
    assertThat(sql(project, "SELECT count(*) FROM marts.orders_history_scd2")).containsExactly("300");
    assertThat(sql(project, "SELECT count(*) FROM (SELECT order_id FROM marts.orders_history_scd2 WHERE"
        + " audit_operation = 'U' GROUP BY order_id HAVING count(*) >= 3)")).isNotEqualTo(List.of("0"));
    assertThat(sql(project, "SELECT count(*) FROM marts.orders_history_scd2 WHERE is_deleted AND is_current"))
        .isEqualTo(sql(project, "SELECT count(DISTINCT order_id) FROM staging.stg_ecomm_audit_log_dml_orders_flattened"
            + " WHERE order_id NOT IN (SELECT order_id FROM marts.orders)"));
    List<String> mart = sql(project, "SELECT * FROM marts.orders ORDER BY order_id");
    List<String> history = sql(project, "SELECT * FROM marts.orders_history_scd2 ORDER BY order_id, audit_event_id");

    // Nothing new: the same tables.
    output.append(build(project));
    assertThat(sql(project, "SELECT * FROM marts.orders ORDER BY order_id")).isEqualTo(mart);
    assertThat(sql(project, "SELECT * FROM marts.orders_history_scd2 ORDER BY order_id, audit_event_id"))
        .isEqualTo(history);

    // Three changes of one order between two runs, one of them late (older than the newest);
    // a deleted order created again; and the new payload key.
    String order = live.get(0);
    String deleted = sql(project, "SELECT min(order_id) FROM marts.orders_history_scd2 WHERE is_deleted").get(0);
    String newest = sql(project, "SELECT max(audit_timestamp) FROM staging.stg_ecomm_audit_log_dml").get(0);
    execute("ecom",
        event("U", "TIMESTAMP '" + newest + "' + interval '1 hour'", order, "delivered", "ring twice"),
        event("U", "TIMESTAMP '" + newest + "' + interval '2 hours'", order, "delivered", "back door"),
        event("U", "TIMESTAMP '" + newest + "' + interval '30 minutes'", order, "late", null),
        event("I", "TIMESTAMP '" + newest + "' + interval '3 hours'", deleted, "pending", null));
    output.append(build(project));
    assertThat(sql(project, "SELECT order_status, delivery_notes FROM marts.orders WHERE order_id = " + order))
        .containsExactly("delivered,\"back door\"");
    assertThat(sql(project, "SELECT order_status, delivery_notes, is_current FROM marts.orders_history_scd2"
        + " WHERE order_id = " + order + " AND valid_from > TIMESTAMP '" + newest + "' ORDER BY valid_from"))
        .containsExactly("late,,false", "delivered,\"ring twice\",false", "delivered,\"back door\",true");
    assertThat(sql(project, "SELECT order_status FROM marts.orders WHERE order_id = " + deleted))
        .containsExactly("pending");
    assertThat(sql(project, "SELECT is_deleted, is_current FROM marts.orders_history_scd2 WHERE order_id = "
        + deleted + " ORDER BY valid_from DESC LIMIT 2")).containsExactly("false,true", "true,false");
    // Two events carry the new key: both in staging and the history, the newer one in the mart.
    for (String table : List.of("staging.stg_ecomm_audit_log_dml_orders_flattened", "marts.orders_history_scd2")) {
      assertThat(sql(project, "SELECT count(delivery_notes) FROM " + table)).as(table).containsExactly("2");
    }
    assertThat(sql(project, "SELECT count(delivery_notes) FROM marts.orders")).containsExactly("1");

    // The password was read from Vault and appears in no output, log, run history or file.
    output.append(floe(project, "runs").ok()).append(floe(project, "sources").ok());
    assertThat(output.toString()).doesNotContain(PASSWORD);
    try (Stream<Path> files = Files.walk(project)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1))
            .as(file.toString()).doesNotContain(PASSWORD);
      }
    }
    assertThat(vault.requests()).contains("GET /v1/secret/data/postgres/ecommerce");
  }

  private static String build(Path project) {
    CliRun run = floe(project, "build");
    String out = run.ok();
    return out + run.err();
  }

  private static String event(String operation, String time, String orderId, String status, String notes) {
    return "INSERT INTO audit_log_dml (audit_operation, audit_timestamp, tbl_schema, tbl_name, raw_data) VALUES ('"
        + operation + "', " + time + ", 'public', 'orders', '{\"order_id\": " + orderId + ", \"customer_id\": 1,"
        + " \"order_status\": \"" + status + "\", \"total_amount\": 10.00"
        + (notes == null ? "" : ", \"delivery_notes\": \"" + notes + "\"") + "}')";
  }

  private static List<String> sql(Path project, String query) {
    return floe(project, "sql", "-o", "csv", "--limit", "100000", query).ok().lines().skip(1).toList();
  }

  private static void execute(String database, String... statements) throws SQLException {
    try (Connection connection = postgres.getDatabase("postgres", database).getConnection();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
