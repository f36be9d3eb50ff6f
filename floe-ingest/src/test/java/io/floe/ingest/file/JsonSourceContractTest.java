package io.floe.ingest.file;

import io.floe.ingest.SourceContractTest;
import java.nio.file.Files;
import java.nio.file.Path;

/** JSON lines files with an inferred schema, against the shared contract. */
class JsonSourceContractTest extends SourceContractTest {
  @Override
  protected String sourceYaml() {
    return """
          contract:
            type: json
            path: landing/*.jsonl
            batch: {max-files: 1}
        """;
  }

  @Override
  protected void addRows(long from, long to) throws Exception {
    StringBuilder lines = new StringBuilder();
    for (long id = from; id < to; id++) {
      lines.append("{\"id\": ").append(id).append(", \"name\": \"n").append(id).append("\"}\n");
    }
    Path file = projectDir.resolve("landing/rows_" + String.format("%05d", from) + ".jsonl");
    Files.createDirectories(file.getParent());
    Files.writeString(file, lines);
  }
}
