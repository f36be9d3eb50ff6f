package io.floe.ingest.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.ingest.IngestProjectTest;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * Plain CSV appends go through DuckDB's reader into Parquet files that Iceberg commits: the table
 * must be as proper as one Spark writes, with field ids in the files and column metrics.
 */
class FastCsvPathTest extends IngestProjectTest {
  @Test
  void filesCarryFieldIdsAndMetricsAndAddedColumnsGetNewIds() {
    project("""
          orders:
            type: csv
            path: in/*.csv
        """);
    fixture.write("in/1.csv", "id,amount,at\n1,10.50,2026-01-01 10:00:00\n2,3.25,2026-01-02 11:30:00\n");
    fixture.ingest();
    fixture.write("in/2.csv", "id,amount,at,region\n3,1.00,2026-01-03 00:00:00,EU\n");
    fixture.ingest();

    Table table = fixture.engine().table("bronze.orders");
    Types.NestedField region = table.schema().findField("region");
    assertThat(region.fieldId()).isGreaterThan(table.schema().findField("_batch_id").fieldId());
    // Reads go by field id: values in the right columns prove the ids in the files.
    assertThat(fixture.rows("SELECT id, amount, region FROM bronze.orders ORDER BY id").toString())
        .isEqualTo("[[1, 10.5, null], [2, 3.25, null], [3, 1.0, EU]]");
    assertThat(fixture.value("SELECT count(*) FROM bronze.orders WHERE at = TIMESTAMP '2026-01-02 11:30:00'"))
        .isEqualTo(1L);
    List<DataFile> files = new java.util.ArrayList<>();
    table.newScan().includeColumnStats().planFiles().forEach(task -> files.add(task.file()));
    assertThat(files).isNotEmpty().allSatisfy(file -> {
      assertThat(file.valueCounts()).containsKey(table.schema().findField("id").fieldId());
      assertThat(file.lowerBounds()).containsKey(table.schema().findField("id").fieldId());
    });
  }
}
