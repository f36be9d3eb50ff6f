package io.floe.ingest.postgres;

import io.floe.ingest.SourceContractTest;
import org.junit.jupiter.api.BeforeEach;

/** The shared connector contract, against a real PostgreSQL table with an id watermark. */
class PostgresSourceContractTest extends SourceContractTest {
  private String table;

  @BeforeEach
  void createTable() {
    table = "contract_" + Math.abs(projectDir.hashCode());
    TestPostgres.execute("DROP TABLE IF EXISTS " + table,
        "CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text NOT NULL)");
  }

  @Override
  protected String sourceYaml() {
    return "  contract:\n"
        + "    type: postgres\n"
        + "    url: " + TestPostgres.url() + "\n"
        + "    table: public.contract_" + Math.abs(projectDir.hashCode()) + "\n"
        + "    watermark: id\n"
        + "    batch:\n"
        + "      max-rows: 7\n";
  }

  @Override
  protected void addRows(long from, long to) {
    TestPostgres.execute("INSERT INTO " + table + " SELECT g, 'n' || g FROM generate_series("
        + from + ", " + (to - 1) + ") g");
  }
}
