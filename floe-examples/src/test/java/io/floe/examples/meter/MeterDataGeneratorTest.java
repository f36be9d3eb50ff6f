package io.floe.examples.meter;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Loads meter_data into a real PostgreSQL (embedded binaries from Maven Central). */
class MeterDataGeneratorTest {
  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @Test
  void fillsTheFourTablesAtTheGivenScale() throws SQLException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
      connection.createStatement().execute("CREATE DATABASE meters_scale");
    }
    try (Connection connection = postgres.getDatabase("postgres", "meters_scale").getConnection()) {
      MeterCounts counts = MeterDataGenerator.generate(connection, 12_000, 42);

      assertThat(counts).isEqualTo(new MeterCounts(6, 6, 12, 12_000));
      assertThat(values(connection, "SELECT count(*) FROM meter_data.customers")).containsExactly("6");
      assertThat(values(connection, "SELECT count(*) FROM meter_data.customer_accounts")).containsExactly("6");
      assertThat(values(connection, "SELECT count(*) FROM meter_data.assets")).containsExactly("12");
      assertThat(values(connection, "SELECT count(*) FROM meter_data.readings")).containsExactly("12000");
      assertThat(values(connection, "SELECT count(DISTINCT interval_start) FROM meter_data.readings"))
          .containsExactly("1000");
      assertThat(values(connection, "SELECT DISTINCT unit_of_measure FROM meter_data.readings ORDER BY 1"))
          .containsExactly("L", "kWh", "m3");
      assertThat(values(connection,
          "SELECT count(*) FROM meter_data.readings WHERE creation_time <= interval_end")).containsExactly("0");
    }
  }

  @Test
  void theSameSeedGivesTheSameReadings() throws SQLException {
    List<String> sums = new ArrayList<>();
    for (String database : List.of("meters_a", "meters_b")) {
      try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
        connection.createStatement().execute("CREATE DATABASE " + database);
      }
      try (Connection connection = postgres.getDatabase("postgres", database).getConnection()) {
        MeterDataGenerator.generate(connection, 3_000, 9);
        sums.addAll(values(connection, "SELECT sum(reading_value) || '/' || max(creation_time) FROM meter_data.readings"));
      }
    }
    assertThat(sums.get(0)).isEqualTo(sums.get(1));
  }

  private static List<String> values(Connection connection, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }
}
