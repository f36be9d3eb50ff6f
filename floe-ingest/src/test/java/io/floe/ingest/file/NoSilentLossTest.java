package io.floe.ingest.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.ErrorCategory;
import io.floe.core.error.FloeException;
import io.floe.ingest.IngestProjectTest;
import io.floe.ingest.SourceRun;
import io.floe.ingest.bronze.BronzeWriter;
import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.Position;
import io.floe.ingest.spi.SourceDefinition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Faults that once left a source stuck or dropped rows without a word: every row of a file ends in
 * the table or in its rejects, and a user mistake gets a message naming the file and what to do.
 */
class NoSilentLossTest extends IngestProjectTest {
  @Test
  void aBatchWhoseRejectsCommittedButNotItsRowsLoadsOnceOnTheNextRun() {
    project("""
          events:
            type: csv
            path: in/events_*.csv
            schema: {id: int}
            batch: {max-files: 1}
        """);
    fixture.write("in/events_1.csv", "id\n1\nx\n2\n");
    fixture.write("in/events_2.csv", "id\n3\ny\n4\n");
    SourceDefinition definition = fixture.sources().select(List.of("events")).get(0);
    List<Batch> batches = fixture.sources().create(definition).plan(Position.START);
    BronzeWriter writer = new BronzeWriter(fixture.engine());
    writer.write(definition, batches.get(0), Position.START, 0, 0);
    // A run that planned the second batch from a stale position commits its rejects, then its rows
    // are refused: the state a kill between the two commits leaves.
    assertThatThrownBy(() -> writer.write(definition, batches.get(1), Position.START, 0, 0))
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("another run committed the source since this run planned the batch")
        .extracting(error -> ((FloeException) error).category()).isEqualTo(ErrorCategory.CONFLICT);

    SourceRun run = fixture.ingest().get(0);

    assertThat(run.batches()).isEqualTo(1);
    assertThat(fixture.rows("SELECT id FROM bronze.events ORDER BY id"))
        .containsExactly(List.of(1), List.of(2), List.of(3), List.of(4));
    assertThat(fixture.rows("SELECT file, line FROM bronze.events__rejects ORDER BY file"))
        .containsExactly(List.of("in/events_1.csv", 3L), List.of("in/events_2.csv", 3L));
    assertThat(fixture.ingest().get(0).batches()).isZero();
  }

  @Test
  void theLastRowOfAKeyInSourceOrderWinsAcrossFilesOfABatch() {
    project("""
          customers:
            type: csv
            path: in/customers_*.csv
            mode: upsert
            primary-key: [id]
            schema: {id: int, name: string}
        """);
    // The newer file is much larger: Spark reads larger splits first, so partition order alone
    // would put the older file's row last.
    fixture.write("in/customers_1.csv", "id,name\n1,old\n");
    StringBuilder newer = new StringBuilder("id,name\n");
    for (int i = 100; i < 20_000; i++) {
      newer.append(i).append(",filler-").append(i).append('\n');
    }
    newer.append("1,new\n");
    fixture.write("in/customers_2.csv", newer.toString());

    fixture.ingest();

    assertThat(fixture.rows("SELECT name FROM bronze.customers WHERE id = 1")).containsExactly(List.of("new"));
  }

  @Test
  void aHeaderThatDoesNotNameTheDeclaredColumnsIsAnErrorNamingBothLists() {
    project("""
          orders:
            type: csv
            path: in/orders.csv
            schema: {id: int, amount: "decimal(10,2)"}
        """);
    fixture.write("in/orders.csv", "id;amount\n1;2.50\n");

    assertThatThrownBy(() -> fixture.ingest())
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("in/orders.csv: its header has the columns [id;amount], but the source declares "
            + "[id, amount] (the delimiter is ','). Fix the source's csv.delimiter or schema in floe.yaml, or the file.");
    assertThat(fixture.rows("SHOW TABLES IN bronze")).isEmpty();
  }

  @Test
  void aHeaderNamingAColumnTwiceIsAnError() {
    project("""
          orders: {type: csv, path: in/orders.csv}
        """);
    fixture.write("in/orders.csv", "id,name,Name\n1,a,b\n");

    assertThatThrownBy(() -> fixture.ingest())
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("in/orders.csv: its header names the column 'Name' twice (fields 2 and 3)");
  }

  @Test
  void anEmptyFileNextToAGoodOneHasNoRowsAndTheGoodOneLoads() {
    project("""
          orders: {type: csv, path: in/orders_*.csv, schema: {id: int}}
        """);
    fixture.write("in/orders_1.csv", "");
    fixture.write("in/orders_2.csv", "id\n1\n2\n");

    SourceRun run = fixture.ingest().get(0);

    assertThat(run.rowsWritten()).isEqualTo(2);
    assertThat(run.position()).isEqualTo("2 files");
    assertThat(fixture.ingest().get(0).batches()).isZero();
  }

  @Test
  void bytesThatDoNotDecodeAreRejectsNotReplacementCharacters() throws Exception {
    project("""
          people:
            type: csv
            path: in/people.csv
            mode: upsert
            primary-key: [id]
        """);
    Files.createDirectories(fixture.root().resolve("in"));
    Files.write(fixture.root().resolve("in/people.csv"),
        "id,name\n1,ok\n2,Jos\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

    SourceRun run = fixture.ingest().get(0);

    assertThat(run.rowsWritten()).isEqualTo(1);
    assertThat(run.rejects()).isEqualTo(1);
    assertThat(fixture.rows("SELECT line, reason FROM bronze.people__rejects"))
        .containsExactly(List.of(3L, "bytes that are not valid UTF-8"));
  }

  @Test
  void aDataFileTheGlobMatchesButSparkWouldSkipIsReportedAndOneNamedAloneIsAnError() {
    project("""
          orders: {type: csv, path: in/_first.csv}
        """);
    fixture.write("in/_first.csv", "id\n1\n");

    assertThatThrownBy(() -> fixture.ingest())
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("in/_first.csv is a hidden file (its name starts with '_' or '.'), which Spark's "
            + "readers skip. Rename it.");
  }

  @Test
  void aDecimalBeyondIcebergsPrecisionIsAConfigErrorWithItsLine() {
    assertThatThrownBy(() -> {
      project("""
            orders: {type: csv, path: in/orders.csv, schema: {amount: "decimal(99,2)"}}
          """);
      fixture.ingest();
    }).isInstanceOf(FloeException.class)
        .hasMessageContaining("floe.yaml:")
        .hasMessageContaining("decimal(99,2) must have a precision from 1 to 38 (Iceberg's limit)");
  }

  @Test
  void aRelativePathThatLeavesTheProjectIsRefused() {
    assertThatThrownBy(() -> {
      project("""
            secrets: {type: csv, path: ../../etc/passwd}
          """);
      fixture.ingest();
    }).isInstanceOf(FloeException.class)
        .hasMessageContaining("Cannot use path '../../etc/passwd': a relative path must stay inside the project "
            + "directory. Write an absolute path to read files outside it.");
  }

  @Test
  void anUnterminatedQuoteOnTheFastPathIsOneRejectHoldingTheRestOfTheFileAtItsLine() {
    project("""
          events: {type: csv, path: in/events.csv, schema: {id: int, name: string}}
        """);
    fixture.write("in/events.csv", "id,name\n1,a\n2,b\n3,c\n4,\"d\n5,e\n6,f\n7,g\n8,h\n");

    SourceRun run = fixture.ingest().get(0);

    assertThat(run.rowsWritten()).isEqualTo(3);
    assertThat(run.rejects()).isEqualTo(1);
    assertThat(fixture.rows("SELECT line, raw, reason FROM bronze.events__rejects")).containsExactly(List.of(5L,
        "4,\"d\n5,e\n6,f\n7,g\n8,h\n", "malformed line: a quoted value opened on this line is never closed, so "
            + "the rest of the file (5 lines) was read as one record; close the quote"));
  }

  @Test
  void anUnterminatedQuoteOnTheSparkPathLosesNoLine() {
    project("""
          events: {type: csv, path: in/events.csv, mode: upsert, primary-key: [id], schema: {id: int, name: string}}
        """);
    fixture.write("in/events.csv", "id,name\n1,a\n2,\"b\n3,c\n");

    SourceRun run = fixture.ingest().get(0);

    assertThat(run.rowsWritten() + run.rejects()).isEqualTo(3);
    assertThat(fixture.rows("SELECT id FROM bronze.events ORDER BY id")).containsExactly(List.of(1), List.of(2),
        List.of(3));
  }

  @Test
  void aCsvFileNamedParquetIsAnErrorSayingWhatItStartsWith() {
    project("""
          readings: {type: parquet, path: in/readings.parquet}
        """);
    fixture.write("in/readings.parquet", "id,value\n1,2\n");

    assertThatThrownBy(() -> fixture.ingest())
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("in/readings.parquet: it is not a Parquet file (a Parquet file starts with 'PAR1'; "
            + "this one starts with 'id,value?1,2?'). If it is CSV or JSON, declare a source of that type for it");
  }

  @Test
  void aTruncatedParquetFileIsAnErrorSayingItIsIncomplete() throws Exception {
    project("""
          readings: {type: parquet, path: in/readings.parquet}
        """);
    Files.createDirectories(fixture.root().resolve("in"));
    Files.write(fixture.root().resolve("in/readings.parquet"), "PAR1\u0015\u0000\u0015cut here".getBytes(
        StandardCharsets.ISO_8859_1));

    assertThatThrownBy(() -> fixture.ingest())
        .isInstanceOf(FloeException.class)
        .satisfies(e -> assertThat(((FloeException) e).category()).isEqualTo(ErrorCategory.USER))
        .hasMessageContaining("in/readings.parquet: the Parquet file is incomplete (it has 15 bytes and does not end "
            + "with 'PAR1', the end of its footer): it was truncated or is still being written.");
  }

  @Test
  void jsonKeysDifferingOnlyInCaseAreAnErrorNamingTheFileAndBothKeys() {
    project("""
          events: {type: json, path: in/events.jsonl}
        """);
    fixture.write("in/events.jsonl", "{\"id\": 1, \"Name\": \"a\"}\n{\"id\": 2, \"name\": \"b\"}\n");

    assertThatThrownBy(() -> fixture.ingest())
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("in/events.jsonl: its objects have the keys 'Name' and 'name', which differ only in "
            + "case; column names must differ ignoring case. Rename one in the data.");
  }

  @Test
  void anEmptyFileAloneLoadsNothingAndIsNoError() {
    project("""
          orders: {type: csv, path: in/orders.csv}
        """);
    fixture.write("in/orders.csv", "");

    SourceRun run = fixture.ingest().get(0);

    assertThat(run.rowsWritten()).isZero();
    assertThat(run.rejects()).isZero();
  }
}
