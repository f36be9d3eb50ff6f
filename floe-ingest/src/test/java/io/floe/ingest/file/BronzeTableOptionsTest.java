package io.floe.ingest.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.ingest.IngestProjectTest;
import io.floe.ingest.bronze.SourceState;
import java.util.List;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;

/** Write mode, partitioning, sort order and the row hash, as floe.yaml sets them. */
class BronzeTableOptionsTest extends IngestProjectTest {
  @Test
  void upsertReplacesRowsByPrimaryKeyAndTheLastRowOfAKeyWins() {
    project("""
          customers:
            type: csv
            path: in/*.csv
            mode: upsert
            primary-key: [id]
        """);
    fixture.write("in/1.csv", "id,name\n1,Ann\n2,Bob\n");
    fixture.ingest();
    fixture.write("in/2.csv", "id,name\n2,Bobby\n3,Cy\n3,Cyril\n");

    fixture.ingest();

    assertThat(fixture.rows("SELECT id, name FROM bronze.customers ORDER BY id"))
        .containsExactly(List.of(1, "Ann"), List.of(2, "Bobby"), List.of(3, "Cyril"));
    // The MERGE's snapshot carries the position too: the upsert is exactly once like an append.
    assertThat(fixture.engine().table("bronze.customers").currentSnapshot().summary())
        .containsEntry(SourceState.positionKey("customers"), "[\"in/1.csv\",\"in/2.csv\"]");
  }

  @Test
  void partitioningSortOrderAndHashApplyToANewTable() {
    project("""
          events:
            type: json
            path: in/events.jsonl
            partition-by: [days(ts)]
            sort-by: [id DESC]
            hash: true
            schema: {id: bigint, ts: timestamp}
        """);
    fixture.write("in/events.jsonl", """
        {"id": 1, "ts": "2026-01-01T10:00:00Z"}
        {"id": 2, "ts": "2026-01-02T10:00:00Z"}
        {"id": 1, "ts": "2026-01-01T10:00:00Z"}
        """);

    fixture.ingest();

    Table table = fixture.engine().table("bronze.events");
    assertThat(table.spec().fields()).extracting(field -> field.transform().toString()).containsExactly("day");
    assertThat(table.sortOrder().fields()).hasSize(1);
    assertThat(table.schema().columns()).extracting(column -> column.name())
        .containsExactly("id", "ts", "_ingested_at", "_source", "_batch_id", "_hash");
    assertThat(fixture.value("SELECT count(DISTINCT _hash) FROM bronze.events")).isEqualTo(2L);
    assertThat(fixture.value("SELECT count(*) FROM bronze.events")).isEqualTo(3L);
  }

  @Test
  void theMetadataColumnsTakeTheProjectsNamesOnBothWritePaths() {
    project("""
          events:
            type: json
            path: in/events.jsonl
            hash: true
          plain:
            type: csv
            path: in/plain.csv
        ingest:
          columns: {ingested-at: _ingest_time, batch-id: _load_id}
        """);
    fixture.write("in/events.jsonl", "{\"id\": 1}\n{\"id\": 2}\n");
    fixture.write("in/plain.csv", "id\n1\n");

    fixture.ingest();

    assertThat(fixture.engine().table("bronze.events").schema().columns()).extracting(column -> column.name())
        .containsExactly("id", "_ingest_time", "_source", "_load_id", "_hash");
    // The CSV goes the DuckDB way, the JSON the Spark way: the same names either way.
    assertThat(fixture.engine().table("bronze.plain").schema().columns()).extracting(column -> column.name())
        .containsExactly("id", "_ingest_time", "_source", "_load_id");
    assertThat(fixture.value("SELECT count(DISTINCT _load_id) FROM bronze.events WHERE _ingest_time IS NOT NULL"))
        .isEqualTo(1L);
  }
}
