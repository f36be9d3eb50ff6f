package io.floe.ingest.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.ErrorCategory;
import io.floe.core.error.FloeException;
import io.floe.ingest.IngestFixture;
import io.floe.ingest.SourceRun;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL into bronze Iceberg tables: types, watermarks, look-back upserts and errors. */
class PostgresIngestTest {
  @TempDir Path projectDir;
  private IngestFixture fixture;

  @BeforeAll
  static void createTables() {
    TestPostgres.execute(
        "DROP TABLE IF EXISTS readings, places, flat",
        "DROP TYPE IF EXISTS meter_kind",
        "CREATE TYPE meter_kind AS ENUM ('electric', 'gas')",
        "CREATE TABLE readings (id bigint PRIMARY KEY, meter uuid NOT NULL, kind meter_kind,"
            + " kwh numeric(12,3), raw numeric, taken_at timestamptz, local_at timestamp,"
            + " day date, attrs jsonb, tags text[], payload bytea, note text)",
        "INSERT INTO readings SELECT g, md5(g::text)::uuid, CASE WHEN g % 2 = 0 THEN 'gas'"
            + " ELSE 'electric' END::meter_kind, g * 1.5, g, TIMESTAMPTZ '2026-01-01 00:00:00+00'"
            + " + g * interval '1 minute', TIMESTAMP '2026-01-01 00:00:00' + g * interval '1 minute',"
            + " DATE '2026-01-01', jsonb_build_object('g', g), ARRAY['a', 'b'], '\\x0102'::bytea,"
            + " 'row ' || g FROM generate_series(1, 100) g",
        "CREATE TABLE places (id int PRIMARY KEY, spot point)",
        // Every type the binary COPY reader decodes, and the ones the select list casts to text.
        "CREATE TABLE flat (id serial PRIMARY KEY, small int2, big int8, ok bool, ratio float4, score float8,"
            + " kwh numeric(12,3), wide numeric(30,10), raw numeric, name varchar(20), code char(4),"
            + " doc text, day date, taken_at timestamptz, local_at timestamp, payload bytea, meter uuid,"
            + " kind meter_kind, attrs jsonb, rel oid, seq bigserial)",
        "INSERT INTO flat SELECT g, (g % 300 - 150)::int2, g * 10000000000, g % 3 = 0, g / 7.0, g / 3.0,"
            + " (g - 50) * 1.125, (g - 50) * 12345678901234567.0123456789, g * 1.000001, 'name ' || g,"
            + " 'c' || (g % 10), repeat('é', g % 5), DATE '1999-12-30' + g, TIMESTAMPTZ"
            + " '1999-12-31 23:59:59.999999+00' + g * interval '1 hour', TIMESTAMP '2026-01-01 00:00:00'"
            + " + g * interval '1 second', '\\x00ff'::bytea, md5(g::text)::uuid, CASE WHEN g % 2 = 0"
            + " THEN 'gas' ELSE 'electric' END::meter_kind, jsonb_build_object('g', g), g FROM"
            + " generate_series(1, 100) g",
        "INSERT INTO flat (id) VALUES (101)");
  }

  @AfterEach
  void close() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void everyCommonTypeLandsAsTheMatchingIcebergType() {
    fixture = new IngestFixture(projectDir, source("readings", "mode: upsert\n    primary-key: [id]"), null);
    SourceRun run = fixture.ingest("readings").get(0);
    assertThat(run.rowsWritten()).isEqualTo(100);

    Map<String, String> types = fixture.engine().table("bronze.readings").schema().columns().stream()
        .collect(Collectors.toMap(Types.NestedField::name, field -> field.type().toString()));
    assertThat(types).containsEntry("id", "long").containsEntry("meter", "string")
        .containsEntry("kind", "string").containsEntry("kwh", "decimal(12, 3)")
        .containsEntry("raw", "decimal(38, 9)").containsEntry("taken_at", "timestamptz")
        .containsEntry("local_at", "timestamptz").containsEntry("day", "date")
        .containsEntry("attrs", "string").containsEntry("tags", "list<string>")
        .containsEntry("payload", "binary");
    List<Object> first = fixture.rows("SELECT kwh, taken_at, local_at, kind, attrs FROM bronze.readings"
        + " WHERE id = 1").get(0);
    assertThat((BigDecimal) first.get(0)).isEqualByComparingTo("1.5");
    assertThat(first.get(1)).isEqualTo(Instant.parse("2026-01-01T00:01:00Z"));
    assertThat(first.get(2)).isEqualTo(Instant.parse("2026-01-01T00:01:00Z"));
    assertThat(first.get(3)).isEqualTo("electric");
    assertThat(first.get(4)).isEqualTo("{\"g\": 1}");

    // A full load re-reads the table and upserts: a second run changes no row count.
    fixture.ingest("readings");
    assertThat(fixture.value("SELECT count(*) FROM bronze.readings")).isEqualTo(100L);
  }

  @Test
  void theBinaryCopyReaderMakesTheSameTableAsSparksJdbcReader() {
    // Unpartitioned: the connector's binary COPY into DuckDB. Partitioned: Spark's JDBC reader.
    fixture = new IngestFixture(projectDir, "  by_copy:\n    type: postgres\n    url: " + TestPostgres.url()
        + "\n    table: flat\n    watermark: id\n  by_jdbc:\n    type: postgres\n    url: " + TestPostgres.url()
        + "\n    table: flat\n    watermark: id\n    partition-by: [bucket(2, id)]\n", null);
    fixture.ingest("by_copy", "by_jdbc");

    org.apache.iceberg.Table copied = fixture.engine().table("bronze.by_copy");
    org.apache.iceberg.Table read = fixture.engine().table("bronze.by_jdbc");
    assertThat(read.spec().isPartitioned()).isTrue();
    assertThat(copied.spec().isUnpartitioned()).isTrue();
    assertThat(copied.schema().asStruct()).isEqualTo(read.schema().asStruct());
    assertThat(copied.currentSnapshot().summary()).doesNotContainKey("spark.app.id");
    assertThat(read.currentSnapshot().summary()).containsKey("spark.app.id");
    String columns = copied.schema().columns().stream().map(Types.NestedField::name)
        .filter(name -> !name.startsWith("_")).map(name -> name.equals("payload") ? "hex(payload)" : name)
        .collect(Collectors.joining(", "));
    List<List<Object>> expected = fixture.rows("SELECT " + columns + " FROM bronze.by_jdbc ORDER BY id");
    assertThat(expected).hasSize(101);
    assertThat(fixture.rows("SELECT " + columns + " FROM bronze.by_copy ORDER BY id")).isEqualTo(expected);
    List<Object> row = fixture.rows("SELECT wide, taken_at, day, code, doc FROM bronze.by_copy WHERE id = 1").get(0);
    assertThat(row.get(0)).isEqualTo(new BigDecimal("-604938266160493783.6049382661"));
    assertThat(row.get(1)).isEqualTo(Instant.parse("2000-01-01T00:59:59.999999Z"));
    assertThat(row.get(2)).isEqualTo(java.time.LocalDate.parse("1999-12-31"));
    assertThat(row.get(3)).isEqualTo("c1  ");
    assertThat(row.get(4)).isEqualTo("é");
  }

  @Test
  void twoIngestsAtOnceLoadEachRowOnce() throws Exception {
    // Two writers of one source, started together: the position is checked inside the commit, so
    // the slower one commits nothing or stops with a conflict, and no row lands twice.
    fixture = new IngestFixture(projectDir, source("flat", "watermark: id"), null);
    fixture.engine(); // started once, before the writers
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<List<SourceRun>>> runs = List.of(1, 2).stream()
          .map(i -> pool.submit(() -> {
            start.await();
            return fixture.ingest("flat");
          })).toList();
      start.countDown();
      long written = 0;
      for (java.util.concurrent.Future<List<SourceRun>> run : runs) {
        try {
          written += run.get().get(0).rowsWritten();
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(FloeException.class);
          assertThat(((FloeException) e.getCause()).category()).isEqualTo(ErrorCategory.CONFLICT);
        }
      }
      assertThat(written).isEqualTo(101);
    } finally {
      pool.shutdownNow();
    }
    assertThat(fixture.rows("SELECT count(*), count(DISTINCT id) FROM bronze.flat").get(0)).containsExactly(101L, 101L);
    assertThat(fixture.ingest("flat").get(0).rowsWritten()).isZero();
  }

  @Test
  void lookBackRereadsLateRowsAndUpsertsThem() {
    fixture = new IngestFixture(projectDir, source("readings",
        "watermark: taken_at\n    look-back: 10 minutes\n    mode: upsert\n    primary-key: [id]"), null);
    fixture.ingest("readings");
    TestPostgres.execute("UPDATE readings SET note = 'late' WHERE id = 95");
    try {
      TestPostgres.execute("INSERT INTO readings (id, meter, taken_at) VALUES (101, gen_random_uuid(),"
          + " TIMESTAMPTZ '2026-01-01 02:00:00+00')");
      SourceRun run = fixture.ingest("readings").get(0);
      // 01:30 < taken_at <= 02:00: rows 91..100 again, and 101.
      assertThat(run.rowsWritten()).isEqualTo(11);
      assertThat(fixture.value("SELECT count(*) FROM bronze.readings")).isEqualTo(101L);
      assertThat(fixture.value("SELECT note FROM bronze.readings WHERE id = 95")).isEqualTo("late");
    } finally {
      TestPostgres.execute("DELETE FROM readings WHERE id = 101", "UPDATE readings SET note = 'row 95' WHERE id = 95");
    }
  }

  @Test
  void aFullLoadInAppendModeIsAConfigurationError() {
    fixture = new IngestFixture(projectDir, source("readings", "mode: append"), null);
    assertThatThrownBy(() -> fixture.ingest("readings"))
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("floe.yaml:")
        .hasMessageContaining("a full load (no watermark) re-reads rows, so it needs mode: upsert");
  }

  @Test
  void unsupportedTypeNamesTableAndColumn() {
    fixture = new IngestFixture(projectDir, source("places", "watermark: id"), null);
    assertThatThrownBy(() -> fixture.ingest("places"))
        .isInstanceOf(FloeException.class)
        .hasMessage("Cannot ingest table public.places: column spot has type point, which Floe"
            + " cannot map to an Iceberg type. Cast it in the source's query (e.g. spot::text) or"
            + " leave it out with 'columns:'.");
  }

  @Test
  void missingTableAndUnreachableDatabaseAreOneLineErrors() {
    fixture = new IngestFixture(projectDir, source("nope", "watermark: id"), null);
    assertThatThrownBy(() -> fixture.ingest("nope"))
        .hasMessageStartingWith("Cannot ingest table public.nope: PostgreSQL has no such table");

    fixture.writeConfig("  down:\n    type: postgres\n    url: jdbc:postgresql://127.0.0.1:1/postgres\n"
        + "    user: postgres\n    password: hunter2-secret\n    table: readings\n    watermark: id\n");
    assertThatThrownBy(() -> fixture.ingest("down"))
        .isInstanceOf(FloeException.class)
        .hasMessageStartingWith("Cannot connect to PostgreSQL for source down:")
        .hasMessageNotContaining("hunter2-secret")
        .satisfies(e -> assertThat(((FloeException) e).category()).isEqualTo(ErrorCategory.EXTERNAL));
  }

  private static String source(String table, String extra) {
    return "  " + table + ":\n    type: postgres\n    url: " + TestPostgres.url() + "\n    table: "
        + table + "\n    " + extra + "\n";
  }
}
