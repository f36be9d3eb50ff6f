package io.floe.spark.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.maintenance.MaintenancePolicy;
import io.floe.core.project.Project;
import io.floe.spark.FloeEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What compaction rewrites: the small files a table's commits leave, and its large files only when asked. */
class TableMaintenanceTest {
  @TempDir Path dir;

  @Test
  void afterACommitOnlyTheSmallFilesAreCompactedAndFloeMaintainAlsoTakesTheLargeOne() throws IOException {
    Files.writeString(dir.resolve("floe.yaml"), "name: m\nnamespaces: [bronze]\nengine:\n  shuffle-partitions: 2\n");
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.events (id BIGINT, payload STRING) USING iceberg", 0);
      // One large file (random text, so that it does not compress away), then small appends.
      engine.sql("INSERT INTO bronze.events SELECT /*+ COALESCE(1) */ id, sha2(CAST(id AS STRING), 256)"
          + " FROM range(0, 60000)", 0);
      for (int i = 0; i < 4; i++) {
        engine.sql("INSERT INTO bronze.events VALUES (" + (100000 + i) + ", 'small')", 0);
      }
      Table table = engine.table("bronze.events");
      long large = sizes(table).get(0);
      // A target size three times the large file: under 3/4 of it, over 1/4 of it.
      MaintenancePolicy policy = new MaintenancePolicy(true, true, 3, 30, large * 3, false, Duration.ofDays(7), 5,
          false, Duration.ofDays(3), Duration.ofDays(1), false, 50);
      TableMaintenance maintenance = new TableMaintenance(engine);

      assertThat(maintenance.due(table, policy, false).compact()).isTrue();
      MaintenanceResult automatic = maintenance.maintain("bronze.events", policy, false, step -> { });
      table.refresh();
      // The four small files became one; the large one was left as it was.
      assertThat(automatic.filesBefore()).isEqualTo(5);
      assertThat(sizes(table)).hasSize(2).contains(large);

      // floe maintain takes every file under 3/4 of the target: the large one too.
      engine.sql("INSERT INTO bronze.events VALUES (100004, 'small')", 0);
      MaintenanceResult explicit = maintenance.maintain("bronze.events", policy.withAuto(false), true, step -> { });
      table.refresh();
      assertThat(explicit.filesBefore()).isEqualTo(3);
      assertThat(sizes(table)).hasSize(1).doesNotContain(large);
      assertThat(engine.sql("SELECT count(*) FROM bronze.events", 1).rows().get(0).get(0)).isEqualTo(60005L);
    }
  }

  @Test
  void afterACommitAFileIsSmallNextToTheTablesLargestOne() {
    long mib = 1L << 20;
    MaintenancePolicy policy = new MaintenancePolicy(true, true, 10, 30, 128 * mib, false, Duration.ofDays(7), 5,
        false, Duration.ofDays(3), Duration.ofDays(1), false, 50);
    // A 52 MiB table file and the merged increments beside it: small under 6.5 MiB, so the large file
    // stays and the merged ones are merged again until they pass that.
    assertThat(TableMaintenance.smallFileBytes(List.of(52 * mib, 3 * mib, mib / 2), policy, false))
        .isEqualTo(52 * mib / 8);
    // A table of small files alone: under 1 MiB at least, so they still merge.
    assertThat(TableMaintenance.smallFileBytes(List.of(mib / 10, mib / 10), policy, false)).isEqualTo(mib);
    // Never more than 1/4 of the target size, and floe maintain takes everything under 3/4 of it.
    assertThat(TableMaintenance.smallFileBytes(List.of(1024 * mib), policy, false)).isEqualTo(32 * mib);
    assertThat(TableMaintenance.smallFileBytes(List.of(52 * mib), policy, true)).isEqualTo(96 * mib);
  }

  // The data files' sizes, largest first.
  private static List<Long> sizes(Table table) throws IOException {
    List<Long> sizes = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile file = task.file();
        sizes.add(file.fileSizeInBytes());
      }
    }
    sizes.sort(java.util.Comparator.reverseOrder());
    return sizes;
  }
}
