package io.floe.ingest.postgres.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.FloeException;
import io.floe.ingest.IngestFixture;
import io.floe.ingest.SourceRun;
import io.floe.ingest.postgres.TestPostgres;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An audit table read as a change source: typed columns from JSON, new keys as new columns, exactly once. */
class PostgresAuditTest {
  @TempDir Path projectDir;
  private IngestFixture fixture;

  @BeforeEach
  void createAuditTable() {
    TestPostgres.execute(
        "DROP TABLE IF EXISTS audit_log_dml",
        "CREATE TABLE audit_log_dml (audit_event_id bigserial PRIMARY KEY, audit_operation text,"
            + " audit_timestamp timestamp, tbl_schema text, tbl_name text, raw_data text)");
    event("I", "2026-11-02 08:00:00", "orders", "{\"order_id\": 1, \"status\": \"pending\", \"amount\": 10.5,"
        + " \"placed\": \"2026-11-02 08:00:00\", \"lines\": 2, \"gift\": false}");
    event("I", "2026-11-02 08:01:00", "customers", "{\"customer_id\": 7, \"name\": \"Ada\"}");
    event("U", "2026-11-02 08:02:00", "orders", "{\"order_id\": 1, \"status\": \"paid\", \"amount\": 12,"
        + " \"placed\": \"2026-11-02 08:00:00\", \"lines\": 3, \"gift\": true}");
    event("D", "2026-11-02 08:03:00", "orders", "{\"order_id\": 1, \"status\": \"paid\"}");
  }

  @AfterEach
  void close() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void eventsOfOneTableBecomeTypedChangesOnceAndANewPayloadKeyBecomesANewColumn() {
    fixture = new IngestFixture(projectDir, source("    schema: {order_id: bigint, amount: 'decimal(10,2)',"
        + " placed: timestamp}\n"), null);
    SourceRun first = fixture.ingest("orders").get(0);
    assertThat(first.rowsWritten()).isEqualTo(3);
    assertThat(fixture.rows("SELECT audit_event_id, audit_operation, _op, order_id, status, amount, lines, gift,"
        + " _source_position FROM bronze.orders ORDER BY audit_event_id").toString()).isEqualTo(
            "[[1, I, c, 1, pending, 10.50, 2, false, 1], [3, U, u, 1, paid, 12.00, 3, true, 3],"
                + " [4, D, d, 1, paid, null, null, null, 4]]");
    assertThat(fixture.value("SELECT placed FROM bronze.orders WHERE audit_event_id = 1"))
        .isEqualTo(Instant.parse("2026-11-02T08:00:00Z"));
    assertThat(fixture.value("SELECT _source_ts FROM bronze.orders WHERE audit_event_id = 3"))
        .isEqualTo(Instant.parse("2026-11-02T08:02:00Z"));
    // Declared keys take their type; others are inferred: whole numbers bigint, true/false boolean.
    assertThat(fixture.rows("SELECT typeof(amount), typeof(gift), typeof(lines) FROM bronze.orders LIMIT 1").toString())
        .isEqualTo("[[decimal(10,2), boolean, bigint]]");

    assertThat(fixture.ingest("orders").get(0).batches()).isZero();
    event("U", "2026-11-02 09:00:00", "orders", "{\"order_id\": 2, \"status\": \"paid\", \"coupon\": \"XMAS\"}");
    SourceRun second = fixture.ingest("orders").get(0);
    assertThat(second.schemaChanges()).containsExactly("added coupon string");
    assertThat(fixture.rows("SELECT order_id, coupon FROM bronze.orders ORDER BY audit_event_id").toString())
        .isEqualTo("[[1, null], [1, null], [1, null], [2, XMAS]]");
  }

  @Test
  void aValueThatDoesNotFitItsTypeIsRejectedWithItsEventIdOrFailsTheBatch() {
    event("U", "2026-11-02 09:00:00", "orders", "{\"order_id\": \"two\", \"status\": \"paid\"}");
    event("X", "2026-11-02 09:01:00", "orders", "{\"order_id\": 3}");
    fixture = new IngestFixture(projectDir, source("    schema: {order_id: bigint}\n    max-rejects: 0\n"), null);
    assertThatThrownBy(() -> fixture.ingest("orders"))
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("2 rejected rows of 5 exceed max-rejects 0")
        .hasMessageContaining("(first: public.audit_log_dml audit_event_id ")
        .hasMessageContaining("nothing of batch");
    assertThatThrownBy(() -> fixture.value("SELECT count(*) FROM bronze.orders")).hasMessageContaining("TABLE_OR_VIEW_NOT_FOUND");

    fixture.writeConfig(source("    schema: {order_id: bigint}\n    max-rejects: 10\n"));
    assertThat(fixture.ingest("orders").get(0).rowsWritten()).isEqualTo(3);
    assertThat(fixture.rows("SELECT file, reason FROM bronze.orders__rejects ORDER BY file").toString()).isEqualTo(
        "[[public.audit_log_dml audit_event_id 5, column order_id: expected bigint, but was \"two\"],"
            + " [public.audit_log_dml audit_event_id 6, operation 'X' is none of [I, U, D]]]");
    assertThat((BigDecimal) fixture.value("SELECT CAST(max(_source_position) AS DECIMAL(10,0)) FROM bronze.orders"))
        .isEqualByComparingTo("4");
  }

  @Test
  void batchesAreWindowsOfEventIdsThatARePlannedTheSameAfterACrash() {
    fixture = new IngestFixture(projectDir, source("    batch.max-events: 2\n"), null);
    io.floe.ingest.spi.SourceDefinition definition = fixture.sources().select(java.util.List.of("orders")).get(0);
    try (io.floe.ingest.spi.Source source = new PostgresAuditConnector().create(definition)) {
      java.util.List<io.floe.ingest.spi.Batch> first = source.plan(io.floe.ingest.spi.Position.START);
      // Events 1, 3 and 4 are the orders': two windows, each ending at its last event id.
      assertThat(first).extracting(batch -> batch.after().value()).containsExactly("3", "4");
      assertThat(source.plan(io.floe.ingest.spi.Position.START)).extracting(io.floe.ingest.spi.Batch::id)
          .isEqualTo(first.stream().map(io.floe.ingest.spi.Batch::id).toList());
      assertThat(source.plan(new io.floe.ingest.spi.Position("3"))).extracting(io.floe.ingest.spi.Batch::id)
          .containsExactly(first.get(1).id());
      assertThat(source.plan(new io.floe.ingest.spi.Position("4"))).isEmpty();
    }
  }

  private static String source(String extra) {
    return "  orders:\n    type: postgres-audit\n    url: " + TestPostgres.url() + "\n    table: audit_log_dml\n"
        + "    for-table: public.orders\n" + extra;
  }

  private static void event(String operation, String time, String table, String json) {
    TestPostgres.execute("INSERT INTO audit_log_dml (audit_operation, audit_timestamp, tbl_schema, tbl_name,"
        + " raw_data) VALUES ('" + operation + "', '" + time + "', 'public', '" + table + "', '" + json + "')");
  }
}
