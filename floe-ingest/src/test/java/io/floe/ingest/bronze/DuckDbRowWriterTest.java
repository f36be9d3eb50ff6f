package io.floe.ingest.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.ingest.IngestFixture;
import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.Position;
import io.floe.ingest.spi.RowInput;
import io.floe.ingest.spi.RowStream;
import io.floe.ingest.spi.SourceColumn;
import io.floe.ingest.spi.SourceDefinition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.iceberg.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A row batch larger than what DuckDB stages at once (one large source transaction is one batch)
 * becomes several Parquet files, committed in one snapshot with the batch's position.
 */
class DuckDbRowWriterTest {
  @TempDir Path projectDir;
  private IngestFixture fixture;

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void aBatchOfMoreRowsThanAFileHoldsIsSeveralFilesInOneCommit() {
    fixture = new IngestFixture(projectDir, "  rows:\n    type: csv\n    path: landing/*.csv\n    target: bronze.rows\n",
        null);
    SourceDefinition definition = fixture.sources().select(List.of("rows")).get(0);
    Batch batch = new Batch("rows-1", new Rows(20), new Position("20"), 0, "20 rows");

    BatchResult result = new DuckDbRowWriter(fixture.engine(), new BronzeWriter(fixture.engine()), 7)
        .write(definition, batch, Position.START, 0, 0, null);

    assertThat(result.rowsWritten()).isEqualTo(20);
    assertThat(fixture.rows("SELECT id FROM bronze.rows ORDER BY id").stream().map(row -> row.get(0)).toList())
        .isEqualTo(LongStream.range(0, 20).boxed().toList());
    List<Snapshot> commits = new ArrayList<>();
    fixture.engine().table("bronze.rows").snapshots().forEach(snapshot -> {
      if (snapshot.summary().containsKey("added-data-files")) {
        commits.add(snapshot);
      }
    });
    // 7 + 7 + 6 rows.
    assertThat(commits).hasSize(1);
    assertThat(commits.get(0).summary()).containsEntry("added-data-files", "3")
        .containsEntry(SourceState.positionKey("rows"), "20");
  }

  private record Rows(long count) implements RowInput {
    @Override
    public List<SourceColumn> columns() {
      return List.of(new SourceColumn("id", "bigint"), new SourceColumn("name", "string"));
    }

    @Override
    public RowStream open() {
      java.util.Iterator<Object[]> rows = LongStream.range(0, count).mapToObj(id -> new Object[] {id, "n" + id})
          .iterator();
      return RowStream.of(rows, List.of());
    }
  }
}
