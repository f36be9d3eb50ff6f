package io.floe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The DuckDB pipeline peer runs the models' Spark SQL with a few functions rewritten: each rewrite,
 * run in DuckDB, gives what Spark gives for the same value (Spark's answers in the comments).
 */
class EcommercePipelinePeersTest {
  @Test
  void sparkFunctionsRewrittenForDuckDbGiveSparksAnswers() throws SQLException {
    // 2024-01-06 is a Saturday: Spark's dayofweek counts 1 (Sunday) to 7 (Saturday).
    assertThat(duckDb("dayofweek(TIMESTAMP '2024-01-06 10:00:00')")).isEqualTo("7");
    assertThat(duckDb("dayofweek(TIMESTAMP '2024-01-07 10:00:00') in (1, 7)")).isEqualTo("true");
    assertThat(duckDb("date_format(TIMESTAMP '2024-01-06 10:00:00', 'EEEE')")).isEqualTo("Saturday");
    assertThat(duckDb("unix_timestamp(TIMESTAMP '1970-01-02 00:00:10') - unix_timestamp(TIMESTAMP '1970-01-02 00:00:00')"))
        .isEqualTo("10.0");
    assertThat(duckDb("unix_date(DATE '1970-01-03')")).isEqualTo("2");
    assertThat(duckDb("TIMESTAMP '2024-04-10 00:00:00' - make_dt_interval(90)")).isEqualTo("2024-01-11 00:00:00.0");
  }

  @Test
  void onlyTheNamedFunctionsAreRewritten() {
    String sql = "select count_if(is_converted), hour(ts), my_unix_timestamp(ts) from t";
    assertThat(EcommercePipelinePeers.toDuckDb(sql)).isEqualTo(sql);
  }

  private static String duckDb(String sparkExpression) throws SQLException {
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duck.createStatement();
        ResultSet result = statement.executeQuery("SELECT " + EcommercePipelinePeers.toDuckDb(sparkExpression))) {
      result.next();
      return result.getString(1);
    }
  }
}
