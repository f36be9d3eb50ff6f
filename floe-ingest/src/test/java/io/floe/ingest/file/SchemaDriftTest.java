package io.floe.ingest.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.FloeException;
import io.floe.ingest.IngestProjectTest;
import java.util.Arrays;
import java.util.List;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;

/** A table follows its source's columns as far as Iceberg allows, and stops the run where it cannot. */
class SchemaDriftTest extends IngestProjectTest {
  @Test
  void aNewColumnIsAddedAndADroppedOneStaysWithNulls() {
    project("""
          customers: {type: csv, path: in/*.csv}
        """);
    fixture.write("in/1.csv", "id,name\n1,Ann\n");
    fixture.ingest();
    fixture.write("in/2.csv", "id,name,region\n2,Bob,EU\n");
    fixture.write("in/3.csv", "id\n3\n");

    List<String> changes = fixture.ingest().get(0).schemaChanges();

    assertThat(changes).containsExactly("added region string");
    assertThat(fixture.rows("SELECT id, name, region FROM bronze.customers ORDER BY id")).containsExactly(
        Arrays.asList(1, "Ann", null), Arrays.asList(2, "Bob", "EU"), Arrays.asList(3, null, null));
  }

  @Test
  void widerTypesAreApplied() {
    project("""
          metrics: {type: parquet, path: in/*/*.parquet}
        """);
    parquet("in/1", "SELECT CAST(1 AS INT) n, CAST(1.5 AS FLOAT) f, CAST(1.25 AS DECIMAL(5,2)) d");
    fixture.ingest();
    parquet("in/2", "SELECT CAST(3000000000 AS BIGINT) n, CAST(2.5 AS DOUBLE) f, CAST(12345.67 AS DECIMAL(10,2)) d");

    List<String> changes = fixture.ingest().get(0).schemaChanges();

    assertThat(changes).containsExactly("widened n from int to long", "widened f from float to double",
        "widened d from decimal(5, 2) to decimal(10, 2)");
    Table table = fixture.engine().table("bronze.metrics");
    assertThat(table.schema().findField("n").type().toString()).isEqualTo("long");
    assertThat(fixture.rows("SELECT n FROM bronze.metrics ORDER BY n")).containsExactly(List.of(1L), List.of(3000000000L));
  }

  @Test
  void anIncompatibleChangeStopsTheRunAndCommitsNothing() {
    project("""
          metrics: {type: parquet, path: in/*/*.parquet}
        """);
    parquet("in/1", "SELECT CAST(1 AS INT) n");
    fixture.ingest();
    long snapshot = fixture.engine().table("bronze.metrics").currentSnapshot().snapshotId();
    parquet("in/2", "SELECT 'one' n");

    assertThatThrownBy(() -> fixture.ingest())
        .isInstanceOf(FloeException.class)
        .hasMessageStartingWith("Cannot ingest source 'metrics' into bronze.metrics: column 'n' is int in the table "
            + "but string in the source, and Iceberg cannot change int to string.");
    Table table = fixture.engine().table("bronze.metrics");
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshot);
    assertThat(table.schema().findField("n").type().toString()).isEqualTo("int");
  }

  private void parquet(String directory, String query) {
    fixture.engine().session().sql(query).coalesce(1).write().parquet(dir.resolve(directory).toString());
  }
}
