package io.floe.models.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.models.test.DataTestDefinition.Severity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The SQL each generic test runs: it selects the offending rows. */
class DataTestQueriesTest {
  @Test
  void eachTestSelectsTheRowsThatBreakIt() {
    assertThat(sql("not_null", "id", Map.of())).isEqualTo("SELECT * FROM gold.t WHERE `id` IS NULL");
    assertThat(sql("accepted_values", "op", Map.of("values", List.of("I", "U"))))
        .isEqualTo("SELECT * FROM gold.t WHERE `op` IS NOT NULL AND CAST(`op` AS STRING) NOT IN ('I', 'U')");
    assertThat(sql("relationships", "cid", Map.of("to", "ref('customers')", "field", "id")))
        .isEqualTo("SELECT c.* FROM gold.t c LEFT ANTI JOIN gold.customers p ON c.`cid` = p.`id`"
            + " WHERE c.`cid` IS NOT NULL");
    assertThat(sql("row_count", null, Map.of("min", 1, "max", 10)))
        .endsWith("WHERE row_count < 1 OR row_count > 10");
    assertThat(sql("freshness", "at", Map.of("error_after", Map.of("count", 12, "period", "hour"))))
        .isEqualTo("SELECT max(`at`) AS latest FROM gold.t HAVING max(`at`) IS NULL OR max(`at`)"
            + " < current_timestamp() - INTERVAL 12 HOUR");
  }

  @Test
  void anUnknownTestNamesWhereItWasWritten() {
    assertThatThrownBy(() -> sql("not_nul", "id", Map.of()))
        .hasMessageStartingWith("schema.yml:7: Cannot run test 'not_nul' of model t: there is no such test."
            + " Did you mean 'not_null'?");
  }

  private static String sql(String kind, String column, Map<String, Object> arguments) {
    DataTestDefinition test = new DataTestDefinition(kind, Optional.ofNullable(column), arguments, Severity.ERROR,
        "schema.yml:7");
    return DataTestQueries.failures(test, "t", "gold.t", ref -> "gold." + ref);
  }
}
