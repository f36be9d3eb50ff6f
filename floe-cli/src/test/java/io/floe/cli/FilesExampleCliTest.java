package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static io.floe.cli.ExampleCopies.copy;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/files runs as its comments say: upserts, rejects, JSON lines, and nothing new on a second run. */
class FilesExampleCliTest {
  private static final Path EXAMPLE = Path.of("..", "examples", "files");

  @TempDir Path project;

  @Test
  void theExampleLoadsAsDocumented() throws IOException {
    copy(EXAMPLE, project);

    String out = floe(project, "ingest").ok();

    assertThat(out).contains("orders -> bronze.orders: 6 rows in 1 batch", "1 rejected (see bronze.orders__rejects)",
        "events -> bronze.web_events: 3 rows in 1 batch", "1 rejected (see bronze.web_events__rejects)");
    assertThat(floe(project, "sql", "-o", "csv", "SELECT order_id, amount FROM bronze.orders ORDER BY order_id").ok())
        .isEqualTo("order_id,amount\n1,25.50\n2,42.00\n3,13.99\n5,7.25\n6,120.00\n");
    assertThat(floe(project, "sql", "-o", "csv", "SELECT line, reason FROM bronze.orders__rejects").ok())
        .isEqualTo("line,reason\n5,\"cannot read 'nine' as decimal(10,2) for column amount\"\n");
    assertThat(floe(project, "ingest").ok()).contains("orders -> bronze.orders: nothing new (2 files)");
  }
}
