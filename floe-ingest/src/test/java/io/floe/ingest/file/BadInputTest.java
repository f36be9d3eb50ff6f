package io.floe.ingest.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.ErrorCategory;
import io.floe.core.error.FloeException;
import io.floe.ingest.IngestProjectTest;
import io.floe.ingest.SourceRun;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Unparseable values and malformed lines go to the rejects table; max-rejects stops the run; options apply. */
class BadInputTest extends IngestProjectTest {
  @Test
  void badRowsGoToTheRejectsTableWithFileLineAndReason() {
    project("""
          orders:
            type: csv
            path: in/orders.csv
            schema: {id: bigint, amount: "decimal(10,2)", day: date}
        """);
    fixture.write("in/orders.csv", """
        id,amount,day
        1,10.50,2026-01-01
        2,abc,2026-01-02
        3,7.00
        4,1.25,2026-13-45
        5,2.00,2026-01-05
        """);

    SourceRun run = fixture.ingest().get(0);

    assertThat(run.rowsRead()).isEqualTo(5);
    assertThat(run.rowsWritten()).isEqualTo(2);
    assertThat(run.rejects()).isEqualTo(3);
    assertThat(fixture.rows("SELECT id FROM bronze.orders ORDER BY id")).containsExactly(List.of(1L), List.of(5L));
    assertThat(fixture.rows("SELECT file, line, raw, reason FROM bronze.orders__rejects ORDER BY line")).containsExactly(
        List.of("in/orders.csv", 3L, "2,abc,2026-01-02", "cannot read 'abc' as decimal(10,2) for column amount"),
        List.of("in/orders.csv", 4L, "3,7.00", "malformed line: expected 3 fields as in the header"),
        List.of("in/orders.csv", 5L, "4,1.25,2026-13-45", "cannot read '2026-13-45' as date for column day"));
  }

  @Test
  void tooManyRejectsFailTheRunAndCommitNothing() {
    project("""
          orders:
            type: csv
            path: in/orders.csv
            max-rejects: 1
            schema: {id: int}
        """);
    fixture.write("in/orders.csv", "id\n1\nx\ny\n");

    assertThatThrownBy(() -> fixture.ingest())
        .isInstanceOf(FloeException.class)
        .hasMessage("Cannot ingest source 'orders' into bronze.orders: 2 rejected rows of 3 exceed max-rejects 1 "
            + "(first: in/orders.csv: cannot read 'x' as int for column id); nothing of batch in/orders.csv was "
            + "committed.");
    assertThat(fixture.rows("SHOW TABLES IN bronze")).isEmpty();
  }

  @Test
  void aRatioLimitAllowsAShareOfRejects() {
    project("""
          orders: {type: csv, path: in/orders.csv, max-rejects: 25%, schema: {id: int}}
        """);
    fixture.write("in/orders.csv", "id\n1\n2\n3\nx\n");

    assertThat(fixture.ingest().get(0).rejects()).isEqualTo(1);
  }

  @Test
  void aMissingFileIsOneLineUserError() {
    project("""
          orders: {type: csv, path: in/missing.csv}
        """);

    assertThatThrownBy(() -> fixture.ingest())
        .isInstanceOf(FloeException.class)
        .hasMessage("floe.yaml:3: Cannot read source 'orders': in/missing.csv does not exist. Fix the source's path.")
        .satisfies(e -> assertThat(((FloeException) e).category()).isEqualTo(ErrorCategory.USER));
  }

  @Test
  void aGlobInAMissingDirectorySaysWhatToCreate() {
    project("""
          orders: {type: csv, path: landing/orders*.csv}
        """);

    assertThatThrownBy(() -> fixture.ingest())
        .isInstanceOf(FloeException.class)
        .hasMessage("floe.yaml:3: Cannot read source 'orders': the directory landing does not exist, so nothing can"
            + " match 'landing/orders*.csv'. Create it and put the files there, or fix the source's path.");
  }

  @Test
  void csvOptionsGzipAndEncodingApply() throws Exception {
    project("""
          people:
            type: csv
            path: in/*.csv.gz
            encoding: ISO-8859-1
            csv: {delimiter: ";", quote: "'", null-values: ["", NA]}
        """);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write("name;city;age\n'Müller; Jo';Köln;NA\nAnn;;41\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    Files.createDirectories(dir.resolve("in"));
    Files.write(dir.resolve("in/people.csv.gz"), bytes.toByteArray());

    fixture.ingest();

    assertThat(fixture.rows("SELECT name, city, age FROM bronze.people ORDER BY name")).containsExactly(
        java.util.Arrays.asList("Ann", null, 41),
        java.util.Arrays.asList("Müller; Jo", "Köln", null));
  }

  @Test
  void aHeaderlessTabSeparatedFileReadsWithTheDeclaredSchema() {
    project("""
          readings:
            type: csv
            path: in/readings.tsv
            csv: {header: false, delimiter: "\\t", null-values: ['\\N']}
            schema: {meter: string, kwh: double}
        """);
    fixture.write("in/readings.tsv", "m1\t1.5\nm2\t\\N\n");

    fixture.ingest();

    assertThat(fixture.rows("SELECT meter, kwh FROM bronze.readings ORDER BY meter"))
        .containsExactly(java.util.Arrays.asList("m1", 1.5), java.util.Arrays.asList("m2", null));
  }

  @Test
  void malformedJsonLinesAreRejected() {
    project("""
          events: {type: json, path: in/events.jsonl, schema: {id: bigint, kind: string}}
        """);
    fixture.write("in/events.jsonl", "{\"id\": 1, \"kind\": \"a\"}\n{\"id\": 2, \"kind\"\n{\"id\": \"x\", \"kind\": \"c\"}\n");

    SourceRun run = fixture.ingest().get(0);

    assertThat(run.rowsWritten()).isEqualTo(1);
    assertThat(fixture.rows("SELECT line, reason FROM bronze.events__rejects ORDER BY line")).containsExactly(
        List.of(2L, "malformed JSON line"),
        List.of(3L, "cannot read 'x' as bigint for column id"));
  }
}
