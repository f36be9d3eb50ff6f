package io.floe.ingest.file;

import io.floe.ingest.SourceContractTest;
import java.nio.file.Files;
import java.nio.file.Path;

/** CSV files, one per call, against the shared contract. */
class CsvSourceContractTest extends SourceContractTest {
  @Override
  protected String sourceYaml() {
    return """
          contract:
            type: csv
            path: landing/contract_*.csv
            batch:
              max-files: 1
            schema:
              id: bigint
              name: string
        """;
  }

  @Override
  protected void addRows(long from, long to) throws Exception {
    // Two files per call, so a call makes two batches.
    long middle = (from + to) / 2;
    write(from, middle);
    write(middle, to);
  }

  private void write(long from, long to) throws Exception {
    StringBuilder csv = new StringBuilder("id,name\n");
    for (long id = from; id < to; id++) {
      csv.append(id).append(",n").append(id).append('\n');
    }
    Path file = projectDir.resolve("landing/contract_" + String.format("%05d", from) + ".csv");
    Files.createDirectories(file.getParent());
    Files.writeString(file, csv);
  }
}
