package io.floe.ingest.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.config.SourceLocation;
import io.floe.core.error.ErrorCategory;
import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.core.secret.ConfigValue;
import io.floe.spark.FloeEngine;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads from a real PostgreSQL (embedded binaries from Maven Central) with real Spark. */
class PostgresReaderTest {
  private static EmbeddedPostgres postgres;
  private static FloeEngine engine;
  @TempDir static Path projectDir;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    Files.writeString(projectDir.resolve("floe.yaml"), "name: pg_test\n");
    engine = FloeEngine.open(Project.load(projectDir));
    execute(
        "CREATE TYPE meter_kind AS ENUM ('electric', 'gas')",
        "CREATE TABLE readings (id bigint PRIMARY KEY, meter uuid NOT NULL, kind meter_kind,"
            + " kwh numeric(12,3), raw numeric, taken_at timestamptz, local_at timestamp,"
            + " day date, attrs jsonb, tags text[], payload bytea, note text)",
        "INSERT INTO readings SELECT g, md5(g::text)::uuid, CASE WHEN g % 2 = 0 THEN 'gas'"
            + " ELSE 'electric' END::meter_kind, g * 1.5, g, TIMESTAMPTZ '2026-01-01 00:00:00+00'"
            + " + g * interval '1 minute', TIMESTAMP '2026-01-01 00:00:00' + g * interval '1 minute',"
            + " DATE '2026-01-01', jsonb_build_object('g', g), ARRAY['a', 'b'], '\\x0102'::bytea,"
            + " 'row ' || g FROM generate_series(1, 100) g",
        "CREATE TABLE places (id int PRIMARY KEY, spot point)");
  }

  @AfterAll
  static void stop() throws Exception {
    engine.close();
    postgres.close();
  }

  @Test
  void fullLoadMapsEveryCommonType() {
    PostgresReader reader = new PostgresReader(config(null, null), projectDir);
    PostgresLoadPlan plan = reader.plan(null).orElseThrow();
    assertThat(plan.primaryKey()).containsExactly("id");
    assertThat(plan.keyRange()).isEqualTo(new PostgresReader.KeyRange("id", 1, 100));
    Dataset<Row> rows = reader.read(engine.session(), plan);
    assertThat(rows.rdd().getNumPartitions()).isEqualTo(2);

    StructType schema = rows.schema();
    assertThat(schema.apply("id").dataType().simpleString()).isEqualTo("bigint");
    assertThat(schema.apply("meter").dataType().simpleString()).isEqualTo("string");
    assertThat(schema.apply("kind").dataType().simpleString()).isEqualTo("string");
    assertThat(schema.apply("kwh").dataType().simpleString()).isEqualTo("decimal(12,3)");
    assertThat(schema.apply("raw").dataType().simpleString()).isEqualTo("decimal(38,9)");
    assertThat(schema.apply("taken_at").dataType().simpleString()).isEqualTo("timestamp");
    assertThat(schema.apply("local_at").dataType().simpleString()).isEqualTo("timestamp");
    assertThat(schema.apply("day").dataType().simpleString()).isEqualTo("date");
    assertThat(schema.apply("attrs").dataType().simpleString()).isEqualTo("string");
    assertThat(schema.apply("tags").dataType().simpleString()).isEqualTo("array<string>");
    assertThat(schema.apply("payload").dataType().simpleString()).isEqualTo("binary");

    Row first = rows.orderBy("id").first();
    assertThat(rows.count()).isEqualTo(100);
    assertThat(first.<BigDecimal>getAs("kwh")).isEqualByComparingTo("1.5");
    assertThat(first.<Instant>getAs("taken_at")).isEqualTo(Instant.parse("2026-01-01T00:01:00Z"));
    assertThat(first.<Instant>getAs("local_at")).isEqualTo(Instant.parse("2026-01-01T00:01:00Z"));
    assertThat(first.<String>getAs("kind")).isEqualTo("electric");
    assertThat(first.<String>getAs("attrs")).isEqualTo("{\"g\": 1}");
  }

  @Test
  void incrementalLoadReadsPastTheWatermarkWithLookBack() throws Exception {
    PostgresReader reader = new PostgresReader(config("taken_at", null), projectDir);
    PostgresLoadPlan first = reader.plan(null).orElseThrow();
    assertThat(first.highMark()).isEqualTo("2026-01-01 01:40:00+00");
    assertThat(reader.read(engine.session(), first).count()).isEqualTo(100);
    assertThat(reader.plan(first.highMark())).isEmpty();

    execute("INSERT INTO readings (id, meter, taken_at) VALUES (101, gen_random_uuid(),"
        + " TIMESTAMPTZ '2026-01-01 02:00:00+00')");
    try {
      PostgresLoadPlan next = reader.plan(first.highMark()).orElseThrow();
      assertThat(reader.read(engine.session(), next).count()).isEqualTo(1);

      PostgresReader withLookBack =
          new PostgresReader(config("taken_at", "10 minutes"), projectDir);
      PostgresLoadPlan late = withLookBack.plan(first.highMark()).orElseThrow();
      // 01:30 < taken_at <= 02:00: ten re-read rows (91..100) and the new one.
      assertThat(withLookBack.read(engine.session(), late).count()).isEqualTo(11);
    } finally {
      execute("DELETE FROM readings WHERE id = 101");
    }
  }

  @Test
  void unsupportedTypeNamesTableAndColumn() {
    PostgresSourceConfig places =
        new PostgresSourceConfig("places", url(), user(), null, PostgresTableName.parse("places"),
            null, null, List.of(), 2, 1000);
    assertThatThrownBy(() -> new PostgresReader(places, projectDir).plan(null))
        .isInstanceOf(FloeException.class)
        .hasMessage("Cannot ingest table public.places: column spot has type point, which Floe"
            + " cannot map to an Iceberg type. Cast it in the source's query (e.g. spot::text) or"
            + " leave it out with 'columns:'.");
  }

  @Test
  void missingTableAndUnreachableDatabaseAreOneLineErrors() {
    PostgresSourceConfig missing =
        new PostgresSourceConfig("nope", url(), user(), null, PostgresTableName.parse("nope"),
            null, null, List.of(), 1, 1000);
    assertThatThrownBy(() -> new PostgresReader(missing, projectDir).plan(null))
        .hasMessageStartingWith("Cannot ingest table public.nope: PostgreSQL has no such table");

    ConfigValue badUrl =
        new ConfigValue("url", "jdbc:postgresql://127.0.0.1:1/postgres", SourceLocation.of(projectDir), false);
    PostgresSourceConfig unreachable =
        new PostgresSourceConfig("down", badUrl, user(), null, PostgresTableName.parse("readings"),
            null, null, List.of(), 1, 1000);
    assertThatThrownBy(() -> new PostgresReader(unreachable, projectDir).plan(null))
        .isInstanceOf(FloeException.class)
        .hasMessageStartingWith("Cannot connect to PostgreSQL for source down:")
        .satisfies(e -> assertThat(((FloeException) e).category()).isEqualTo(ErrorCategory.EXTERNAL));
  }

  private static PostgresSourceConfig config(String watermark, String lookBack) {
    return new PostgresSourceConfig("readings", url(), user(), null,
        PostgresTableName.parse("public.readings"), watermark, lookBack, List.of(), 2, 1000);
  }

  private static ConfigValue url() {
    return new ConfigValue("url", postgres.getJdbcUrl("postgres", "postgres"),
        SourceLocation.of(projectDir), false);
  }

  private static ConfigValue user() {
    return new ConfigValue("user", "postgres", SourceLocation.of(projectDir), false);
  }

  private static void execute(String... statements) throws Exception {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

}
