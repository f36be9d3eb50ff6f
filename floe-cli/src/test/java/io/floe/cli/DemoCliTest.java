package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCliTest {
  @TempDir Path workspace;

  @Test
  void demoBuildsATableWithSnapshotsATagAndTimeTravel() {
    Path dir = workspace.resolve("demo");
    String out = floe("demo", "--dir", dir.toString(), "--rows", "200").ok();
    assertThat(out)
        .contains("Snapshots of bronze.orders")
        .contains("first_load (tag)")
        .contains("| current    | 270    |")
        .contains("| first_load | 200    |");
    // The project it leaves behind works with the other commands.
    assertThat(floe(dir, "snapshots", "bronze.orders").ok()).contains("overwrite");
    CliRun again = floe("demo", "--dir", dir.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("not empty");
  }
}
